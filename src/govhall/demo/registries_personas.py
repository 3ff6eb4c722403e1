"""The scripted registry facts of the demo personas (``personas.json`` → ``registries``).

The personas are persons ``0 .. count-1`` of every population (the generator makes them first).
Their facts replace the generated ones wholesale: what ``personas.json`` does not list, they do
not have, so the documented demo outcomes (who qualifies for public rental housing, who fails
which condition) never depend on the seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from govhall.demo import citydata


@dataclass(frozen=True)
class PersonaFacts:
    count: int  # persons 0 .. count-1 are the personas
    persons: dict[int, dict[str, Any]]  # person index → facts (job, social_security, ...)
    households: dict[int, dict[str, Any]]  # head's person index → real_estate, vehicles, ...
    summaries: dict[str, str]  # head's name → the documented outcome

    def person(self, index: int) -> dict[str, Any]:
        return self.persons.get(index, {})

    def owners(self, names: list[str]) -> list[int]:
        index = citydata.persona_index()
        return [index[name] for name in names]


@cache
def persona_facts() -> PersonaFacts:
    with (citydata.DATA_DIR / "personas.json").open(encoding="utf-8") as handle:
        raw = json.load(handle)["registries"]
    index = citydata.persona_index()
    persons = {index[name]: facts for name, facts in raw["persons"].items()}
    households = {}
    for household in raw["households"]:
        facts = dict(household)
        facts["real_estate"] = [
            {**estate, "owners": [index[n] for n in estate["owners"]]}
            for estate in household.get("real_estate", [])
        ]
        facts["vehicles"] = [
            {**vehicle, "owner": index[vehicle["owner"]]}
            for vehicle in household.get("vehicles", [])
        ]
        households[index[household["head"]]] = facts
    summaries = {h["head"]: h["summary"] for h in raw["households"]}
    return PersonaFacts(
        count=len(index), persons=persons, households=households, summaries=summaries
    )


def month_of(iso: str) -> int:
    """``2009-07-01`` → a month index ``year * 12 + month - 1``."""
    return int(iso[:4]) * 12 + int(iso[5:7]) - 1
