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
    # Dotted path to ``predicate(user) -> bool``: who the entry is for (the view still checks).
    visible_if: str = ""

    def visible_to(self, user: object) -> bool:
        if not self.visible_if:
            return True
        from django.utils.module_loading import import_string

        return bool(import_string(self.visible_if)(user))

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


def available_entries(entries: list[Entry], user: object = None) -> list[dict[str, object]]:
    """Only the entries whose feature exists and, given a user, that are meant for them."""
    meant = [e for e in entries if e.url is not None and (user is None or e.visible_to(user))]
    return [entry for entry in resolve_entries(meant) if entry["available"]]
