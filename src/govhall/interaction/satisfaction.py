"""The satisfaction codes at the boundaries (DESIGN.md §5, REFERENCE.md).

GB/T 39046 numbers 1 = 非常满意 … 5 = 非常不满意; the evaluation interfaces in use send the reverse
(1 = 非常不满意 … 5 = 非常满意). Inside govhall there is only ``Satisfaction``.
"""

from __future__ import annotations

from govhall.interaction.models import Satisfaction

_ORDER = (
    Satisfaction.VERY_SATISFIED,
    Satisfaction.SATISFIED,
    Satisfaction.BASIC,
    Satisfaction.DISSATISFIED,
    Satisfaction.VERY_DISSATISFIED,
)

GOOD = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASIC})
BAD = frozenset({Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED})


def _check(code: int) -> int:
    if isinstance(code, bool) or not isinstance(code, int) or not 1 <= code <= 5:
        raise ValueError(f"satisfaction code must be 1..5, not {code!r}")
    return code


def to_gbt39046(value: str) -> int:
    """GB/T 39046: 1 = 非常满意 … 5 = 非常不满意."""
    return _ORDER.index(Satisfaction(value)) + 1


def from_gbt39046(code: int) -> Satisfaction:
    return _ORDER[_check(code) - 1]


def to_interface(value: str) -> int:
    """The evaluation interfaces: 1 = 非常不满意 … 5 = 非常满意."""
    return 6 - to_gbt39046(value)


def from_interface(code: int) -> Satisfaction:
    return _ORDER[5 - _check(code)]


def is_bad(value: str) -> bool:
    return Satisfaction(value) in BAD
