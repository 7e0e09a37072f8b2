"""Hostile input at every edge: what each gets is an exact message, never a traceback.

The README's "Guarantees" names these tests; each reproduces an item of the hardening
issue in a small ledger and asserts the exact output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TASKS
from zctasks import limits

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
    with pytest.raises(limits.InputTooLarge) as caught:
        limits.read_bounded(Path("/dev/zero"), "/dev/zero")
    assert caught.value.message == "/dev/zero：文件过大（超过上限 10 字节）"
