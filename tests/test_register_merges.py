"""Two clones' score and briefing registers merged by git's union: the ledger stays
usable. A number given twice is a warning that names the repair; reading and recording go
on, numbering past the highest; and the repair is a record of its own (作废), never a
deleted line."""

from __future__ import annotations

import json
import re

from test_scoring import RULES

SCORES = "data/scores/2023.yaml"
BRIEFINGS = "data/briefings/2023.yaml"


def _records(root, path):
    return [json.loads(line[2:]) for line in (root / path).read_text("utf-8").splitlines()[1:]]


def _merged(root, path, change):
    """What a union merge leaves when the other clone recorded the same number: its lines
    appended after ours."""
    text = (root / path).read_text("utf-8")
    ours = [line for line in text.splitlines()[1:] if '"voids"' not in line]
    theirs = [change(line) for line in ours]
    (root / path).write_text(text + "\n".join(theirs) + "\n", "utf-8")


def test_a_score_number_recorded_twice_is_a_warning_and_a_void_repairs_it(zc, reported):
    root = reported
    (root / "data" / "scoring.yaml").write_text(RULES, "utf-8")
    assert zc("score", "--record", "--as-of", "2023-07-31", root=root).exit_code == 0
    _merged(
        root,
        SCORES,
        lambda line: re.sub(
            r'"at": "\d{4}', '"at": "2099', line.replace("2023-07-31", "2023-07-30")
        ),
    )
    stamp = _records(root, SCORES)[-1]["at"]
    checked = zc("check", root=root)
    assert checked.exit_code == 0
    assert (f"{SCORES}:5:1: warning[duplicate-number]: 第1次登记有两组：") in checked.stdout
    assert (
        "  提示：两处各自登记了同号的考评结果（如两个分支合并）：作废后登记的一组，"
        "如 zctasks score --void 1 --as-of 2023-07-30 --reason 编号重复；"
        "需要时再 zctasks score --record 以新编号登记\n"
    ) in checked.stdout
    assert zc("score", "--as-of", "2023-07-31", root=root).exit_code == 0
    voided = zc("score", "--void", "1", "--as-of", "2023-07-30", "--reason", "编号重复", root=root)
    assert (voided.exit_code, voided.stdout) == (
        0,
        f"已作废第1次登记的考评结果（截至2023-07-30，登记于{stamp}，3个单位）：编号重复\n",
    )
    assert _records(root, SCORES)[-1] == {
        "voids": 1,
        "as_of": "2023-07-30",
        "sheet_at": stamp,
        "reason": "编号重复",
        "at": _records(root, SCORES)[-1]["at"],
    }
    assert "duplicate-number" not in zc("check", root=root).stdout
    again = zc("score", "--record", "--as-of", "2023-07-30", root=root)
    assert again.stderr.startswith("已登记第2次考评结果：3个单位，截至2023-07-30")


def test_an_identical_score_sheet_is_not_recorded_twice(zc, reported):
    (reported / "data" / "scoring.yaml").write_text(RULES, "utf-8")
    assert zc("score", "--record", "--as-of", "2023-07-31", root=reported).exit_code == 0
    before = (reported / SCORES).read_bytes()
    again = zc("score", "--record", "--as-of", "2023-07-31", root=reported)
    assert again.exit_code == 0
    assert again.stderr.startswith("第1次登记（")
    assert again.stderr.endswith("）的考评结果与本次完全相同，已登记过，没有重复登记\n")
    assert (reported / SCORES).read_bytes() == before


def test_a_briefing_number_recorded_twice_is_a_warning_and_a_void_repairs_it(zc, reported):
    root = reported
    week = ("report", "briefing", "--week", "2023-W30", "--date", "2023-07-31")
    assert zc(*week, "--record", root=root).exit_code == 0
    _merged(
        root,
        BRIEFINGS,
        lambda line: line.replace("2023-07-24", "2023-07-17").replace("2023-07-30", "2023-07-23"),
    )
    checked = zc("check", root=root)
    assert checked.exit_code == 0
    assert (
        f"{BRIEFINGS}:3:1: warning[duplicate-number]: 第1期有两期：2023-07-24至2023-07-30"
        f"（{BRIEFINGS} 第 2 行）和2023-07-17至2023-07-23\n"
        "  提示：两处各自登记了同一期号（如两个分支合并）：作废其中一期并以新期号重新登记，如 "
        "zctasks briefing void 1 --since 2023-07-17 --until 2023-07-23 --reason 期号重复，"
        "再 zctasks report briefing --since 2023-07-17 --until 2023-07-23 --record\n"
    ) in checked.stdout
    earlier = ("report", "briefing", "--since", "2023-07-17", "--until", "2023-07-23")
    assert "\n第1期\n" in zc(*earlier, root=root).stdout  # still reads
    nxt = zc("report", "briefing", "--week", "2023-W31", "--date", "2023-08-07", "--record",
             root=root)  # fmt: skip
    assert nxt.stderr.endswith("已登记简报第2期，登记在 data/briefings/\n")
    ambiguous = zc("briefing", "void", "1", "--reason", "期号重复", root=root)
    assert (ambiguous.exit_code, ambiguous.stderr) == (
        2,
        "错误：第1期有2期：2023-07-24至2023-07-30、2023-07-17至2023-07-23\n"
        "提示：用 --since 和 --until 指明作废哪一期\n",
    )
    voided = zc("briefing", "void", "1", "--since", "2023-07-17", "--until", "2023-07-23",
                "--reason", "期号重复", root=root)  # fmt: skip
    assert (voided.exit_code, voided.stdout) == (
        0,
        "已作废第1期简报（2023-07-17至2023-07-23）：期号重复\n"
        "重新登记：zctasks report briefing --since 2023-07-17 --until 2023-07-23 --record\n",
    )
    anew = zc(*earlier, "--date", "2023-07-24", "--record", root=root)
    assert anew.stderr.endswith("已登记简报第3期，登记在 data/briefings/\n")
    assert "\n第3期\n" in zc(*earlier, root=root).stdout
    checked = zc("check", root=root)
    assert (checked.exit_code, "duplicate-number" in checked.stdout) == (0, False)
    lines = (root / BRIEFINGS).read_text("utf-8").splitlines()
    assert len(lines) == 1 + 5  # nothing deleted: 2 merged, 1 next, 1 void, 1 anew


def test_a_briefing_renumbered_meanwhile_says_only_that_it_was_recorded(zc, reported, monkeypatch):
    """Another run records another week between this run's numbering and its record: this
    one takes the next number and says so once — not also "already recorded"."""
    from datetime import date

    from zctasks.log import briefings

    real = briefings.record
    other = briefings.Issue(1, date(2023, 7, 31), date(2023, 7, 24), date(2023, 7, 30),
                            date(2023, 7, 30), {})  # fmt: skip

    def meanwhile(root, issue, *args, **kwargs):
        real(root, other)
        return real(root, issue, *args, **kwargs)

    monkeypatch.setattr(briefings, "record", meanwhile)
    result = zc("report", "briefing", "--week", "2023-W31", "--date", "2023-08-07", "--record",
                root=reported)  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, "已登记简报第2期，登记在 data/briefings/\n")
    assert "\n第2期\n" in result.stdout
