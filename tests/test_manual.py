"""The Chinese manual, docs/用户手册.md, is executable: every command it shows is run here,
in order, against a fresh ledger, and the output it shows is compared.

The convention (docs/用户手册.md says the same at its end, for whoever adds a section):

- Only fenced blocks marked ```` ```console ```` run; every other block is prose.
- A line that starts with ``$ `` is a command: ``zctasks …`` (run in this process), ``cd
  DIR`` or ``git …``. Quoting follows the shell (``shlex``); pipes and ``&&`` are not used.
- The lines after a command, up to the next command, are its output: standard output, then
  standard error. A command followed by no lines is run and must succeed, its output not
  compared. A line ``……`` stands for any number of lines, and ``…`` inside a line for any
  text. A last line ``（退出码 N）`` says the command fails with exit code N.
- A comment ``<!-- 手册：NAME -->`` runs the step NAME of ``STEPS`` below before the next
  block: what a unit does with its sheet, which no command of zctasks does.
- Every section (``## ``) runs after the ones before it, in the same ledger; a section
  added later adds its commands (and steps) after them.

``python tests/test_manual.py`` prints every command with the output it gives now, to
write a new section with.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MANUAL = REPO / "docs" / "用户手册.md"
FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
_TOKEN = re.compile(r"<!-- 手册：(\S+) -->|```console\n(.*?)```", re.S)
_EXIT = re.compile(r"^（退出码 (\d+)）$")


def blocks(text: str) -> list[tuple[str | None, list[tuple[str, list[str]]]]]:
    """Each console block: the step before it, and its commands with their output."""
    found = []
    step: str | None = None
    for named, body in _TOKEN.findall(text):
        if named:
            step = named
            continue
        commands: list[tuple[str, list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
            elif line.strip():
                raise ValueError(f"输出前没有命令：{line}")
        found.append((step, commands))
        step = None
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether the output matches what the manual shows (…… any lines, … any text)."""
    if not expected:
        return not actual
    head = expected[0]
    if head == "……":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = "^" + ".*".join(re.escape(part) for part in head.split("…")) + "$"
    return re.match(pattern, actual[0]) is not None and matches(expected[1:], actual[1:])


# ---------------------------------------------------------------- what units do


