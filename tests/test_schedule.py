"""Lights against hand-computed cases. 2023-07-31 is day 212 of 365: 序时进度 58.08%."""

from __future__ import annotations

from datetime import date

import pytest

from zctasks.judge.schedule import elapsed_share, target_state
from zctasks.plan.models import ScheduleSettings, Target

SETTINGS = ScheduleSettings()
JULY = elapsed_share(date(2023, 7, 31), date(2023, 1, 1), date(2023, 12, 31))
DAY = date(2023, 7, 31)


def test_elapsed_share():
    assert pytest.approx(212 / 365) == JULY
    assert elapsed_share(date(2023, 1, 1), date(2023, 1, 1), date(2023, 12, 31)) == pytest.approx(
        1 / 365
    )
    assert elapsed_share(date(2022, 6, 1), date(2023, 1, 1), date(2023, 12, 31)) == 0
    assert elapsed_share(date(2024, 6, 1), date(2023, 1, 1), date(2023, 12, 31)) == 1


def light(target: Target, actual: float, elapsed: float = JULY) -> tuple[str, str]:
    state = target_state(target, actual, DAY, elapsed, SETTINGS)
    return state.light, state.reason


INVESTMENT = Target("7.1", "制造业技改投资", ">=", 25, "亿元", firm=False)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (
            12.3,
            ("green", "7.1 制造业技改投资 12.3/25亿元，完成49%，序时进度58%"),
        ),  # 9.1 points behind
        (10, ("yellow", "7.1 制造业技改投资 10/25亿元，完成40%，序时进度58%，落后18个百分点")),
        (5, ("red", "7.1 制造业技改投资 5/25亿元，完成20%，序时进度58%，落后38个百分点")),
        (25, ("done", "7.1 制造业技改投资 25/25亿元，完成100%，序时进度58%")),
    ],
)
def test_accruing_at_least(actual, expected):
    assert light(INVESTMENT, actual) == expected


WATER = Target("30.1", "年度用水总量", "<=", 8000, "万立方米")


@pytest.mark.parametrize(
    ("actual", "elapsed", "expected_light"),
    [
        (4000, JULY, "green"),  # 50% used, schedule allows 58%
        (5500, JULY, "yellow"),  # 68.75%: 10.7 points over the pro-rata budget
        (7200, JULY, "red"),  # 90%: 31.9 points over
        (8100, JULY, "red"),  # the year's cap is already exceeded
        (7900, 1.0, "done"),  # the year ended inside the cap
    ],
)
def test_accruing_upper_bound(actual, elapsed, expected_light):
    assert light(WATER, actual, elapsed)[0] == expected_light


def test_upper_bound_reason():
    assert (
        light(WATER, 5500)[1]
        == "30.1 年度用水总量 5500/8000万立方米（上限），已用69%，序时进度58%，超出序时11个百分点"
    )
    assert light(WATER, 8100)[1].endswith("已超过全年上限")


RATE = Target("58.3", "设备配备率", ">=", 85, "%", accrues=False)


@pytest.mark.parametrize("actual", [86, 85])
def test_a_level_that_meets_its_target_is_done_whatever_the_date(actual):
    assert light(RATE, actual)[0] == "done"
    assert light(RATE, actual, elapsed=0.01)[0] == "done"


@pytest.mark.parametrize("actual", [80, 70, 50, 10])
def test_a_level_without_its_base_is_not_behind_before_the_deadline(actual):
    """Only the full target is known: below it mid-year says nothing about the pace."""
    assert light(RATE, actual)[0] == "green"
    assert light(RATE, actual, elapsed=0.99)[0] == "green"


@pytest.mark.parametrize(("actual", "expected_light"), [(80, "green"), (70, "yellow"), (50, "red")])
def test_a_level_without_its_base_is_judged_against_the_target_at_the_deadline(
    actual, expected_light
):
    assert light(RATE, actual, elapsed=1.0)[0] == expected_light


