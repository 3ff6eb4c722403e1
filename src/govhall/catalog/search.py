"""Search text for items: the words a citizen may type for an item."""

from __future__ import annotations

from typing import Any


def build_search_text(version: Any, materials: list[dict[str, Any]]) -> str:
    """Name, themes, result and material names, lower-cased, for matching."""
    parts = [version.name, version.result_name, *version.themes_person, *version.themes_legal]
    parts += [row.get("name", "") for row in materials]
    return " ".join(p for p in parts if p).lower()
