"""What the ledger holds is read exactly or refused with a located message: no figure
reinterpreted, no key read twice, no id that cannot be named, no circle of corrections,
no escape that breaks every later command, no unit name that drives the terminal."""

from __future__ import annotations

import json

import pytest

from conftest import DEPARTMENTS, TASKS

JULY = "data/progress/2023-07.yaml"
HEAD = '"task": 1, "date": "2023-07-14", "by": "区科技局"'


def _month(root, *lines: str) -> None:
    folder = root / "data" / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    (root / JULY).write_text("".join(f"- {line}\n" for line in lines), "utf-8")


def _check(zc, root):
    result = zc("check", root=root)
    return result.exit_code, [line for line in result.stdout.splitlines() if line[:5] == "data/"]


@pytest.mark.parametrize("figure", ["0x1F", "0o17", "1e3", "1E3"])
def test_a_yaml_batch_takes_no_figure_but_decimal_digits(zc, make_ledger, tmp_path, figure):
    batch = tmp_path / "批量.yaml"
    batch.write_text(
        f'- {{task: 1, by: 区科技局, date: 2023-07-10, note: 甲, values: {{"1.1": {figure}}}}}\n',
        "utf-8",
    )
    root = make_ledger()
    result = zc("progress", "import", str(batch), root=root)
    assert result.exit_code == 1
    column = batch.read_text("utf-8").index(figure) + 1
    assert (
        f"{batch}:1:{column}: error[number]: 数值“{figure}”的写法不对：只接受十进制数字，如 31 或 12.5\n"
    ) in result.stderr
    assert not (root / JULY).exists()


def test_a_hand_edited_month_file_takes_no_hex_figure(zc, make_ledger):
    root = make_ledger()
    _month(
        root,
        '{id: x1, task: 1, date: 2023-07-14, by: 区科技局, status: 推进中, note: 甲, values: {"1.1": 0x1F}}',
    )
    code, lines = _check(zc, root)
    assert code == 1
    assert lines[0].endswith("error[number]: 数值“0x1F”的写法不对：只接受十进制数字，如 31 或 12.5")


def test_a_key_written_twice_in_a_line_is_refused(zc, make_ledger):
    root = make_ledger()
    _month(
        root,
        f'{{"id": "a", {HEAD}, "status": "推进中", "note": "甲"}}',
        f'{{"id": "b", {HEAD}, "status": "推进中", "values": {{"1.1": 4}}, "values": {{"1.1": 40}}, "note": "乙"}}',
    )
    code, lines = _check(zc, root)
    assert (code, lines) == (1, [f"{JULY}:2:1: error[yaml-syntax]: 无法读取这一行：键“values”重复"])
    assert zc("status", root=root).exit_code == 1


def test_a_key_written_twice_inside_the_figures_is_refused(zc, make_ledger):
    root = make_ledger()
    _month(
        root,
        f'{{"id": "a", {HEAD}, "status": "推进中", "values": {{"1.1": 4, "1.1": 40}}, "note": "甲"}}',
    )
    assert _check(zc, root) == (1, [f"{JULY}:1:1: error[yaml-syntax]: 无法读取这一行：键“1.1”重复"])


def test_a_note_that_holds_a_key_separator_is_still_read(zc, make_ledger):
    root = make_ledger()
    _month(root, f'{{"id": "a", {HEAD}, "status": "推进中", "note": "他说\\": 好\\": 行"}}')
    assert _check(zc, root) == (0, [])


def test_a_lone_surrogate_escape_is_located_not_a_traceback(zc, make_ledger):
    root = make_ledger()
    _month(
        root,
        f'{{"id": "a", {HEAD}, "status": "推进中", "note": "甲"}}',
        f'{{"id": "b", {HEAD}, "status": "推进中", "note": "\\ud800"}}',
        f'{{"id": "c", {HEAD}, "status": "推进中", "note": "\\ud83d\\ude00 一对是字"}}',
    )
    code, lines = _check(zc, root)
    assert (code, lines) == (
        1,
        [
            f"{JULY}:2:1: error[yaml-syntax]: 无法读取这一行：含有单独的 Unicode 代理项转义（如 \\ud800），不是文字"
        ],
    )
    for command in (("status",), ("progress", "log"), ("show", "1")):
        result = zc(*command, root=root)
        assert result.exit_code == 1 and "Traceback" not in result.stderr


def test_a_lone_surrogate_in_the_plan_is_located(zc, make_ledger):
    root = make_ledger(tasks=TASKS.replace("title: 节约用水", 'title: "节约\\ud800用水"'))
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert result.stdout.startswith(  # libyaml refuses it; the pure-Python reader is told so too
        "data/tasks.yaml:24:17: error[yaml-syntax]: YAML 语法错误：found invalid Unicode character escape code"
    )