def test_level_reasons():
    assert light(RATE, 70) == (
        "green",
        "58.3 设备配备率 70%，目标85%，达到目标的82%（水平指标，未设基数，期限前不判断滞后）",
    )
    assert light(RATE, 70, elapsed=1.0) == (
        "yellow",
        "58.3 设备配备率 70%，目标85%，达到目标的82%，期限已到未达到",
    )
    assert light(RATE, 90) == ("done", "58.3 设备配备率 90%，目标85%，已达到")


SOLAR = Target("24.2", "光伏装机容量", ">=", 29.3, "万千瓦", accrues=False)
SOLAR_WITH_BASE = Target("24.2", "光伏装机容量", ">=", 29.3, "万千瓦", accrues=False, base=12.3)
JUNE = elapsed_share(date(2023, 6, 30), date(2023, 1, 1), date(2023, 12, 31))  # 49.6%


def test_a_level_with_its_base_keeps_pace_from_the_base():
    """20 of 29.3万千瓦 at the end of June, from 12.3 in January: 7.7 of the 17 to add, 45%."""
    assert light(SOLAR, 20, JUNE)[0] == "green"  # not 严重滞后 for being below 29.3
    assert light(SOLAR_WITH_BASE, 20, JUNE) == (
        "green",
        "24.2 光伏装机容量 20万千瓦，基数12.3万千瓦，目标29.3万千瓦，完成目标增幅的45%，序时进度50%",
    )
    assert light(SOLAR_WITH_BASE, 15, JUNE) == (
        "red",
        "24.2 光伏装机容量 15万千瓦，基数12.3万千瓦，目标29.3万千瓦，完成目标增幅的16%，"
        "序时进度50%，落后34个百分点",
    )
    assert light(SOLAR_WITH_BASE, 17, JUNE)[0] == "yellow"  # 28%: 22 points behind
    assert light(SOLAR_WITH_BASE, 29.3, JUNE)[0] == "done"


GROWTH = Target("7.2", "制造业技改投资同比增长", ">=", 12, "%", accrues=False, change=True)


def test_a_growth_rate_may_be_negative():
    assert light(GROWTH, -3.5) == (
        "green",
        "7.2 制造业技改投资同比增长 -3.5%，目标12%，达到目标的-29%（水平指标，未设基数，期限前不判断滞后）",
    )
    assert light(GROWTH, -3.5, elapsed=1.0)[0] == "red"


SHARE = Target("14.2", "现代服务业增加值占比", "~", 52, "%", accrues=False)
INCOME = Target("55.1", "居民人均可支配收入", "~", 4.4, "万元")


def test_approximate_targets_allow_the_tolerance():
    assert light(SHARE, 50) == (
        "done",
        "14.2 现代服务业增加值占比 50%，目标约52%（±5%），已达到",
    )  # 3.8% off
    assert light(SHARE, 54.6)[0] == "done"  # 5.0% off
    assert light(SHARE, 45)[0] == "green"  # 13.5% off, before the deadline
    assert light(SHARE, 45, elapsed=1.0)[0] == "yellow"
    assert light(SHARE, 30, elapsed=1.0)[0] == "red"
    assert light(INCOME, 4.2, elapsed=1.0)[0] == "done"  # within 5% of 4.4 at the year's end
    assert light(INCOME, 2.6)[0] == "green"  # 59% of 4.4 at 58% of the year


BETWEEN = Target("8.2", "培育认定新经济种子企业", "between", 2, "家", max=3)


def test_between_uses_the_low_end_for_schedule_and_the_range_for_done():
    assert light(BETWEEN, 1) == (
        "green",
        "8.2 培育认定新经济种子企业 1/2—3家，完成50%，序时进度58%",
    )
    assert light(BETWEEN, 2)[0] == "done"
    assert light(BETWEEN, 4) == (
        "done",
        "8.2 培育认定新经济种子企业 4/2—3家，完成200%，序时进度58%，已超过区间上限",
    )


def test_strictly_more_than():
    events = Target("57.1", "全民健身赛事活动", ">", 150, "项")
    assert light(events, 150)[0] != "done"
    assert light(events, 151)[0] == "done"
