"""What the documents promise an office that hands them in unedited (README "What the
documents promise"): who signs, who is addressed, which day, what the words say. The page
layout through LibreOffice is in test_reports_pages.py."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from conftest import REPORTS, TASKS, git
from zctasks.plan.zones import plan_today

EXTRA_TASKS = """\
  - id: 4
    chapter: 2
    title: 完善工作机制
    text: 各有关部门各司其职。
    attribution: 区有关部门负责
    responsible: [区有关部门]
  - id: 5
    chapter: 1
    title: 引育高端人才
    text: 引育高层次人才10名。
    attribution: 区委组织部牵头
    lead: [区委组织部]
    targets:
      - {id: "5.1", name: 引育高层次人才, op: ">=", value: 10, unit: 名}
"""
DEPARTMENTS = """\
units:
  区委组织部: {full_name: 中共测试区委组织部, kind: 党委部门}
  区发改局: {full_name: 淄川区发展和改革局, kind: 政府工作部门, aliases: [发改局]}
  区科技局: {full_name: 淄川区科学技术局, kind: 政府工作部门, aliases: [科技局]}
  区水利局: {kind: 政府工作部门}
placeholders: [区有关部门]
"""
CONFIG = """\
reports: {publication: 测试工作简报, issuer: 区发改局, supervisor: 区发改局, urge_code: 测发改催,
          contact: 王明, phone: 0533-5180000}
