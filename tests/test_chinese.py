"""Chinese values where a user types one, and the command line's own words in Chinese
(issue 18, item 10): 牵头, 红, 四, 第7项 are accepted; help and usage errors of every
command say 用法, 选项, 缺少选项 … and no English is left."""

from __future__ import annotations

import json
import re

import pytest

ENGLISH = re.compile(
    r"Usage|Options|Arguments|Commands|Show this|required|default:|Missing|Invalid|"
    r"No such|Error|Try '|completion for|is not|Possible|Got unexpected|requires"
)


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("list --dept 区发改局 --role 牵头", "list --dept 区发改局 --role lead"),
        ("list --dept 区发改局 --role 配合", "list --dept 区发改局 --role cooperate"),
        ("list --chapter 二", "list --chapter 2"),
        ("list --chapter 第二章", "list --chapter 2"),
        ("list --light 红 --as-of 2023-07-31", "list --light red --as-of 2023-07-31"),
        ("list --light 滞后 --as-of 2023-07-31", "list --light yellow --as-of 2023-07-31"),
        ("list --light 未报送 --as-of 2023-08-31", "list --light grey --as-of 2023-08-31"),
        ("show 第1项", "show 1"),
        ("status --chapter 二 --as-of 2023-07-31", "status --chapter 2 --as-of 2023-07-31"),
        ("status --by 单位 --as-of 2023-08-31", "status --by unit --as-of 2023-08-31"),
        ("progress log --task 第1项", "progress log --task 1"),
    ],
)
def test_chinese_words_mean_what_the_english_ones_do(zc, reported, chinese, english):
    said = zc(*chinese.split(), root=reported)
    assert said.exit_code == 0, said.stderr
    assert said.stdout == zc(*english.split(), root=reported).stdout
    assert said.stdout


def test_a_value_that_is_none_of_them_is_refused_in_chinese(zc, reported):
    result = zc("list", "--dept", "区发改局", "--role", "主办", root=reported)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：--role（-r）的取值无效：“主办”无效，应为 牵头（lead）、配合（cooperate）、负责（responsible）。\n"
        "提示：运行 zctasks list -h 查看用法\n",
    )
    assert zc("list", "--light", "紫", root=reported).stderr.splitlines()[0] == (
        "错误：--light（-l）的取值无效：“紫”无效，应为 已完成（done）、序时推进（green）、"
        "滞后（yellow）、严重滞后（red）、未报送（grey）。"
    )
    assert zc("list", "--chapter", "第四节", root=reported).stderr.splitlines()[0] == (
        "错误：--chapter（-c）的取值无效：“第四节”无效，应为章的编号，如 4、四 或 第四章。"
    )
    assert zc("list", "--chapter", "十三", root=reported).stderr == (
        "错误：没有第 13 章\n提示：本计划共 2 章，用 zctasks chapters 查看\n"
    )
    assert zc("show", "第七项", root=reported).stderr.splitlines()[0] == (
        "错误：ID 的取值无效：“第七项”无效，应为任务的编号，如 7 或 第7项。"
    )


def test_usage_errors_are_said_in_chinese(zc, reported):
    cases = {
        ("progress", "add", "1"): "错误：缺少选项 --by（-b）。",
        ("progress", "add"): "错误：缺少参数 TASK。",
        ("list", "--bogus"): "错误：没有选项 --bogus。",
        ("list", "--as-of"): "错误：选项 --as-of 后面要写一个值。",
        (
            "list",
            "--format",
            "xml",
        ): "错误：--format（-f）的取值无效：“xml”不是可选的值，可选：table、json、csv、md。",
        ("list", "extra"): "错误：多余的参数：extra。",
        ("nosuch",): "错误：没有命令“nosuch”。",
        ("report", "briefing", "--issue", "x"): "错误：--issue 的取值无效：“x”不是有效的整数。",
    }
    for args, first in cases.items():
        result = zc(*args, root=reported)
        assert result.exit_code == 2, args
        assert result.stderr.splitlines()[0] == first, args
        assert not ENGLISH.search(result.stderr), result.stderr


def every_command():
    from zctasks.cli import app, load_all

    load_all()
    names = [[c.name] for c in app.registered_commands]
    for group in app.registered_groups:
        names.append([group.name])
        names += [[group.name, c.name] for c in group.typer_instance.registered_commands]
    return [[], *names]


def test_every_commands_help_is_chinese(zc):
    for name in every_command():
        result = zc(*name, "--help")
        assert result.exit_code == 0, name
        assert result.stdout.startswith("用法：zctasks"), name
        assert "选项：" in result.stdout and "显示本帮助并退出。" in result.stdout, name
        assert not ENGLISH.search(result.stdout), (name, ENGLISH.findall(result.stdout))


def test_every_command_refuses_an_unknown_option_in_chinese(zc):
    for name in every_command():
        result = zc(*name, "--no-such-option")
        assert result.exit_code == 2, name
        assert result.stderr.startswith("错误：没有选项 --no-such-option"), (name, result.stderr)
        assert not ENGLISH.search(result.stderr), result.stderr


def test_completion_offers_the_english_values_with_their_chinese_names(make_ledger):
    from zctasks.cli.chinese import LIGHT, ROLE

    assert [(c.value, c.help) for c in ROLE.shell_complete(None, None, "")] == [
        ("lead", "牵头"),
        ("cooperate", "配合"),
        ("responsible", "负责"),
    ]
    assert [c.value for c in LIGHT.shell_complete(None, None, "严")] == ["red"]
    assert json.dumps(ROLE.described(), ensure_ascii=False) == (
        '"牵头（lead）、配合（cooperate）、负责（responsible）"'
    )
