"""The demo ledger is a showcase: labelled, reproducible, reports in every week, statuses
that say what the figures and notes say, and a register with answered and open slips."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from zctasks.cli import app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "ledger"
    result = CliRunner().invoke(app, ["init", str(root), "--demo"])
    assert result.exit_code == 0, result.output
    assert "张示例催办单" in result.stdout
    return root


def _log(root):
    result = CliRunner().invoke(app, ["--root", str(root), "progress", "log", "-f", "json"])
    return json.loads(result.stdout)


def test_every_week_from_the_plan_to_late_october_has_reports(demo):
    days = {date.fromisoformat(e["date"]) for e in _log(demo)}
    monday = date(2023, 7, 3)  # the week the plan was issued
    while monday <= date(2023, 10, 23):  # through the week of the last reports, W43
        assert any(monday <= d <= monday + timedelta(days=6) for d in days), monday
        monday += timedelta(days=7)


def test_statuses_agree_with_notes(demo):
    for entry in _log(demo):
        for field in ("note", "source", "next"):
            assert entry[field].startswith("【示例数据】"), entry
        if entry["status"] == "已完成":
            assert "已完成" in entry["note"] and not entry["problems"]
        elif entry["status"] == "受阻":
            assert entry["problems"] and "进度滞后" in entry["note"]
            assert entry["problems"].removeprefix("【示例数据】") in entry["note"]
        else:
            assert "滞后" not in entry["note"]
        if entry["problems"]:
            assert "协调解决" in entry["next"]


def test_the_demo_is_the_same_every_time(demo, tmp_path):
    other = tmp_path / "again"
    assert CliRunner().invoke(app, ["init", str(other), "--demo"]).exit_code == 0
    for path in (
        "data/progress/2023-07.yaml",
        "data/progress/2023-10.yaml",
        "data/urges/2023.yaml",
    ):
        assert (demo / path).read_bytes() == (other / path).read_bytes()


def test_the_register_has_answered_and_open_slips(demo):
    result = CliRunner().invoke(
        app, ["--root", str(demo), "report", "register", "--as-of", "2023-10-31"]
    )
    assert "| 已反馈（" in result.stdout and "| 逾期未反馈 |" in result.stdout
    assert CliRunner().invoke(app, ["--root", str(demo), "check"]).exit_code == 0