def _fill(path: Path, cells: dict[str, object]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    for ref, value in cells.items():
        book["报送表"][ref] = value
    book.save(path)


def _own_sheet(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def units_send_back(here: Path) -> None:
    """区教体局 and 区科技局 fill the template; 区商务局 sends a sheet of its own with a
    running 序号, columns named after the targets and a 联系人 column; 区农业农村局 an .xls."""
    sent, back = here / "报送表", here / "收回"
    back.mkdir(exist_ok=True)
    for unit, cells in (
        ("区教体局", {"I10": 2, "I11": "85%", "K10": "新建幼儿园2处，智慧校园建设推进中"}),
        ("区科技局", {"I5": 9, "I6": 6, "I7": 3, "K5": "新增市级以上创新平台9家"}),
    ):
        name = f"报送表-{unit}-2023-09-25.xlsx"
        shutil.copy(sent / name, back / name)
        _fill(back / name, cells)
    _own_sheet(
        back / "区商务局9月份进展.xlsx",
        [
            ["区商务局2023年9月重点任务进展"],
            [
                "序号",
                "任务",
                "截至日期",
                "新建改造乡镇商贸中心（个）",
                "省外到位资金总量（亿元）",
                "进展情况",
                "联系电话",
            ],
            [1, "促进消费提质扩容", "2023-09-22", 2, None, "新建改造乡镇商贸中心2个", 13800000000],
            [
                2,
                "提升贸易投资合作质量",
                "2023-09-22",
                None,
                61.5,
                "省外到位资金61.5亿元",
                13800000000,
            ],
        ],
    )
    shutil.copy(FIXTURES / "区农业农村局9月.xls", back)


def a_unit_fixes_its_sheet(here: Path) -> None:
    """区教体局 sends its sheet again: one more kindergarten than it first wrote."""
    _fill(here / "收回" / "报送表-区教体局-2023-09-25.xlsx", {"I10": 3, "K10": "新建幼儿园3处"})


def december_comes_back(here: Path) -> None:
    """区科技局 returns the year-end sheet in January."""
    (here / "收回12月").mkdir(exist_ok=True)
    name = "报送表-区科技局-2024-01-25.xlsx"
    shutil.copy(here / name, here / "收回12月" / name)
    _fill(
        here / "收回12月" / name,
        {"I5": 12, "I6": 9, "I7": 3, "J5": "已完成", "K5": "全年新增市级以上创新平台12家"},
    )


ZHANGDIAN_PLAN = """\
plan:
  title: 张店区2023年重点工作任务
  doc_number: 张政发〔2023〕5号
  issuer: 张店区人民政府
  issued: 2023-02-15
  period: {start: 2023-01-01, end: 2023-12-31}
chapters:
  - {id: 1, title: 产业和民生}
tasks:
  - id: 1
    chapter: 1
    title: 加快制造业技术改造
    text: 完成技改投资30亿元。
    attribution: 区经信局负责
    responsible: [区经信局]
    targets:
      - {id: "1.1", name: 技改投资, op: ">=", value: 300000, unit: 万元}
  - id: 2
    chapter: 1
    title: 壮大创新平台
    text: 新增市级以上创新平台10家。
    attribution: 区科技局负责
    responsible: [区科技局]
    targets:
      - {id: "2.1", name: 新增市级以上创新平台, op: ">=", value: 10, unit: 家}
  - id: 3
    chapter: 1
    title: 老旧小区改造
    text: 改造老旧小区35个。
    attribution: 区住建局负责
    responsible: [区住建局]
    targets:
      - {id: "3.1", name: 改造老旧小区, op: ">=", value: 35, unit: 个}
  - id: 4
    chapter: 1
    title: 政务服务提质
    text: 推进一件事一次办。
    attribution: 区行政审批局负责
    responsible: [区行政审批局]
"""
ZHANGDIAN_UNITS = """\
units:
  区经信局: {kind: 政府工作部门}
  区科技局: {kind: 政府工作部门}
  区住建局: {kind: 政府工作部门}
  区行政审批局: {kind: 政府工作部门}
"""
ZHANGDIAN_REPORTS: list[dict[str, object]] = [
    {
        "task": 1,
        "date": "2023-10-10",
        "by": "区经信局",
        "status": "推进中",
        "note": "完成技改投资28亿元",
        "values": {"1.1": 280000},
    },
    {
        "task": 2,
        "date": "2023-10-10",
        "by": "区科技局",
        "status": "推进中",
        "note": "新增市级以上创新平台5家",
        "values": {"2.1": 5},
    },
    {
        "task": 3,
        "date": "2023-10-25",
        "by": "区住建局",
        "status": "推进中",
        "note": "完成改造30个",
        "values": {"3.1": 30},
    },
    {
        "task": 4,
        "date": "2023-10-25",
        "by": "区行政审批局",
        "status": "推进中",
        "note": "上线一件事主题42个",
    },
]
CITY_PLAN = """\
淄博市人民政府办公室关于印发淄博市2023年重点工作任务的通知
淄政办字〔2023〕9号
各区县人民政府，市政府各部门：
现将《淄博市2023年重点工作任务》印发给你们，请认真贯彻执行。
淄博市人民政府办公室
2023年2月1日
淄博市2023年重点工作任务
一、加快新旧动能转换
1.扩大工业技改投资。全市完成制造业技改投资55亿元以上。（市工业和信息化局牵头，各区县政府负责）
2.培育创新平台。新增市级以上创新平台20家以上。（市科技局牵头，各区县政府负责）
二、增进民生福祉
3.推进城市更新。改造老旧小区50个以上。（市住房城乡建设局牵头，各区县政府负责）
4.优化营商环境。全面推行“一件事一次办”，企业开办全程网办。（市行政审批服务局牵头，各区县政府负责）
"""


def zhangdian_sends_a_bundle(here: Path) -> None:
    """张店区 keeps its own ledger (its own plan, 万元, reports twice a month) on a network
    of its own, and sends the city a bundle; the city's plan is a published text."""
    import rollup_ledgers

    here = here.parent  # the analyst is in 台账2023; the files land beside it
    rollup_ledgers.ledger(
        here / "张店区台账",
        ZHANGDIAN_PLAN,
        ZHANGDIAN_UNITS,
        "reporting: {cycle: semi-monthly, due_day: 10}\n",
        ZHANGDIAN_REPORTS,
    )
    rollup_ledgers.git(
        here / "张店区台账", "bundle", "create", "-q", str(here / "张店区.bundle"), "main"
    )
    (here / "淄博市2023年重点工作任务.txt").write_text(CITY_PLAN, "utf-8")


def city_writes_its_crosswalk(here: Path) -> None:
    """The analyst writes data/crosswalk.yaml: the yaml block the manual shows."""
    text = MANUAL.read_text("utf-8")
    block = text.split("```yaml\n# data/crosswalk.yaml\n", 1)[1].split("```", 1)[0]
    (here / "data" / "crosswalk.yaml").write_text(block, "utf-8")


def a_bundle_arrives_broken(here: Path) -> None:
    """张店区 records another report; the bundle it sends is cut short on the way."""
    import rollup_ledgers

    rollup_ledgers.commit_entries(
        here.parent / "张店区台账",
        [
            {
                "task": 2,
                "date": "2023-11-10",
                "by": "区科技局",
                "status": "推进中",
                "note": "新增8家",
                "values": {"2.1": 8},
            }
        ],
        "2023-11-11T09:00:00+08:00",
    )
    rollup_ledgers.git(
        here.parent / "张店区台账",
        "bundle",
        "create",
        "-q",
        str(here.parent / "张店区.bundle"),
        "main",
    )
    bundle = here.parent / "张店区.bundle"
    bundle.write_bytes(bundle.read_bytes()[:200])


STEPS: dict[str, Callable[[Path], None]] = {
    "units-send-back": units_send_back,
    "a-unit-fixes-its-sheet": a_unit_fixes_its_sheet,
    "december-comes-back": december_comes_back,
    "zhangdian-sends-a-bundle": zhangdian_sends_a_bundle,
    "city-writes-its-crosswalk": city_writes_its_crosswalk,
    "a-bundle-arrives-broken": a_bundle_arrives_broken,
}


# ---------------------------------------------------------------- running


def run(command: str, here: Path) -> tuple[int, list[str], Path]:
    """Run one command of the manual in ``here``; its exit code, output lines, and the folder
    it leaves the reader in."""
    argv = shlex.split(command)
    if argv[0] == "cd":
        return 0, [], (here / argv[1]).resolve()
    if argv[0] == "git":
        done = subprocess.run(argv, cwd=here, capture_output=True, text=True)
        return done.returncode, (done.stdout + done.stderr).splitlines(), here
    assert argv[0] == "zctasks", command
    from typer.testing import CliRunner

    from zctasks.cli import app

    os.chdir(here)
    result = CliRunner().invoke(app, argv[1:], catch_exceptions=False)
    return result.exit_code, (result.stdout + result.stderr).splitlines(), here


def walk(folder: Path, check: bool) -> list[str]:
    """Run the manual in ``folder``; with ``check``, compare each output and say what differs."""
    here = folder
    problems = []
    shown = []
    for step, commands in blocks(MANUAL.read_text("utf-8")):
        if step is not None:
            STEPS[step](here)
        for command, expected in commands:
            code, lines, here = run(command, here)
            wanted = 0
            if expected and _EXIT.match(expected[-1]):
                wanted = int(_EXIT.match(expected[-1]).group(1))  # type: ignore[union-attr]
                expected = expected[:-1]
            shown.append(
                f"$ {command}\n" + "\n".join(lines) + (f"\n（退出码 {code}）" if code else "")
            )
            if not check:
                sys.stdout.write(shown[-1] + "\n\n")
            if check and code != wanted:
                problems.append(
                    f"$ {command}\n退出码 {code}，手册写的是 {wanted}：\n" + "\n".join(lines)
                )
            elif check and expected and not matches(expected, lines):
                problems.append(
                    f"$ {command}\n手册写的是：\n"
                    + "\n".join(expected)
                    + "\n实际是：\n"
                    + "\n".join(lines)
                )
    return problems if check else shown


def numbered() -> Callable[[int], str]:
    """Entry ids end in six random hex digits; the manual's are numbered, so that it can
    show them: 000001, 000002 …"""
    count = iter(range(1, 1 << 24))
    return lambda n: f"{next(count):06x}"


@pytest.fixture
def reader(tmp_path, monkeypatch, git_identity):
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path / "缓存"))
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", numbered())
    folder = tmp_path / "工作"
    folder.mkdir()
    return folder


