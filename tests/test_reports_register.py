"""催办单 issued into the register: numbers that never change, one line a slip, answers
derived from later reports, and the register's own check."""

from __future__ import annotations

import json

import pytest

CONFIG = (
    "reports: {supervisor: 区政府督查室, urge_code: 测督催}\nreporting: {first_due: 2023-07-03}\n"
)
# At 2023-07-31 task 2 (区水利局) is unreported; with task 1 overdue, 区科技局 is urged too.
OVERDUE = "  - id: 1\n    due: 2023-06-30\n"


@pytest.fixture
def ledger(reported):
    (reported / "data" / "config.yaml").write_text(CONFIG, "utf-8")
    tasks = reported / "data" / "tasks.yaml"
    tasks.write_text(tasks.read_text("utf-8").replace("  - id: 1\n", OVERDUE), "utf-8")
    return reported


def _register(root):
    path = root / "data" / "urges" / "2023.yaml"
    if not path.exists():
        return []
    lines = path.read_text("utf-8").splitlines()
    assert lines[0].startswith("# 催办单登记")
    return [json.loads(line[2:]) for line in lines[1:]]


def test_a_preview_records_nothing_and_has_no_number(zc, ledger):
    result = zc("report", "urge", "--as-of", "2023-07-31", "--date", "2023-07-31", root=ledger)
    assert result.exit_code == 0
    assert (
        result.stdout.count("\n（预览，未登记编号）\t蓝色（首次催办）\n") == 2
    )  # under each masthead
    assert result.stderr == "预览：催办单尚未编号、登记；确认后加 --record 签发\n"
    assert _register(ledger) == []


def test_issued_numbers_never_change(zc, ledger):
    one = zc(
        "report",
        "urge",
        "区水利局",
        "--as-of",
        "2023-07-31",
        "--date",
        "2023-07-31",
        "--record",
        root=ledger,
    )
    assert one.exit_code == 0, one.stderr
    assert one.stderr == "已签发催办单1张（测督催〔2023〕1号），登记在 data/urges/\n"
    assert "\n测督催〔2023〕1号\t蓝色（首次催办）\n" in one.stdout
    everyone = zc(
        "report", "urge", "--as-of", "2023-07-31", "--date", "2023-07-31", "--record", root=ledger
    )
    assert everyone.stderr == (
        "已签发催办单1张（测督催〔2023〕2号）；1张当日已签发，沿用原编号，登记在 data/urges/\n"
    )
    slips = everyone.stdout.split("***")
    assert "区科技局：" in slips[0] and "测督催〔2023〕2号" in slips[0]  # departments order
    assert "区水利局：" in slips[1] and "测督催〔2023〕1号" in slips[1]
    again = zc(
        "report", "urge", "--as-of", "2023-07-31", "--date", "2023-07-31", root=ledger
    )  # a reprint, no flag
    assert again.stdout == everyone.stdout and again.stderr == ""
    records = _register(ledger)
    assert [(r["number"], r["code"], r["unit"]) for r in records] == [
        (1, "测督催〔2023〕1号", "区水利局"),
        (2, "测督催〔2023〕2号", "区科技局"),
    ]
    assert records[0]["items"] == [
        {
            "task": 2,
            "light": "grey",
            "situation": "7月25日应报未报，已逾期6天（最近一次报送为6月10日）",
        }
    ]
    assert (records[0]["issued"], records[0]["due"], records[0]["by"]) == (
        "2023-07-31",
        "2023-08-07",
        "区政府督查室",
    )
    later = zc(
        "report",
        "urge",
        "区水利局",
        "--as-of",
        "2023-08-10",
        "--date",
        "2023-08-10",
        "--record",
        root=ledger,
    )
    assert "\n测督催〔2023〕3号\t黄色（第2次催办）\n" in later.stdout
    assert "其中第2项已于7月31日催办（测督催〔2023〕1号）未反馈。" in later.stdout
    assert zc("check", root=ledger).exit_code == 0