reporting: {first_due: 2023-07-03}
"""
SEPTEMBER = ["--as-of", "2023-09-30", "--date", "2023-10-09"]
"""At 2023-09-30 every task is 未报送: the last reports are of July."""


@pytest.fixture
def ledger(zc, make_ledger):
    root = make_ledger(TASKS + EXTRA_TASKS, DEPARTMENTS)
    (root / "data" / "config.yaml").write_text(CONFIG, "utf-8")
    for line in REPORTS:
        assert zc("progress", "add", *line.split(), root=root).exit_code == 0
    return root


def _report(zc, root, *args):
    result = zc("report", *args, root=root)
    assert result.exit_code == 0, result.stderr
    return result


def _main(text: str) -> str:
    """The main text of a briefing: before its first attachment page."""
    return text.split("\n***\n")[0]


# 1. The issuing office never addresses itself.


def test_the_issuing_office_never_addresses_itself(zc, ledger):
    urge = _report(zc, ledger, "urge", *SEPTEMBER)
    assert re.findall(r"^(\S+)：$", urge.stdout, re.MULTILINE) == ["区科技局", "区水利局"]
    assert (
        "区发改局是催办单的签发单位，不给自己出催办单：其1项任务（第3项）由本单位自行推进\n"
        in urge.stderr
    )
    briefing = _report(zc, ledger, "briefing", "--since", "2023-09-25", "--until", "2023-09-30",
                       "--date", "2023-10-09").stdout  # fmt: skip
    asked = _main(briefing).split("## 四、下步工作要求")[1]
    assert "区发改局" not in asked
    assert (
        "一是请区科技局、区水利局于10月16日前补报2项未报送任务的进展和佐证材料，"
        "逾期未报的下发催办单；我局牵头（负责）的1项同步补报。"
    ) in asked
    notice = _report(zc, ledger, "dept", "区发改局", *SEPTEMBER).stdout
    assert notice.startswith("# 区发改局承担重点工作任务推进情况\n\n截至2023年9月30日")
    assert "我局在《测试计划》中牵头或负责1项任务" in notice
    assert "淄川区发展和改革局：" not in notice and "向区发改局报送" not in notice
    assert "印发" not in notice  # not issued to anyone: no 版记


# 2. Signed with the full name; Party units urged by their own office or put to the leaders.


def test_documents_are_signed_with_the_office_s_full_name(zc, ledger):
    briefing = _report(zc, ledger, "briefing", "--week", "2023-W39", "--date", "2023-10-09").stdout
    assert "\n淄川区发展和改革局\t2023年10月9日\n" in briefing  # the masthead
    assert briefing.endswith("\n淄川区发展和改革局\t2023年10月9日印发\n")  # the 版记
    assert (
        "\n> 淄川区发展和改革局\n> 2023年10月9日\n"
        in _report(zc, ledger, "urge", *SEPTEMBER).stdout
    )
    config = ledger / "data" / "config.yaml"
    config.write_text(
        CONFIG.replace("urge_code: 测发改催,", "urge_code: 测发改催, signer: 测试区发展和改革局,"),
        "utf-8",
    )
    notice = _report(zc, ledger, "dept", "区科技局", *SEPTEMBER).stdout
    assert "\n> 测试区发展和改革局\n> 2023年10月9日\n" in notice


def test_a_party_unit_is_put_to_the_leaders_or_urged_by_its_own_office(zc, ledger):
    preview = _report(zc, ledger, "urge", *SEPTEMBER)
    assert "区委组织部：" not in preview.stdout
    assert (
        "区委组织部是党委部门，不由区发改局催办：其1项任务（第5项）在简报的下步工作要求中提请区领导协调"
        in preview.stderr
    )
    briefing = _report(zc, ledger, "briefing", "--week", "2023-W39", "--date", "2023-10-09").stdout
    assert "是对区委组织部牵头的“引育高端人才”，提请区领导协调推进。" in briefing
    config = ledger / "data" / "config.yaml"
    config.write_text(CONFIG.replace("phone: 0533-5180000}", "phone: 0533-5180000,\n"
                      "          party_supervisor: 区委督查室, party_urge_code: 测委督催}"), "utf-8")  # fmt: skip
    issued = _report(zc, ledger, "urge", *SEPTEMBER, "--record")
    slips = issued.stdout.split("\n***\n")
    party = next(slip for slip in slips if "\n区委组织部：\n" in slip)
    assert "\n测委督催〔2023〕1号\t蓝色（首次催办）\n" in party
    assert "请于2023年10月16日前书面反馈区委督查室" in party and "\n> 区委督查室\n" in party
    codes = re.findall(r"\n(测\S+号)\t", issued.stdout)
    assert codes == ["测委督催〔2023〕1号", "测发改催〔2023〕1号", "测发改催〔2023〕2号"]
    assert zc("check", root=ledger).exit_code == 0
    asked = _report(zc, ledger, "briefing", "--week", "2023-W39", "--date", "2023-10-09").stdout
    assert "是对区委组织部牵头的“引育高端人才”，由区委督查室督促落实。" in asked


# 3. Dated the day they are made; deadlines on working days of the official calendar.


def test_deadlines_fall_on_working_days():
    from zctasks.documents.workdays import deadline, known_until

    assert deadline(date(2023, 9, 29), 7) == (date(2023, 10, 7), "")  # a 调休 Saturday
    assert deadline(date(2023, 9, 28), 7).day == date(2023, 10, 7)  # not inside the holiday
    assert deadline(date(2023, 10, 28), 7).day == date(2023, 11, 6)  # not on a Saturday
    last = known_until()
    beyond = deadline(date(last, 12, 28), 7)
    assert beyond.day.year == last + 1 and beyond.day.weekday() < 5
    assert beyond.warning == (
        f"注意：法定节假日和调休安排只收录到{last}年，"
        f"{last + 1}年{beyond.day.month}月{beyond.day.day}日这一期限只避开了周末，"
        "请对照国务院办公厅公布的放假安排核对"
    )


def test_a_document_is_dated_the_day_it_is_made(zc, ledger):
    slip = _report(zc, ledger, "urge", "--as-of", "2023-09-29", "--date", "2023-09-29").stdout
    assert "请于2023年10月7日前书面反馈区发改局" in slip  # 9月29日 + 7 falls in the holiday
    made = _report(zc, ledger, "briefing", "--week", "2023-W39").stdout
    today = plan_today("Asia/Shanghai")  # the office's day, whatever the machine's zone
    assert f"\n淄川区发展和改革局\t{today.year}年{today.month}月{today.day}日\n" in made
    early = zc("report", "briefing", "--week", "2023-W39", "--date", "2023-09-29", root=ledger)
    assert early.exit_code == 2
    assert early.stderr.startswith("错误：成文日期 2023-09-29 早于截至日期 2023-10-01\n")
    beyond = zc("report", "urge", *SEPTEMBER[:2], "--date", "2099-12-28", root=ledger)
    assert (
        beyond.exit_code == 0
        and "只避开了周末，请对照国务院办公厅公布的放假安排核对" in beyond.stderr
    )


# 5 and 6. The judgement follows from the figures; the text says what the attachment prints.


@pytest.mark.parametrize(
    ("share", "previous_share", "reds", "previous_reds", "words"),
    [
        (742, None, 5, None, "总体进展平稳"),
        (682, 742, 5, 5, "总体进展放缓"),
        (636, 682, 6, 5, "总体进展放缓"),
        (700, 680, 5, 5, "总体进展加快"),
        (700, 680, 6, 5, "总体进展平稳"),
        (650, 640, 5, 6, "总体进展平稳"),
        (500, 450, 3, 3, "总体进展偏慢，但有所加快"),
        (500, 560, 3, 3, "总体进展偏慢，且有所放缓"),
        (820, 830, 2, 2, "总体进展顺利"),
    ],
)
def test_the_judgement_follows_the_figures(share, previous_share, reds, previous_reds, words):
    from zctasks.documents.reports.briefing import judgement

    assert judgement(share, previous_share, reds, previous_reds) == words


def test_the_change_is_what_the_attachment_prints(zc, ledger):
    first = ["--since", "2023-07-17", "--until", "2023-07-26", "--date", "2023-07-27", "--record"]
    assert (
        _report(zc, ledger, "briefing", *first).stderr
        == "已登记简报第1期，登记在 data/briefings/\n"
    )
    text = _report(zc, ledger, "briefing", "--week", "2023-W35", "--date", "2023-09-04").stdout
    assert "\n第2期\n" in text
    found = re.search(
        r"已完成和按序时推进的(\d+)项，占([\d.]+)%，比上期（第1期）的([\d.]+)%下降([\d.]+)个百分点",
        text,
    )
    assert found, _main(text)
    now, then, fell = (float(found.group(i)) for i in (2, 3, 4))
    assert f"{then - now:.1f}" == found.group(4) and fell > 2
    assert "总体进展偏慢，且有所放缓" in text
    row = re.search(r"\| 已完成和序时推进 \| \d+ \| ([\d.]+)% \| \d+ \| ([\d.]+)% \|", text)
    assert row and (float(row.group(1)), float(row.group(2))) == (now, then)
    assert "上期（第1期，截至7月26日）" in text


# 7. Tasks by name, not lists of numbers.


def test_the_main_text_names_tasks_and_counts_the_rest(demo_briefing):
    main = _main(demo_briefing)
    assert not re.search(r"\d+、\d+、\d+", main)  # never a run of task numbers
    assert "严重滞后6项：区委组织部牵头的“加大高端人才引育力度”" in main
    assert "等，详见附件2。" in main
    assert "\n| 4 | 加大高端人才引育力度 | 区委组织部牵头 | 严重滞后 |" in demo_briefing  # 附件2


@pytest.fixture(scope="module")
def demo_briefing(tmp_path_factory):
    from typer.testing import CliRunner

    from zctasks.cli import app

    root = tmp_path_factory.mktemp("demo") / "ledger"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(root), "--demo"]).exit_code == 0
    result = runner.invoke(
        app,
        ["--root", str(root), "report", "briefing", "--week", "2023-W43", "--date", "2023-10-30"],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


# 8. A first issue compares with nothing; issued briefings are a register.


def test_a_first_issue_compares_with_nothing(zc, ledger):
    week = ["briefing", "--week", "2023-W30", "--date", "2023-07-31"]
    text = _report(zc, ledger, *week).stdout
    assert "\n第1期\n" in text
    for said in ("上期", "本期增加", "比上期", "新增滞后", "首次报送"):
        assert said not in text, said
    assert "| 进度 | 本期（截至7月30日） | 占比 |\n|---|---|---|\n" in text


def test_issued_briefings_are_kept_like_slips(zc, ledger):
    week = ["briefing", "--week", "2023-W30", "--date", "2023-07-31", "--record"]
    _report(zc, ledger, *week)
    path = ledger / "data" / "briefings" / "2023.yaml"
    header, line = path.read_text("utf-8").splitlines()
    assert header == "# 简报登记：由 zctasks 追加写入，每行一期；请勿手工修改、删除或调整顺序。"
    record = json.loads(line[2:])
    assert {k: record[k] for k in ("issue", "date", "since", "until", "as_of", "total")} == {
        "issue": 1, "date": "2023-07-31", "since": "2023-07-24", "until": "2023-07-30",
        "as_of": "2023-07-30", "total": 5,
    }  # fmt: skip
    assert record["lights"] == {"done": [], "green": [3], "yellow": [1], "red": [], "grey": [2, 5],
                                "unassigned": [4]}  # fmt: skip
    assert record["values"] == {"1.1": 4, "1.2": 2, "2.1": 3000}
    assert zc("check", root=ledger).exit_code == 0
    path.write_text(
        path.read_text("utf-8") + line.replace('"issue": 1', '"issue": 1, "x": 2') + "\n", "utf-8"
    )
    checked = zc("check", root=ledger)
    assert checked.exit_code == 1
    assert "data/briefings/2023.yaml:3:1: error[briefing-field]: 未知字段“x”" in checked.stdout
    assert zc("report", "briefing", "--week", "2023-W31", root=ledger).exit_code == 1


def test_the_hooks_keep_the_briefing_register_append_only(zc, git_ledger):
    assert zc("report", "briefing", "--week", "2023-W30", "--date", "2023-07-31", "--record",
              root=git_ledger).exit_code == 0  # fmt: skip
    attributes = (git_ledger / ".gitattributes").read_text("utf-8")
    assert "data/briefings/*.yaml merge=union" in attributes.splitlines()
    git(git_ledger, "add", "-A")
    git(git_ledger, "commit", "-q", "-m", "第1期")
    path = git_ledger / "data" / "briefings" / "2023.yaml"
    path.write_text(path.read_text("utf-8").replace('"issue": 1', '"issue": 9'), "utf-8")
    git(git_ledger, "add", "-A")
    import subprocess

    result = subprocess.run(["git", "-C", str(git_ledger), "commit", "-q", "-m", "改期号"],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1
    assert "data/briefings/2023.yaml：这次提交会修改或删除已记录的简报登记" in result.stderr


# 9. Tasks no unit answers for.


def test_a_task_no_unit_answers_for_is_neither_unreported_nor_urged(zc, ledger):
    briefing = _report(zc, ledger, "briefing", "--week", "2023-W39", "--date", "2023-10-09").stdout
    assert "未报送4项，占80.0%；责任单位未明确1项，占20.0%" in briefing
    assert "“完善工作机制”1项任务未明确责任单位，不计入未报送。" in briefing
    assert "完善工作机制" not in briefing.split("附件2")[-1]  # not among the unreported
    urge = _report(zc, ledger, "urge", *SEPTEMBER).stdout
    assert "完善工作机制" not in urge
    table = _report(zc, ledger, "ledger", *SEPTEMBER).stdout
    (row,) = [line for line in table.splitlines() if line.startswith("| 4 |")]
    assert (
        row
        == "| 4 | 完善工作机制 | 责任单位未明确（区有关部门） |  |  | 12月31日 |  |  |  | — | — |"
    )


# 10. Typed-in text is cleaned; an estimate is worded as one.


def test_typed_text_is_cleaned_in_prose(zc, ledger):
    zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-28", "--value", "1.1=5",
       "--note", "新增平台5家；", "--problems", "配套资金2023-09-30前未到位；", root=ledger)  # fmt: skip
    table = _report(zc, ledger, "ledger", "--as-of", "2023-07-31", "--date", "2023-07-31").stdout
    assert "| 新增平台5家 | 配套资金2023年9月30日前未到位 |" in table
    briefing = _report(zc, ledger, "briefing", "--since", "2023-07-24", "--until", "2023-07-31",
                       "--date", "2023-08-01").stdout  # fmt: skip
    assert "区科技局反映配套资金2023年9月30日前未到位（“建设创新平台”）" in briefing
    assert "2023-09-30" not in briefing and "；；" not in briefing


def test_an_estimate_is_recorded_and_worded_as_one(zc, ledger):
    added = zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-28", "--value", "1.1=5",
               "--estimate", "1.1=10", "--note", "预计全年新增10家", root=ledger)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    line = (ledger / "data" / "progress" / "2023-07.yaml").read_text("utf-8").splitlines()[-1]
    assert '"values": {"1.1": 5}, "estimates": {"1.1": 10}, "note": "预计全年新增10家"' in line
    table = _report(zc, ledger, "ledger", "--as-of", "2023-07-31", "--date", "2023-07-31").stdout
    assert "新增市级以上创新平台≥10家：完成5家，占50.0%；预计全年10家；" in table
    row = table.split("| 1 | 建设创新平台")[1].splitlines()[0]
    assert (
        row.endswith("| 序时推进 | 7月28日 |") and "已完成" not in row
    )  # 10 of 10 is only expected
    fixed = zc("progress", "log", "--task", "1", "-f", "json", root=ledger)
    assert json.loads(fixed.stdout)[-1]["estimates"] == {"1.1": 10}


def test_an_entry_written_before_estimates_loads(zc, ledger):
    """The old form: a month file line without "estimates" (zctasks 0.2)."""
    old = ('- {"id": "2023-07-29-1-0a0b0c", "task": 1, "date": "2023-07-29", "by": "区科技局", '
           '"status": "推进中", "values": {"1.1": 6}, "note": "旧格式", "at": "2023-07-29T10:00:00.000+08:00"}\n')  # fmt: skip
    path = ledger / "data" / "progress" / "2023-07.yaml"
    path.write_text(path.read_text("utf-8") + old, "utf-8")
    assert zc("check", root=ledger).exit_code == 0
    (entry,) = [e for e in json.loads(zc("progress", "log", "-f", "json", root=ledger).stdout)
                if e["id"] == "2023-07-29-1-0a0b0c"]  # fmt: skip
    assert entry["values"] == {"1.1": 6} and entry["estimates"] == {}


def test_a_sheet_marks_an_estimate_in_its_cell_or_its_column(zc, ledger, tmp_path):
    sheet = tmp_path / "区科技局.csv"
    sheet.write_text("任务序号,日期,本期进展,1.1,1.2预计\n1,2023-07-28,推进,预计8,3\n", "utf-8")
    result = zc("progress", "import", str(sheet), root=ledger)
    assert result.exit_code == 0, result.stderr
    entry = json.loads(zc("progress", "log", "-f", "json", root=ledger).stdout)[-1]
    assert (entry["values"], entry["estimates"]) == ({}, {"1.1": 8, "1.2": 3})


# 11. A 催办单 carries what real slips carry, and stays on its page.


def test_a_slip_carries_basis_contact_receipt_and_grade(zc, ledger):
    first = _report(
        zc, ledger, "urge", "区水利局", "--as-of", "2023-07-31", "--date", "2023-07-31", "--record"
    ).stdout
    assert "\n测发改催〔2023〕1号\t蓝色（首次催办）\n" in first
    assert (
        "\n区水利局：\n\n根据《测试计划》（测政办字〔2023〕1号）分工，截至2023年7月31日，" in first
    )
    assert (
        "请于2023年8月7日前书面反馈区发改局：未报送的补报进展和佐证材料。联系人：王明，电话：0533-5180000。"
        in first
    )
    assert "\n**签收回执**（测发改催〔2023〕1号）\n\n承办单位：区水利局\n" in first
    second = _report(
        zc, ledger, "urge", "区水利局", "--as-of", "2023-08-31", "--date", "2023-08-31", "--record"
    ).stdout
    assert "\t黄色（第2次催办）\n" in second
    third = _report(zc, ledger, "urge", "区水利局", *SEPTEMBER).stdout
    assert "\t红色（第3次催办）\n" in third


def test_a_long_list_goes_on_an_attached_page(zc, make_ledger):
    tasks = TASKS + "".join(
        f"  - id: {i}\n    chapter: 2\n    title: 第{i}项水利工作\n    text: 做好水利工作。\n"
        f"    attribution: 区水利局负责\n    responsible: [区水利局]\n"
        for i in range(6, 12)
    )
    root = make_ledger(tasks)
    (root / "data" / "config.yaml").write_text(CONFIG, "utf-8")
    slip = _report(zc, root, "urge", "区水利局", *SEPTEMBER).stdout
    body, attached = slip.split("\n***\n")
    assert "有7项未按时报送进展，现予催办。催办事项清单附后。" in body and "| 序号 |" not in body
    assert attached.startswith("\n附件\n\n# 催办事项清单\n\n| 序号 | 任务 | 进度 | 情况 |")
    assert attached.count("\n| ") == 8  # the header and seven matters


# 12. The 台账.


def test_the_ledger_has_deadlines_and_says_its_title_once(zc, ledger):
    table = _report(zc, ledger, "ledger", *SEPTEMBER).stdout
    assert table.startswith("# 测试计划工作台账\n")
    assert "| 目标及完成情况 | 完成时限 | 进展情况 |" in table
    from zctasks.documents.reports.status_ledger import ledger_title

    title = "淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务"
    assert ledger_title(title) == "淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作台账"


# 13. The register.


def test_the_register_names_tasks_beside_their_numbers(zc, ledger):
    zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-09-20", "--value", "1.1=6",
       "--note", "补报", "--received", "2023-09-20", root=ledger)  # fmt: skip
    _report(
        zc, ledger, "urge", "区科技局", "--as-of", "2023-09-10", "--date", "2023-09-11", "--record"
    )
    register = _report(zc, ledger, "register", "--as-of", "2023-09-30").stdout
    assert (
        "| 测发改催〔2023〕1号 | 区科技局 | 9月11日 | 第1项“建设创新平台” | 9月18日 | 逾期反馈（9月20日） |"
        in register
    )


def test_a_partial_answer_past_its_deadline_is_overdue(zc, ledger):
    from zctasks.documents.reports.urge import register as register_context
    from zctasks.load.loading import load_ledger, load_progress
    from zctasks.log.urges import Item, Slip

    plan = load_ledger(ledger)
    progress = load_progress(plan)
    slip = Slip("区科技局", date(2023, 7, 10), date(2023, 7, 17), "区发改局",
                (Item(1, "grey", ""), Item(5, "grey", "")), 1, "测发改催〔2023〕1号")  # fmt: skip
    rows = register_context(plan, progress, [slip], date(2023, 7, 31), date(2023, 7, 31))["rows"]
    # task 1 was reported after the slip, task 5 by nobody (any report on a task answers it)
    assert rows[0]["answer"] == "逾期部分反馈，第5项未反馈" and rows[0]["late"]


# 14. Formats.


def test_word_files_are_chinese_and_carry_no_template_fonts(zc, ledger, tmp_path):
    out = tmp_path / "b.docx"
    _report(
        zc,
        ledger,
        "briefing",
        "--week",
        "2023-W39",
        "--date",
        "2023-10-09",
        "-f",
        "docx",
        "-o",
        str(out),
    )
    archive = zipfile.ZipFile(out)
    styles = archive.read("word/styles.xml").decode()
    assert '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>' in styles
    for leftover in ("Theme=", "Calibri", "Cambria", "Arial", "Courier", "ＭＳ"):
        assert leftover not in styles, leftover
    fonts = re.findall(r'w:name="([^"]+)"', archive.read("word/fontTable.xml").decode())
    assert fonts == [
        "Times New Roman",
        "仿宋",
        "黑体",
        "楷体",
        "宋体",
        "方正小标宋简体",
        "仿宋_GB2312",
        "楷体_GB2312",
    ]
    assert "word/stylesWithEffects.xml" not in archive.namelist()
    document = Document(str(out))
    last = document.sections[-1]
    assert last.start_type == 3  # the 版记 starts on an even page (WD_SECTION.EVEN_PAGE)
    assert last._sectPr.find(qn("w:vAlign")).get(qn("w:val")) == "bottom"
    assert round((last.page_width - last.left_margin - last.right_margin) / 36000) == 156  # mm
    rules = [p for p in document.paragraphs if p.style.name == "版记" and not p.text]
    assert len(rules) == 3  # thick, thin between the two lines, thick
    for rule in rules:  # as wide as the type area: no indent on either side
        fmt = rule.paragraph_format
        assert fmt.left_indent == fmt.right_indent == 0
        border = rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
        assert border.get(qn("w:sz")) in ("8", "6")


def test_spreadsheets_name_the_office_and_no_software(zc, ledger, tmp_path):
    out = tmp_path / "t.xlsx"
    _report(zc, ledger, "ledger", *SEPTEMBER, "-f", "xlsx", "-o", str(out))
    archive = zipfile.ZipFile(out)
    assert b"penpyxl" not in archive.read("docProps/app.xml")
    core = archive.read("docProps/core.xml").decode()
    assert re.search(r"<dc:creator[^>]*>淄川区发展和改革局</dc:creator>", core)
    template = tmp_path / "s.xlsx"
    assert zc("template", "区科技局", "-o", str(template), root=ledger).exit_code == 0
    assert b"penpyxl" not in zipfile.ZipFile(template).read("docProps/app.xml")


def test_html_puts_the_charts_before_the_imprint_and_keeps_the_margins(zc, ledger, tmp_path):
    out = tmp_path / "b.html"
    _report(
        zc,
        ledger,
        "briefing",
        "--week",
        "2023-W39",
        "--date",
        "2023-10-09",
        "-f",
        "html",
        "-o",
        str(out),
    )
    html = out.read_text("utf-8")
    assert html.index('<section class="charts">') < html.index('<hr class="imprint-rule">')
    assert "@page { size: A4 portrait; margin: 37mm 26mm 35mm 28mm; }" in html


def test_a_briefing_register_over_the_size_limit_is_refused(zc, ledger, monkeypatch):
    from zctasks.load.loading import load_ledger
    from zctasks.log.briefings import check_briefings

    plan = load_ledger(ledger)
    folder = ledger / "data" / "briefings"
    folder.mkdir()
    (folder / "2023.yaml").write_text("# " + "x" * 200 + "\n", "utf-8")
    monkeypatch.setattr("zctasks.files.limits.MAX_BYTES", 100)
    (found,) = check_briefings(plan, ledger)
    assert (found.path, found.code) == ("data/briefings/2023.yaml", "too-large")


def test_an_issue_recorded_meanwhile_is_numbered_past(zc, ledger):
    """Two colleagues record two weeks at once: the second takes the next number."""
    from zctasks.log.briefings import Issue, record

    week = Issue(1, date(2023, 7, 31), date(2023, 7, 24), date(2023, 7, 30), date(2023, 7, 30), {})
    other = Issue(1, date(2023, 8, 7), date(2023, 7, 31), date(2023, 8, 6), date(2023, 8, 6), {})
    assert record(ledger, week)[0].number == 1
    with pytest.raises(Exception, match="第1期已登记为2023-07-24至2023-07-30的简报"):
        record(ledger, other)
    renumbered, fresh = record(ledger, other, renumber=True)
    assert (renumbered.number, fresh) == (2, True)
    kept, fresh = record(ledger, week, renumber=True)
    assert (kept.number, fresh) == (1, False)  # recorded already: kept
    assert zc("check", root=ledger).exit_code == 0