@pytest.mark.parametrize(
    ("entry_id", "shown"),
    [("", '""'), ("a\\nb", "a\\nb"), (" a", " a"), ("a\\u202eb", "a\\u202eb")],
)
def test_an_id_that_cannot_be_named_is_refused(zc, make_ledger, entry_id, shown):
    root = make_ledger()
    _month(root, f'{{"id": "{entry_id}", {HEAD}, "status": "推进中", "note": "甲"}}')
    code, lines = _check(zc, root)
    assert code == 1
    assert lines[0].startswith(f"{JULY}:1:") and "error[entry-id]: 条目编号" in lines[0]


def test_corrections_that_name_each_other_are_reported(zc, make_ledger):
    root = make_ledger()
    _month(
        root,
        f'{{"id": "a", {HEAD}, "status": "推进中", "note": "甲", "fixes": "b"}}',
        f'{{"id": "b", {HEAD}, "status": "推进中", "note": "乙", "fixes": "a"}}',
        f'{{"id": "c", {HEAD}, "status": "推进中", "note": "丙", "fixes": "c2"}}',
        f'{{"id": "c2", {HEAD}, "status": "推进中", "note": "丁", "fixes": "c3"}}',
        f'{{"id": "c3", {HEAD}, "status": "推进中", "note": "戊", "fixes": "c"}}',
    )
    code, lines = _check(zc, root)
    assert code == 1
    assert [line for line in lines if "fix-cycle" in line] == [
        f"{JULY}:1:{lines[0].split(':')[2]}: error[fix-cycle]: 条目 a、b 互相更正或撤销，都不再有效",
        f"{JULY}:3:{lines[1].split(':')[2]}: error[fix-cycle]: 条目 c、c2、c3 互相更正或撤销，都不再有效",
    ]


@pytest.mark.parametrize("control", ["\\e[2J", "\\a", "\\u202e"])
def test_a_unit_name_with_a_control_character_is_refused(zc, make_ledger, control):
    name = f"区水{control}利局"
    tasks = TASKS.replace("responsible: [区水利局]", f'responsible: ["{name}"]').replace(
        "attribution: 区水利局负责", f'attribution: "{name}负责"'
    )
    departments = DEPARTMENTS.replace(
        "  区水利局: {kind: 政府工作部门}", f'  "{name}": {{kind: 政府工作部门}}'
    )
    root = make_ledger(tasks=tasks, departments=departments)
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert "error[control-character]: 单位名称含有控制字符" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    template = zc("template", "--all", "-o", str(root.parent / "表"), root=root)
    assert template.exit_code == 1 and "Traceback" not in template.stderr


def test_aliases_and_full_names_with_control_characters_are_refused(zc, make_ledger):
    departments = DEPARTMENTS.replace("aliases: [发改局]", 'aliases: ["发改\\a局"]')
    result = zc("check", root=make_ledger(departments=departments))
    assert result.exit_code == 1
    assert "error[control-character]: 单位名称含有控制字符（\\x07）：发改\\x07局" in result.stdout


def test_progress_add_prints_what_it_recorded_escaped(zc, make_ledger):
    root = make_ledger()
    result = zc(
        "progress", "add", "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "甲",
        "--force", "代\x1b[2J报", root=root,
    )  # fmt: skip
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout + result.stderr
    (line,) = (root / JULY).read_text("utf-8").splitlines()[1:]
    assert json.loads(line[2:])["forced"] == "代\x1b[2J报"  # stored exactly


def test_the_key_count_that_skips_the_exact_reading_agrees_with_what_is_written(make_ledger):
    """A month file is read twice only when its ``": `` count differs from the keys its
    entries hold: that count must be what ``entry_line`` writes, for every kind of entry."""
    from dataclasses import replace

    from zctasks.load.loading import load_ledger
    from zctasks.log.progress import entry_line, written_keys
    from zctasks.scaffold.demo import demo_entries

    entries = demo_entries(load_ledger(make_ledger()))[:200]
    entries += [
        replace(
            entries[0],
            id="f",
            fixes=entries[0].id,
            reason="改",
            source="文",
            next="下",
            problems="难",
            forced="代",
            at=None,
        ),
        replace(
            entries[1],
            id="v",
            voids=entries[1].id,
            reason="撤",
            status=None,
            note="",
            values={},
            source="",
            next="",
            problems="",
            forced="",
        ),
    ]
    for entry in entries:
        assert entry_line(entry).count('": ') == written_keys([entry]), entry
