"""Links to features that may not exist yet.

Later work adds apps (catalog, cases, interaction, ...). A page declares the URL name an entry
leads to; the entry becomes a link once that name resolves and is shown as "暂未开通" (or hidden)
until then, so that no page ever links to something that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


def optional_url(url_name: str) -> str | None:
    """The path of ``url_name``, or None while no app provides it."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Entry:
    """One entry of a menu or of the home page's five cards."""

    url_name: str
    label: str
    glyph: str = ""
    description: str = ""

    @property
    def url(self) -> str | None:
        return optional_url(self.url_name)

    @property
    def available(self) -> bool:
        return self.url is not None


def resolve_entries(entries: list[Entry]) -> list[dict[str, object]]:
    """Entries with their resolved ``url`` (None when the feature is not built yet)."""
    resolved = []
    for entry in entries:
        url = entry.url
        resolved.append(
            {
                "url_name": entry.url_name,
                "label": entry.label,
                "glyph": entry.glyph,
                "description": entry.description,
                "url": url,
                "available": url is not None,
            }
        )
    return resolved


def available_entries(entries: list[Entry]) -> list[dict[str, object]]:
    """Only the entries whose feature exists (menus hide the rest)."""
    return [entry for entry in resolve_entries(entries) if entry["available"]]
