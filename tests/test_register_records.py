"""The 催办 register as a record that survives what people do: an output that cannot be
written, two analysts issuing the same number, a slip sent in error, a killed writer, a
hostile register file. Nothing is recorded unless the document was written, and no repair
deletes a record: a slip is voided (作废) and re-issued by lines of their own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import git
from zctasks.files import limits

CONFIG = (
    "reports: {supervisor: 区政府督查室, urge_code: 测督催}\nreporting: {first_due: 2023-07-03}\n"
)
OVERDUE = "  - id: 1\n    due: 2023-06-30\n"
URGES = "data/urges/2023.yaml"


@pytest.fixture
def ledger(reported):
    (reported / "data" / "config.yaml").write_text(CONFIG, "utf-8")
    tasks = reported / "data" / "tasks.yaml"
    tasks.write_text(tasks.read_text("utf-8").replace("  - id: 1\n", OVERDUE), "utf-8")
    return reported


def _lines(root):
    path = root / URGES
    if not path.exists():
        return []
    return [json.loads(line[2:]) for line in path.read_text("utf-8").splitlines()[1:]]


def _record(zc, root, *more):
    day = ("--as-of", "2023-07-31", "--date", "2023-07-31")
    return zc("report", "urge", *more, *day, "--record", root=root)


# ---------------------------------------------------------------- 1. written, then recorded


def test_nothing_is_recorded_unless_the_document_was_written(zc, ledger, tmp_path):
    missing = _record(zc, ledger, "-f", "docx", "-o", str(tmp_path / "没有的目录" / "催办单.docx"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("错误：输出目录 ")
    assert _lines(ledger) == []
    bad = tmp_path / "坏模板.md.j2"
    bad.write_text("{{ 没有这个变量 }}", "utf-8")
    assert _record(zc, ledger, "--template", str(bad)).exit_code == 1
    assert _lines(ledger) == []
    folder = tmp_path / "已读"
    folder.mkdir()
    (folder / "催办单.docx").mkdir()  # a folder where the file should go
    assert _record(zc, ledger, "-f", "docx", "-o", str(folder / "催办单.docx")).exit_code == 2
    assert _lines(ledger) == []
    written = _record(zc, ledger, "-f", "docx", "-o", str(tmp_path / "催办单.docx"))
    assert written.exit_code == 0, written.stderr
    assert [r["number"] for r in _lines(ledger)] == [1, 2]  # the first numbers, none skipped
    assert (tmp_path / "催办单.docx").stat().st_size > 0


def test_a_register_that_cannot_be_written_leaves_no_document(zc, ledger, tmp_path, monkeypatch):
    """Recorded first, written next: if the record fails, no document is made."""
    from zctasks.files import writer

    real = writer._stage

    def full_disk(path, content):
        if path.parent.name == "urges":
            raise OSError(28, "No space left on device")
        return real(path, content)

    monkeypatch.setattr(writer, "_stage", full_disk)
    out = tmp_path / "催办单.md"
    result = _record(zc, ledger, "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：写入催办登记失败：No space left on device\n"
        "提示：原有文件没有改动；请检查磁盘空间和目录权限后重试\n"
    )
    assert not out.exists() and _lines(ledger) == []


# ---------------------------------------------------------------- 2. voided and re-issued


def test_a_slip_is_voided_and_reissued_as_records(zc, ledger):
    assert _record(zc, ledger).exit_code == 0
    voided = zc(
        "urge", "void", "测督催〔2023〕1号", "--reason", "发错了单位", "--reissue", root=ledger
    )
    assert voided.exit_code == 0, voided.stderr
    assert voided.stdout == (
        "已作废 测督催〔2023〕1号（区科技局，2023-07-31 签发）：发错了单位\n"
        "重新签发为 测督催〔2023〕3号，事项和反馈时限不变；打印：zctasks report urge 区科技局 "
        "--as-of 2023-07-31 --date 2023-07-31 -f docx -o 催办单.docx\n"
    )
    lines = _lines(ledger)
    assert [(r.get("number"), r.get("voids"), r.get("reissues")) for r in lines] == [
        (1, None, None),
        (2, None, None),
        (None, "测督催〔2023〕1号", None),
        (3, None, "测督催〔2023〕1号"),
    ]
    assert lines[3]["items"] == lines[0]["items"] and lines[3]["due"] == lines[0]["due"]
    assert zc("check", root=ledger).exit_code == 0
    register = zc("report", "register", "--as-of", "2023-08-01", root=ledger).stdout
    assert (
        "| 测督催〔2023〕1号 | 区科技局 | 7月31日 | 第1项“建设创新平台” | 8月7日 | 已作废（发错了单位） |"
        in register
    )
    assert (
        "| 测督催〔2023〕3号 | 区科技局 | 7月31日 | 第1项“建设创新平台” | 8月7日 | 未反馈 |"
        in register
    )
    assert "共签发催办单3张，作废1张，尚未反馈或部分反馈2张" in register
    reprint = zc("report", "urge", "区科技局", "--as-of", "2023-07-31", root=ledger).stdout
    assert "测督催〔2023〕3号" in reprint and "测督催〔2023〕1号" not in reprint
    again = zc("urge", "void", "1", "--reason", "再作废", root=ledger)
    assert (again.exit_code, again.stderr) == (2, "错误：测督催〔2023〕1号 已作废：发错了单位\n")


def test_void_names_an_issued_slip(zc, ledger):
    assert _record(zc, ledger).exit_code == 0
    result = zc("urge", "void", "9", "--reason", "x", root=ledger)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：没有编号为“9”的催办单\n提示：用 zctasks report register 查看已签发的催办单\n",
    )
    empty = zc("urge", "void", "1", "--reason", " ", root=ledger)
    assert (empty.exit_code, empty.stderr) == (2, "错误：作废需要写明原因\n")


def test_two_registers_that_issued_the_same_number_merge_and_stay_usable(zc, ledger, git_identity):
    """Two analysts issue the day's slips on two clones: both get number 1. The merge goes
    through, every report still works, check names the clash, and the repair appends."""
    git(ledger, "init", "-q")
    assert zc("hooks", "install", root=ledger).exit_code == 0
    git(ledger, "add", "-A")
    git(ledger, "commit", "-q", "-m", "台账")
    git(ledger, "checkout", "-q", "-b", "同事")
    assert _record(zc, ledger, "区水利局").exit_code == 0
    git(ledger, "add", "data/urges")
    git(ledger, "commit", "-q", "-m", "同事签发")
    git(ledger, "checkout", "-q", "-")
    assert _record(zc, ledger, "区科技局").exit_code == 0
    git(ledger, "add", "data/urges")
    git(ledger, "commit", "-q", "-m", "我签发")
    merged = subprocess.run(
        ["git", "-C", str(ledger), "merge", "-q", "--no-edit", "同事"],
        capture_output=True,
        text=True,
    )
    assert merged.returncode == 0, merged.stderr
    assert [(r["number"], r["unit"]) for r in _lines(ledger)] == [(1, "区科技局"), (1, "区水利局")]
    checked = zc("check", root=ledger)
    assert checked.exit_code == 0
    assert (
        f"{URGES}:3:1: warning[duplicate-number]: 编号 测督催〔2023〕1号 与第 2 行重复"
        "（区科技局、区水利局各收到一张）\n"
        "  提示：两处各自签发了同号的催办单（如两个分支合并）：作废其中一张并重新编号，"
        "如 zctasks urge void 测督催〔2023〕1号 --unit 区水利局 --reason 编号重复 --reissue\n"
    ) in checked.stdout
    assert zc("report", "register", "--as-of", "2023-08-01", root=ledger).exit_code == 0
    ambiguous = zc("urge", "void", "1", "--reason", "编号重复", root=ledger)
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr == (
        "错误：编号 测督催〔2023〕1号 有 2 张催办单：区科技局、区水利局\n"
        "提示：用 --unit 指明作废哪一张\n"
    )
    repaired = zc(
        "urge", "void", "1", "--unit", "水利局", "--reason", "编号重复", "--reissue", root=ledger
    )
    assert repaired.exit_code == 0, repaired.stderr
    assert "重新签发为 测督催〔2023〕2号" in repaired.stdout
    after = zc("check", root=ledger)
    assert (after.exit_code, "duplicate-number" in after.stdout) == (0, False)
    git(ledger, "add", "data/urges")
    committed = subprocess.run(
        ["git", "-C", str(ledger), "commit", "-q", "-m", "作废重号的催办单"],
        capture_output=True,
        text=True,
    )
    assert committed.returncode == 0, committed.stderr  # the hook saw only appended lines
    assert _record(zc, ledger, "区科技局").stderr.endswith("沿用原编号，登记在 data/urges/\n")


# ---------------------------------------------------------------- 3. temporaries ignored


def test_the_registers_temporaries_and_lock_are_never_committed(zc, tmp_path, git_identity):
    root = tmp_path / "台账"
    assert zc("init", str(root)).exit_code == 0
    names = [
        "data/urges/.tmp-abc123",
        "data/urges/.tmp-zctasks-journal",
        "data/urges/.zctasks.lock",
        "data/progress/.tmp-zctasks-journal",
    ]
    ignored = subprocess.run(
        ["git", "-C", str(root), "check-ignore", *names], capture_output=True, text=True
    )
    assert ignored.stdout.splitlines() == names
    (root / ".gitignore").write_text("data/progress/.tmp-*\n", "utf-8")  # an older ledger
    assert "data/urges/.tmp-*" in zc("hooks", "install", root=root).stdout


def test_the_hook_refuses_a_staged_temporary_or_journal(zc, git_ledger):
    folder = git_ledger / "data" / "urges"
    folder.mkdir()
    (folder / ".tmp-zctasks-journal").write_text("[]", "utf-8")
    git(git_ledger, "add", "-f", "data/urges/.tmp-zctasks-journal")
    result = subprocess.run(
        ["git", "-C", str(git_ledger), "commit", "-q", "-m", "误提交"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        "- data/urges/.tmp-zctasks-journal：zctasks 写入时的临时文件或日志，不能提交"
        "（git rm --cached data/urges/.tmp-zctasks-journal）"
    ) in result.stderr


# ---------------------------------------------------------------- 4. what the register holds


@pytest.mark.parametrize("days", ["-5", "0"])
def test_urge_days_must_give_a_deadline_after_the_issue(zc, ledger, days):
    config = CONFIG.replace("urge_code: 测督催}", f"urge_code: 测督催, urge_days: {days}}}")
    (ledger / "data" / "config.yaml").write_text(config, "utf-8")
    result = zc("check", root=ledger)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"data/config.yaml:1:{config.index('urge_days') + 12}: error[range]: "
        f"催办单反馈时限 urge_days 应为 1 至 366 天，实际为 {days}\n"
    )
    assert _record(zc, ledger).exit_code == 1
    assert _lines(ledger) == []


def test_a_deep_register_line_is_located(zc, ledger):
    folder = ledger / "data" / "urges"
    folder.mkdir()
    (folder / "2023.yaml").write_text(
        '# 催办单登记\n- {"x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "utf-8"
    )
    result = zc("check", root=ledger)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "data/urges/2023.yaml:2:1: error[urge-syntax]: 无法读取这一行：嵌套过深\n"
    )


def test_the_size_limit_applies_to_the_register(zc, ledger, monkeypatch):
    folder = ledger / "data" / "urges"
    folder.mkdir()
    with (folder / "2023.yaml").open("wb") as handle:
        handle.truncate(limits.MAX_BYTES + 1)  # sparse: nothing is really written
    result = zc("check", root=ledger)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"data/urges/2023.yaml:1:1: error[too-large]: 文件过大（{limits.MAX_BYTES + 1} 字节，"
        f"上限 {limits.MAX_BYTES} 字节）\n"
    )
    issued = _record(zc, ledger)
    assert issued.exit_code == 1 and "error[too-large]" in issued.stderr
    assert (folder / "2023.yaml").stat().st_size == limits.MAX_BYTES + 1


# ---------------------------------------------------------------- 4. what a re-issue keeps


def test_a_reissued_slip_keeps_the_answer_of_the_slip_it_replaces(zc, ledger):
    """The answer came before the re-issue: the new slip is answered, not overdue, and the
    voided slip does not count as an earlier urging."""
    assert _record(zc, ledger, "区科技局").exit_code == 0
    answer = ("1", "--by", "区科技局", "--date", "2023-08-02", "-v", "1.1=4", "--note", "补报")
    assert zc("progress", "add", *answer, root=ledger).exit_code == 0
    row = "| 测督催〔2023〕{}号 | 区科技局 | 7月31日 | 第1项“建设创新平台” | 8月7日 | {} |"
    before = zc("report", "register", "--as-of", "2023-08-10", root=ledger).stdout
    state = next(line for line in before.splitlines() if line.startswith(row.format(1, "")[:-3]))
    answered = state.split(" | ")[-1].removesuffix(" |")
    assert answered.startswith("逾期反馈（")  # answered: recorded after the slip
    voided = zc("urge", "void", "1", "--reason", "编号重复", "--reissue", root=ledger)
    assert voided.exit_code == 0, voided.stderr
    assert voided.stdout.endswith(
        "打印：zctasks report urge 区科技局 --as-of 2023-07-31 --date 2023-07-31 "
        "-f docx -o 催办单.docx\n"
    )
    register = zc("report", "register", "--as-of", "2023-08-10", root=ledger).stdout
    assert row.format(2, answered) in register.splitlines()
    printed = zc(
        "report", "urge", "区科技局", "--as-of", "2023-07-31", "--date", "2023-07-31", root=ledger
    ).stdout
    assert "测督催〔2023〕2号\t蓝色（首次催办）" in printed
    later = zc(
        "report", "urge", "区科技局", "--as-of", "2023-07-31", "--date", "2023-09-01", root=ledger
    )
    assert "（预览，未登记编号）\t黄色（第2次催办）" in later.stdout  # the voided slip is not one


# ---------------------------------------------------------------- 5. recorded, then written


def test_a_slip_is_recorded_before_its_document_is_put_in_place(zc, ledger, tmp_path, monkeypatch):
    """A writer killed between the two leaves a recorded slip whose document is printed again
    with the same number; never a document whose number the register lacks."""
    from zctasks.documents import produce

    def killed(path, content):
        assert [r["number"] for r in _lines(ledger)] == [1, 2]  # recorded already
        raise KeyboardInterrupt

    monkeypatch.setattr(produce, "write_output", killed)
    out = tmp_path / "催办单.md"
    assert _record(zc, ledger, "-o", str(out)).exit_code == 130  # interrupted
    assert not out.exists() and [r["number"] for r in _lines(ledger)] == [1, 2]
    monkeypatch.undo()
    again = _record(zc, ledger, "-o", str(out))
    assert again.stderr.endswith("2张当日已签发，沿用原编号，登记在 data/urges/\n")
    assert "测督催〔2023〕1号" in out.read_text("utf-8")


def test_a_document_that_cannot_be_written_takes_its_record_back(zc, ledger, tmp_path, monkeypatch):
    from zctasks.documents import produce

    def full(path, content):
        raise produce.ZctasksError(f"无法写入 {path}：No space left on device")

    monkeypatch.setattr(produce, "write_output", full)
    out = tmp_path / "催办单.md"
    result = _record(zc, ledger, "-o", str(out))
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：催办单没有登记：无法写入 {out}：No space left on device\n"
        f"提示：{out} 中的编号无效，不要发出；排除原因后重新签发\n",
    )
    assert _lines(ledger) == [] and not any((ledger / "data" / "urges").glob(".tmp-*"))


def test_a_standard_output_that_fails_says_so(ledger):
    command = [sys.executable, "-m", "zctasks", "--root", str(ledger), "report", "urge"]
    day = ["--as-of", "2023-07-31", "--date", "2023-07-31", "--record"]
    with open("/dev/full", "w") as full_device:
        full = subprocess.run(command + day, stdout=full_device, stderr=subprocess.PIPE, text=True)
    assert (full.returncode, full.stderr) == (
        1,
        "错误：催办单没有登记：无法写入标准输出（No space left on device）\n"
        "提示：已输出的部分编号无效，不要发出；排除原因后重新签发，或用 -o 写入文件\n",
    )
    assert _lines(ledger) == []
