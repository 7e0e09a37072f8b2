"""Member figures in the city's unit: 万元 → 亿元 is × 0.0001, exactly.

A unit is read as a magnitude (亿, 万, 千, 百, in any run: 万千瓦 is 10⁴ × 10³ 瓦) before a
base; two units with the same base convert by the ratio of their magnitudes. Anything else
(千米 and 公里, 吨 and 千克) needs a ``factor`` in the crosswalk. Arithmetic is exact, on the
figures as their decimal digits write them (``Decimal`` with every inexact operation
trapped), so 123456万元 is 12.3456亿元, not 12.345600000000001; only the sum is rounded,
once, to the nearest float.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact
from fractions import Fraction

from zctasks.plan.models import Number

MAGNITUDES = {"亿": 8, "万": 4, "千": 3, "百": 2}
RATES = ("%", "‰", "百分点", "个百分点")
"""Units whose figures are shares: two members' 85% do not add up to 170%."""
LARGEST_WHOLE = 2**53
"""Whole sums up to this are integers (as the ledger writes whole figures); larger ones, only
from absurd factors, are floats."""
SMALLEST_FACTOR, LARGEST_FACTOR = Decimal("1e-12"), Decimal("1e12")
"""A crosswalk's factor lies between these (亿 to 万 is 10⁻⁴; nothing real is 10⁻¹²)."""
EXACT = Context(prec=200, traps=[Inexact])
"""Figures of at most 17 digits, factors of a few, sums of thousands: far within 200 digits;
an operation that would round raises instead."""


def _split(unit: str) -> tuple[int, str]:
    power = 0
    while len(unit) > 1 and unit[0] in MAGNITUDES:
        power += MAGNITUDES[unit[0]]
        unit = unit[1:]
    return power, unit


def factor_between(member_unit: str, city_unit: str) -> Decimal | None:
    """What a figure in ``member_unit`` is multiplied by to be in ``city_unit``, or None
    where the units do not convert by their magnitudes."""
    if member_unit == city_unit:
        return Decimal(1)
    member_power, member_base = _split(member_unit)
    city_power, city_base = _split(city_unit)
    if not member_base or member_base != city_base:
        return None
    return Decimal(1).scaleb(member_power - city_power)


def exact(value: Number) -> Decimal:
    """A figure as the number its decimal digits say (12.3 is 12.3, not the float's binary
    neighbour)."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def times(value: Number, factor: Decimal) -> Decimal:
    """A figure times a factor, exactly: two coefficients of at most 17 digits each."""
    return EXACT.multiply(exact(value), factor)


def total(parts: list[Decimal]) -> Decimal | Fraction:
    """The exact sum; in fractions where decimals of 200 digits would not hold it (factors
    of wildly different sizes)."""
    found = Decimal(0)
    try:
        for part in parts:
            found = EXACT.add(found, part)
    except Inexact:
        return sum((Fraction(part) for part in parts), Fraction(0))
    return found


def plain(value: Decimal | Fraction) -> Number:
    """A sum as the ledger writes figures: an integer where it is whole, else the nearest
    float."""
    if isinstance(value, Fraction):
        whole = value.denominator == 1
    else:
        whole = value == value.to_integral_value()
    if whole and -LARGEST_WHOLE <= value <= LARGEST_WHOLE:
        return int(value)
    return float(value)


def shown(factor: Decimal) -> str:
    """0.0001, 10000, 1: a factor as written, never in exponent form."""
    text = format(factor.normalize(), "f")
    return text


def is_rate(unit: str) -> bool:
    return unit in RATES or unit.endswith("%")
