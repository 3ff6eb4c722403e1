"""Extension points of the case engine: other apps plug in here instead of the engine importing
them (the e-license app issues licenses when a case whose result is a license completes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CompletionHook = Callable[..., None]
_completion_hooks: list[CompletionHook] = []


def register_completion_hook(hook: CompletionHook) -> CompletionHook:
    """``hook(case, actor=...)`` runs inside the completing transaction; raising aborts it."""
    if hook not in _completion_hooks:
        _completion_hooks.append(hook)
    return hook


def run_completion_hooks(case: Any, *, actor: Any) -> None:
    for hook in list(_completion_hooks):
        hook(case, actor=actor)
