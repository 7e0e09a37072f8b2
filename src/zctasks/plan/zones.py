"""The plan's time zone: the days of its calendar, whatever the zone of the machine."""

from __future__ import annotations

from datetime import timedelta, timezone, tzinfo

ZONE_HINT = "写 IANA 时区名，如 Asia/Shanghai；Windows 上需安装 tzdata（pip install tzdata）"


def plan_zone(name: str) -> tzinfo:
    """The time zone ``name`` names, or ValueError. Without a zone database (Windows, where
    the tzdata package brings one) Asia/Shanghai is still known: it has kept UTC+8, without
    summer time, since 1991."""
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        if name == "Asia/Shanghai":
            return timezone(timedelta(hours=8), "Asia/Shanghai")
        raise ValueError(f"未知时区“{name}”") from None
