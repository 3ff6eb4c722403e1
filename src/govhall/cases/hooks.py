"""Extension points of the case engine: other apps plug in here instead of the engine importing
them (the e-license app issues licenses when a case whose result is a license completes; the
housing app refuses a second application of one household; the eligibility rules add their
explanation to the one-click verification)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CompletionHook = Callable[..., None]
SubmissionCheck = Callable[..., None]
VerificationExtension = Callable[..., "VerificationSection | None"]

_completion_hooks: list[CompletionHook] = []
_submission_checks: list[SubmissionCheck] = []
_verification_extensions: list[VerificationExtension] = []


@dataclass(frozen=True)
class VerificationSection:
    """A section another app adds to a case's one-click verification: its title, the template
    that renders it and that template's context (the case and the actor are added)."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def register_completion_hook(hook: CompletionHook) -> CompletionHook:
    """``hook(case, actor=...)`` runs inside the completing transaction; raising aborts it."""
    if hook not in _completion_hooks:
        _completion_hooks.append(hook)
    return hook


def run_completion_hooks(case: Any, *, actor: Any) -> None:
    for hook in list(_completion_hooks):
        hook(case, actor=actor)


def register_submission_check(check: SubmissionCheck) -> SubmissionCheck:
    """``check(application, actor=..., cleaned=...)`` runs inside the submitting transaction,
    after the form is validated (``cleaned`` is the validated form) and before the case is
    created; it raises an ``errors.ApplicationError`` to refuse the submission."""
    if check not in _submission_checks:
        _submission_checks.append(check)
    return check


def run_submission_checks(application: Any, *, actor: Any, cleaned: dict[str, Any]) -> None:
    for check in list(_submission_checks):
        check(application, actor=actor, cleaned=cleaned)


def register_verification_extension(extension: VerificationExtension) -> VerificationExtension:
    """``extension(case, actor=...)`` answers a :class:`VerificationSection` for the cases it
    concerns and None for the others; an ``errors.ApplicationError`` it raises is shown as that
    section's refusal, not the page's."""
    if extension not in _verification_extensions:
        _verification_extensions.append(extension)
    return extension


def verification_extensions() -> list[VerificationExtension]:
    return list(_verification_extensions)
