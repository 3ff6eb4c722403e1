"""Registry results shaped for templates (shared by the exchange's pages and the cases
workbench's one-click verification panel)."""

from __future__ import annotations

from typing import Any

from govhall.exchange import services_query


def verification_sections(result: services_query.VerificationResult) -> list[dict[str, Any]]:
    """For the template: per person, per resource, a table (labels, rows of values)."""
    profile = result.profile
    people = []
    for index, subject in enumerate(profile.subjects):
        blocks = []
        for view in profile.resources:
            rows = [
                {
                    "values": [row.data.get(name) for name in view.allowed],
                    "updated_at": row.updated_at,
                    "valid_to": row.valid_to,
                }
                for row in subject.records.get(view.code, [])
            ]
            labels = [view.labels[name] for name in view.allowed]
            blocks.append({"view": view, "labels": labels, "rows": rows})
        people.append(
            {"subject_key": subject.subject_key, "is_applicant": index == 0, "blocks": blocks}
        )
    return people