def test_every_command_of_the_manual_gives_what_it_shows(reader):
    problems = walk(reader, check=True)
    assert not problems, "\n\n".join(problems)


def test_the_manual_follows_its_own_convention():
    text = MANUAL.read_text("utf-8")
    assert blocks(text), "no console block"
    for step, _ in blocks(text):
        assert step is None or step in STEPS, step
    readme = (REPO / "README.md").read_text("utf-8")
    assert "docs/用户手册.md" in readme


def test_matching_of_shown_output():
    assert matches(["a", "……", "z"], ["a", "b", "c", "z"])
    assert matches(["已提交 …"], ["已提交 3f1c2ab"])
    assert not matches(["a"], ["a", "b"])
    assert matches(["……"], [])


if __name__ == "__main__":
    import tempfile

    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    os.environ.setdefault("GIT_AUTHOR_NAME", "分析员")
    os.environ.setdefault("GIT_COMMITTER_NAME", "分析员")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "analyst@example.org")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "analyst@example.org")
    import zctasks.log.recording

    zctasks.log.recording.secrets.token_hex = numbered()  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as work:
        os.environ["ZCTASKS_CACHE_DIR"] = str(Path(work) / "缓存")
        start = datetime.now()
        walk(Path(work), check=False)
        sys.stdout.write(f"# {(datetime.now() - start).total_seconds():.1f} 秒\n")
