"""A month as it happens (issue 18, "Done when"): on a fresh ledger, 43 报送表 go out;
sheets come back from twelve units in the shapes units really send — the template filled,
the template saved again by LibreOffice Calc, a unit's own sheet with a running 序号 and
columns named after the targets, a GBK CSV, an .xls, one sent again after a correction,
and the December sheet returned in January. Afterwards every figure sent is in the ledger
exactly once, in force, on the right task, and `status --by unit` and `report register`
say the same of every unit."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
DUE = "2023-09-25"
TEMPLATED = {
    "区教体局": ({"56.1": 2, "56.2": "85%", "57.1": 120}, {56: "新建幼儿园2处"}),
    "区科技局": ({"1.1": 9, "1.2": 6, "1.3": 3, "6.1": 21}, {1: "新增平台9家"}),
    "区工信局": ({"7.1": 18.6, "7.3": 2, "10.1": 12}, {7: "技改投资18.6亿元"}),
    "区住建局": ({"38.1": 20, "31.1": 35.5}, {38: "老旧小区改造20个"}),
    "区水利局": ({"30.1": 5200, "29.1": 1}, {30: "用水总量5200万立方米"}),
    "区交通运输局": ({"20.1": 28, "20.2": 15}, {20: "新改建农村公路28公里"}),
    "区文旅局": ({"53.1": 1}, {53: "创建3A级景区1家"}),
    "区卫健局": ({"58.2": 6, "58.3": "92"}, {58: "新增中心村卫生室6处"}),
}
CALC = ("区市场监管局", {"15.1": 2, "15.3": 3}, {15: "制定标准3项"})
LATE = ("区文旅局", "区卫健局")
"""Units whose sheets arrive two days late, after the 催办单 were issued."""
OWN = {"18.1": 2, "47.3": 61.5}  # 区商务局's own sheet
GBK = {"55.1": 3.9}  # 区人社局's CSV
XLS = {"41.1": 41.5, "41.6": 68}  # 区农业农村局's .xls (tests/fixtures/sheets)
RESENT = {"56.1": 3}  # 区教体局 corrects a figure and sends the sheet again


def fill(path: Path, figures: dict[str, object], notes: dict[int, str]) -> None:
    """Type the figures into the 本期数值 cells of their targets, and a note per task."""
    tasks = {int(t.split(".")[0]) for t in figures}
    notes = {**{task: f"第{task}项本期进展" for task in tasks}, **notes}
    book = load_workbook(path)
    sheet = book["报送表"]
    headers = [c.value for c in sheet[4]]
    target, value, note = (headers.index(h) + 1 for h in ("指标编号", "本期数值", "本期进展"))
    for row in range(5, sheet.max_row + 1):
        target_id = sheet.cell(row, target).value
        if target_id in figures:
            sheet.cell(row, value).value = figures[target_id]
        task = sheet.cell(row, 1).value
        if task in notes:
            sheet.cell(row, note).value = notes[task]
    book.save(path)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """The ledger after the month, and the folder of what came back."""
    import os

    from typer.testing import CliRunner

    from zctasks.cli import app

    base = tmp_path_factory.mktemp("month")
    root = base / "台账2023"
    runner = CliRunner()

    def zc(*args: str):
        result = runner.invoke(app, ["--root", str(root), *map(str, args)], catch_exceptions=False)
        return result

    assert zc("init", root).exit_code == 0
    sent = root / "报送表"
    out = zc("template", "--all", "-o", sent, "--as-of", "2023-09-15")
    assert out.exit_code == 0, out.stderr
    assert len(list(sent.glob("*.xlsx"))) == 43
    back, late = base / "收回", base / "迟到"
    back.mkdir()
    late.mkdir()
    for unit, (figures, notes) in TEMPLATED.items():
        name = f"报送表-{unit}-{DUE}.xlsx"
        target = (late if unit in LATE else back) / name
        shutil.copy(sent / name, target)
        fill(target, figures, notes)
    unit, figures, notes = CALC
    filled = base / f"报送表-{unit}-{DUE}.xlsx"
    shutil.copy(sent / filled.name, filled)
    fill(filled, figures, notes)
    if shutil.which("libreoffice"):
        subprocess.run(
            ["libreoffice", "--headless", f"-env:UserInstallation=file://{base}/lo",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(back), str(filled)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    else:
        shutil.copy(filled, back)
    book = Workbook()
    own = book.active
    for row in (
        ["区商务局9月份重点工作进展"],
        [
            "序号",
            "任务",
            "截至日期",
            "新建改造乡镇商贸中心（个）",
            "省外到位资金总量（亿元）",
            "进展情况",
        ],
        [1, "促进消费提质扩容", "2023/9/22", OWN["18.1"], None, "新建改造乡镇商贸中心2个"],
        [2, "提升贸易投资合作质量", "2023/9/22", None, OWN["47.3"], "省外到位资金61.5亿元"],
    ):
        own.append(row)
    book.save(back / "区商务局9月份进展.xlsx")
    (back / "区人社局9月.csv").write_bytes(
        "任务序号,填报单位,日期,55.1,进展情况\n55,区人社局,2023年9月22日,3.9,居民收入稳步增长\n".encode(
            "gbk"
        )
    )
    shutil.copy(FIXTURES / "区农业农村局9月.xls", back)

    os.chdir(base)
    on_time = zc("progress", "import", back, "--received", DUE)
    assert on_time.exit_code == 0, on_time.stderr
    urged = ("--as-of", "2023-09-26", "--date", "2023-09-26", "--record")
    assert zc("report", "urge", *urged).exit_code == 0
    assert zc("progress", "import", late, "--received", "2023-09-27").exit_code == 0
    resent = back / f"报送表-区教体局-{DUE}.xlsx"
    fill(resent, RESENT, {56: "新建幼儿园3处"})
    again = zc("progress", "import", resent, "--received", "2023-09-28")
    assert again.stdout.splitlines()[-1] == (
        "已导入 1 条进展（区教体局）；其中 1 条是重新报送，替代了原来的报送；跳过 1 条已记录过的相同报送"
    )  # task 57 said the same again
    once_more = zc("progress", "import", back, late, "--received", "2023-09-28")  # all again
    assert "已导入 0 条进展" in once_more.stdout, once_more.stdout

    december = zc("template", "区科技局", "--as-of", "2023-12-28", "-o", base / "12月.xlsx")
    assert december.exit_code == 0
    fill(base / "12月.xlsx", {"1.1": 12, "1.2": 9, "1.3": 3}, {1: "全年新增平台12家"})
    year_end = zc("progress", "import", base / "12月.xlsx", "--received", "2024-01-10")
    assert year_end.exit_code == 0, year_end.stderr
    return root, zc


def test_every_figure_sent_is_in_the_ledger_once_in_force_on_its_task(month):
    _, zc = month
    sent: dict[tuple[str, str], float] = {}
    for unit, (figures, _) in TEMPLATED.items():
        sent.update({(unit, t): v for t, v in figures.items()})
    sent.update({(CALC[0], t): v for t, v in CALC[1].items()})
    sent.update({("区商务局", t): v for t, v in OWN.items()})
    sent.update({("区人社局", t): v for t, v in GBK.items()})
    sent.update({("区农业农村局", t): v for t, v in XLS.items()})
    sent.update({("区教体局", t): v for t, v in RESENT.items()})
    sent = {k: float(str(v).rstrip("%")) for k, v in sent.items()}
    entries = json.loads(
        zc(
            "progress", "log", "--effective", "--since", "2023-08-26", "--until", DUE, "-f", "json"
        ).stdout
    )
    recorded: dict[tuple[str, str], float] = {}
    for entry in entries:
        for target_id, value in entry["values"].items():
            assert target_id.split(".")[0] == str(entry["task"])  # on the right task
            assert (entry["by"], target_id) not in recorded  # exactly once
            recorded[(entry["by"], target_id)] = value
    assert recorded == sent
    assert len({e["by"] for e in entries}) == 12
    units = {e["by"] for e in entries}
    assert units == {*TEMPLATED, CALC[0], "区商务局", "区人社局", "区农业农村局"}
    (year_end,) = json.loads(zc("progress", "log", "--since", "2023-12-26", "-f", "json").stdout)
    assert (year_end["date"], year_end["received"], year_end["values"]) == (
        "2023-12-31",
        "2024-01-10",
        {"1.1": 12, "1.2": 9, "1.3": 3},
    )
    assert zc("check").stdout.startswith("检查通过")


def test_status_by_unit_and_the_register_say_the_same_of_every_unit(month):
    root, zc = month
    as_of = "2023-10-05"
    status = json.loads(zc("status", "--by", "unit", "--as-of", as_of, "-f", "json").stdout)
    reported = {u["unit"]: set(u["reported"]) for u in status["units"]}
    slips = [
        json.loads(line[2:])
        for line in (root / "data/urges/2023.yaml").read_text("utf-8").splitlines()[1:]
    ]
    register = zc("report", "register", "--as-of", as_of).stdout
    answers = {
        row.split(" | ")[1]: row.split(" | ")[5].rstrip(" |")
        for row in register.splitlines()
        if row.startswith("| 川发改催")
    }
    assert len(answers) == len(slips) > 20
    checked = 0
    for slip in slips:
        unit, answer = slip["unit"], answers[slip["unit"]]
        grey = {i["task"] for i in slip["items"] if i["light"] == "grey"}
        if answer.startswith(("已反馈", "逾期反馈")):
            unanswered: set[int] = set()
        elif answer.startswith(("部分反馈", "逾期部分反馈")):
            listed = answer.split("，")[1].removeprefix("第").removesuffix("项未反馈")
            unanswered = {int(t) for t in listed.split("、")}
        else:
            unanswered = {i["task"] for i in slip["items"]}
        for task in grey:  # an unreported task is answered exactly when status calls it reported
            assert (task not in unanswered) == (task in reported[unit]), (unit, task, answer)
            checked += 1
        if unit in LATE:  # their late sheets answered the slips they were sent
            sent = {int(t.split(".")[0]) for t in TEMPLATED[unit][0]}
            assert sent <= reported[unit] and not sent & unanswered, (unit, answer)
    assert checked >= 40  # the issuer and the Party units get no slip (see the documents)
