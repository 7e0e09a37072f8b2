"""Lateness is counted in the plan's time zone, whatever the zone of the machine that asks;
``at`` keeps the UTC offset of the machine that wrote it, and old entries keep loading."""

from __future__ import annotations

import json
import time

import pytest

JULY_FIRST_DUE = "reporting: {first_due: 2023-07-25}\n"
SEPT = "data/progress/2023-09.yaml"


@pytest.fixture
def machine_zone(monkeypatch):
    """Run as if the machine's clock were set to ``zone`` (TZ, as on Linux)."""

    def set_zone(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def _ledger(make_ledger, at: str, config: str = JULY_FIRST_DUE):
    root = make_ledger()
    (root / "data" / "config.yaml").write_text(config, "utf-8")
    (root / "data" / "progress").mkdir(exist_ok=True)
    (root / SEPT).write_text(
        '- {"id": "2023-09-20-1-aaaaaa", "task": 1, "date": "2023-09-20", "by": "区科技局", '
        f'"status": "推进中", "note": "甲", "at": "{at}"}}\n',
        "utf-8",
    )
    return root


def _days_late(zc, root) -> int:
    result = zc("status", "--by", "unit", "--as-of", "2023-09-30", "-f", "json", root=root)
    assert result.exit_code == 0, result.stderr
    (unit,) = [u for u in json.loads(result.stdout)["units"] if u["unit"] == "区科技局"]
    return unit["days_late"]


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Asia/Shanghai", "Pacific/Kiritimati"])
def test_lateness_is_counted_in_the_plans_time_zone(zc, make_ledger, machine_zone, zone):
    """Recorded at 07:00 on 26 September in Shanghai (the evening of the 25th in New York):
    one day late, asked from anywhere."""
    machine_zone(zone)
    assert _days_late(zc, _ledger(make_ledger, "2023-09-26T07:00:00.000+08:00")) == 1
    assert _days_late(zc, _ledger(make_ledger, "2023-09-25T23:59:00.000+08:00")) == 0
    assert _days_late(zc, _ledger(make_ledger, "2023-09-25T16:30:00Z")) == 1  # 00:30 in Shanghai


def test_the_plans_time_zone_is_configurable(zc, make_ledger, machine_zone):
    machine_zone("Asia/Shanghai")
    config = JULY_FIRST_DUE.replace("}", ", time_zone: Europe/Berlin}")
    root = _ledger(make_ledger, "2023-09-26T05:00:00.000+08:00", config)  # 23:00 on the 25th
    assert _days_late(zc, root) == 0


def test_an_unknown_time_zone_fails_check(zc, make_ledger):
    config = JULY_FIRST_DUE.replace("}", ", time_zone: Asia/Zichuan}")
    result = zc("check", root=_ledger(make_ledger, "2023-09-20T09:00:00.000+08:00", config))
    assert result.exit_code == 1
    assert "error[range]: 未知时区“Asia/Zichuan”" in result.stdout


def test_at_keeps_the_writers_utc_offset(zc, make_ledger, machine_zone):
    root = make_ledger()
    for zone, offset in (
        ("UTC", "+00:00"),
        ("Asia/Shanghai", "+08:00"),
        ("America/New_York", "-04:00"),
    ):
        machine_zone(zone)
        note = f"记于{zone}"
        result = zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-10",
                    "--note", note, root=root)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        line = next(
            json.loads(line[2:])
            for line in (root / "data/progress/2023-07.yaml").read_text("utf-8").splitlines()
            if note in line
        )
        assert line["at"].endswith(offset) or zone == "America/New_York"


def test_entries_without_at_or_with_z_keep_loading(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "progress").mkdir()
    (root / "data/progress/2023-07.yaml").write_text(
        '- {"id": "a", "task": 1, "date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "0.1 写的"}\n'
        '- {"id": "b", "task": 1, "date": "2023-07-11", "by": "区科技局", "status": "推进中", "note": "UTC", '
        '"at": "2023-07-11T02:00:00Z"}\n',
        "utf-8",
    )
    assert zc("check", root=root).exit_code == 0
    log = json.loads(zc("progress", "log", "-f", "json", root=root).stdout)
    assert [(e["id"], e["at"]) for e in log] == [
        ("a", None),
        ("b", "2023-07-11T02:00:00.000+00:00"),
    ]


def test_without_a_time_zone_database_shanghai_is_still_known(zc, make_ledger, monkeypatch):
    """Windows has no zone database of its own (the tzdata package brings one); without it
    the default zone, which has kept UTC+8 since 1991, is still known; another is an error."""
    import zoneinfo

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    root = _ledger(make_ledger, "2023-09-26T07:00:00.000+08:00")
    assert _days_late(zc, root) == 1
    (root / "data" / "config.yaml").write_text(
        JULY_FIRST_DUE.replace("}", ", time_zone: Europe/Berlin}"), "utf-8"
    )
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert "未知时区“Europe/Berlin”" in result.stdout and "tzdata" in result.stdout