def test_a_later_report_answers_the_slip(zc, ledger):
    zc("report", "urge", "--as-of", "2023-07-31", "--date", "2023-07-31", "--record", root=ledger)
    before = zc("report", "register", "--as-of", "2023-08-08", root=ledger).stdout
    assert (
        "| 测督催〔2023〕1号 | 区科技局 | 7月31日 | 第1项“建设创新平台” | 8月7日 | 逾期未反馈 |"
        in before
    )
    assert (
        "| 测督催〔2023〕2号 | 区水利局 | 7月31日 | 第2项“节约用水” | 8月7日 | 逾期未反馈 |"
        in before
    )
    assert "共签发催办单2张，尚未反馈或部分反馈2张，其中已过反馈时限2张。" in before
    zc("progress", "add", "2", "--by", "区水利局", "--date", "2023-08-03",
       "--value", "2.1=3300", "--note", "补报", root=ledger)  # fmt: skip
    after = zc("report", "register", "--as-of", "2023-08-08", root=ledger).stdout
    assert (
        "| 测督催〔2023〕2号 | 区水利局 | 7月31日 | 第2项“节约用水” | 8月7日 | 已反馈（8月3日） |"
        in after
    )
    mine = zc("report", "register", "区水利局", "--as-of", "2023-08-08", root=ledger).stdout
    assert "区科技局" not in mine and "共签发催办单1张" in mine


def test_the_bundled_ledger_cannot_issue(zc):
    result = zc("report", "urge", "--record")
    assert result.exit_code == 1 and "只读" in result.stderr


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ('{"number": 1, "code": "X1", "unit": "区科技委", "issued": "2023-07-31", "due": "2023-08-07", "by": "区发改局", "items": [{"task": 1, "light": "red", "situation": ""}]}',
         "urge-field", "未知单位“区科技委”"),
        ('{"number": 1, "code": "X1", "unit": "区科技局", "issued": "2022-07-31", "due": "2022-08-07", "by": "区发改局", "items": [{"task": 1, "light": "red", "situation": ""}]}',
         "wrong-year", "X1 的签发日期 2022-07-31 不属于 2023.yaml"),
        ('{"number": 1, "code": "X1", "unit": "区科技局", "issued": "2023-07-31", "due": "2023-07-01", "by": "区发改局", "items": [{"task": 9, "light": "red", "situation": ""}]}',
         "urge-field", "反馈时限 2023-07-01 不晚于签发日期 2023-07-31"),
    ],
)  # fmt: skip
def test_check_reports_a_bad_register_line(zc, ledger, line, code, message):
    folder = ledger / "data" / "urges"
    folder.mkdir()
    (folder / "2023.yaml").write_text(f"# 催办单登记\n- {line}\n", "utf-8")
    from zctasks.load.loading import load_ledger
    from zctasks.log.urges import check_urges

    found = check_urges(load_ledger(ledger), ledger)
    assert [(d.path, d.line, d.code) for d in found][:1] == [("data/urges/2023.yaml", 2, code)]
    assert message in found[0].message
    result = zc("report", "urge", "--as-of", "2023-07-31", "--date", "2023-07-31", root=ledger)
    assert result.exit_code == 1 and "data/urges/2023.yaml:2:1" in result.stderr


def test_check_reports_a_number_issued_twice(zc, ledger):
    zc(
        "report",
        "urge",
        "区水利局",
        "--as-of",
        "2023-07-31",
        "--date",
        "2023-07-31",
        "--record",
        root=ledger,
    )
    path = ledger / "data" / "urges" / "2023.yaml"
    line = path.read_text("utf-8").splitlines()[1].replace("区水利局", "区科技局")
    with path.open("a", encoding="utf-8") as handle:  # what a merge of two branches can leave
        handle.write(line + "\n")
    from zctasks.load.loading import load_ledger
    from zctasks.log.urges import check_urges

    (found,) = check_urges(load_ledger(ledger), ledger)
    assert (found.line, found.code, found.severity) == (3, "duplicate-number", "warning")
    assert found.message == "编号 测督催〔2023〕1号 与第 2 行重复（区水利局、区科技局各收到一张）"
