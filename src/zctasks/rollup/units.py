"""Member figures in the city's unit: 万元 → 亿元 is × 0.0001, exactly.

A unit is read as a magnitude (亿, 万, 千, 百, in any run: 万千瓦 is 10⁴ × 10³ 瓦) before a
base; two units with the same base convert by the ratio of their magnitudes. Anything else
(千米 and 公里, 吨 and 千克) needs a ``factor`` in the crosswalk. Arithmetic is in exact
fractions of the figures as written, so 123456万元 is 12.3456亿元, not 12.345600000000001.
"""

from __future__ import annotations

from fractions import Fraction

from zctasks.plan.models import Number

MAGNITUDES = {"亿": 8, "万": 4, "千": 3, "百": 2}
RATES = ("%", "‰", "百分点", "个百分点")
"""Units whose figures are shares: two members' 85% do not add up to 170%."""


def _split(unit: str) -> tuple[int, str]:
    power = 0
    while len(unit) > 1 and unit[0] in MAGNITUDES:
        power += MAGNITUDES[unit[0]]
        unit = unit[1:]
    return power, unit


def factor_between(member_unit: str, city_unit: str) -> Fraction | None:
    """What a figure in ``member_unit`` is multiplied by to be in ``city_unit``, or None
    where the units do not convert by their magnitudes."""
    if member_unit == city_unit:
        return Fraction(1)
    member_power, member_base = _split(member_unit)
    city_power, city_base = _split(city_unit)
    if not member_base or member_base != city_base:
        return None
    return Fraction(10) ** (member_power - city_power)


def exact(value: Number) -> Fraction:
    """A figure as the fraction its decimal digits say (12.3 is 123/10, not the float)."""
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def plain(value: Fraction) -> Number:
    """A sum as the ledger writes figures: an integer where it is whole."""
    return int(value) if value.denominator == 1 else float(value)


def is_rate(unit: str) -> bool:
    return unit in RATES or unit.endswith("%")
