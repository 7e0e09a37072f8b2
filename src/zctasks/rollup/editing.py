"""The files ``zctasks init --rollup`` writes, and ``rollup add``: a member appended to
members.yaml as one line, the rest of the file (comments and all) as it was. Nothing is
written unless the file with the new line reads cleanly."""

from __future__ import annotations

import json
import re
from pathlib import Path

from zctasks.files.errors import LedgerInvalid, UsageError
from zctasks.rollup.model import CROSSWALK_FILE, MEMBERS_FILE
from zctasks.rollup.reading import Members

SCHEMAS = ("members", "crosswalk")


def _province(name: str) -> bool:
    return name.endswith(("省", "自治区"))


def members_starter(name: str) -> str:
    section, series = (
        ("各市进展", "[设区市]") if _province(name) else ("各区县进展", "[县区, 园区, 市直部门]")
    )
    return f"""# yaml-language-server: $schema=../schema/members.schema.json
# 汇总台账的成员：各区县（或各市）自己的台账仓库。用 zctasks rollup add 加入成员，
# 再运行 zctasks rollup fetch 获取各成员的台账，并锁定所读的提交（data/members.lock）。
name: {scalar(name)}
section: {section}               # 简报、台账中成员一节和附件的标题
series: {series}    # 排名的序列，按此顺序列出
members: []
"""


def config_starter(name: str) -> str:
    """The bundled config with headings for a roll-up instead of the district's."""
    if _province(name):
        addressees = "各市人民政府，省政府有关部门"
    else:
        addressees = "各区县人民政府，市政府有关部门"
    return f"""# yaml-language-server: $schema=../schema/config.schema.json
# How zctasks lights tasks against the time-proportional schedule (序时进度).
# Every key is optional; the schedule values below are the defaults.
schedule:
  yellow_gap: 10        # 落后序时进度超过 10 个百分点：黄灯（滞后）
  red_gap: 30           # 落后超过 30 个百分点：红灯（严重滞后）；逾期未完成也是红灯
  approx_tolerance: 5   # “左右”类指标允许的偏差：±5%
reporting:
  cycle: monthly        # 本级单位的报送周期；各成员按自己台账的报送周期亮灯
  due_day: 25
reports:
  publication: {scalar(name + "重点工作简报")}   # 简报报头
  # issuer: 市发改委                       # 简报的印发单位（市级计划中的单位）；不写时为计划的印发机关
  addressees: {addressees}
"""


_PLAIN = re.compile(r"[\w\u3400-\u9fff][\w\u3400-\u9fff.\-/（）()·]*")
_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(value: str) -> str:
    """A YAML scalar for a value as typed: plain where that reads back as the same text,
    else double-quoted (JSON's escaping, which YAML reads alike)."""
    if (
        _PLAIN.fullmatch(value)
        and value.lower() not in _WORDS
        and not re.fullmatch(r"[-+]?[\d._]+([eE][-+]?\d+)?", value)
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


CROSSWALK_STARTER = """# yaml-language-server: $schema=../schema/crosswalk.schema.json
# 市级任务、指标由各成员的哪些任务、指标汇总而来（zctasks rollup status 按此汇总）。例如：
#
# tasks:
#   - task: 7                                # 市级第7项任务
#     members: {淄川区: 7, 张店区: [9, 10]}  # 各成员承担它的任务（灯色和进展情况取自这些任务）
#     targets:
#       - target: "7.1"                      # 市级指标
#         how: sum                           # sum（相加）各成员累计数之和；share（分解）各成员完成
#                                            # 各自分解的份额；worst（最差）取各成员最差的灯色
#         members: {淄川区: "7.1", 张店区: "9.2"}
#         # factor: 0.0001                   # 换算系数：不写时按单位换算（万元→亿元）
#   - task: 12
#     how: worst                             # 取各成员任务中最差的灯色
#     members: {淄川区: 20, 张店区: 21}
tasks: []
"""


def starter_files(name: str) -> dict[Path, str]:
    return {
        MEMBERS_FILE: members_starter(name),
        CROSSWALK_FILE: CROSSWALK_STARTER,
        Path("data/config.yaml"): config_starter(name),
    }


_EMPTY = re.compile(r"^members:[ \t]*\[[ \t]*\][ \t]*(#[^\r\n]*)?\r?$", re.M)
_TOP = re.compile(r"^[^\s#-]", re.M)


def member_line(
    name: str, remote: str | None, bundle: str | None, branch: str | None, series: str | None
) -> str:
    fields = {"name": name}
    if remote:
        fields["remote"] = remote
    if bundle:
        fields["bundle"] = bundle
    if branch:
        fields["branch"] = branch
    if series:
        fields["series"] = series
    inner = ", ".join(f"{key}: {scalar(value)}" for key, value in fields.items())
    return f"  - {{{inner}}}\n"


def with_member(text: str, line: str) -> str | None:
    """members.yaml with ``line`` added to its list, or None where the file is not laid out
    as ``init --rollup`` writes it (the members list last, in block form). The new item
    takes the indentation of the items already there (column 0, 2, 4 …) and the file's
    line ending (CRLF stays CRLF)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    empty = _EMPTY.search(text)
    if empty is not None:
        rest = text[empty.end() :].removeprefix("\n")
        return text[: empty.start()] + "members:" + newline + line.rstrip("\n") + newline + rest
    tops = list(_TOP.finditer(text))
    if not tops or not text[tops[-1].start() :].startswith("members:"):
        return None
    tail = text[tops[-1].start() :].split("\n", 1)
    if tail[0].split("#", 1)[0].strip() != "members:":
        return None
    item = _ITEM.search(tail[1] if len(tail) > 1 else "")
    indent = item.group(1) if item is not None else "  "
    ending = "" if text.endswith("\n") else newline
    return text + ending + indent + line.strip() + newline


_ITEM = re.compile(r"^([ ]*)- ", re.M)


def add_member(
    root: Path,
    name: str,
    remote: str | None,
    bundle: str | None,
    branch: str | None,
    series: str | None,
) -> None:
    """Append a member to members.yaml, atomically under the data folder's lock; refuse
    one that is already there or would make the file invalid, writing nothing."""
    from zctasks.files import yamlfile
    from zctasks.files.writer import Transaction, update
    from zctasks.plan import schema
    from zctasks.rollup.model import MembersFile
    from zctasks.rollup.reading import read_members

    if bool(remote) == bool(bundle):
        raise UsageError("--remote 和 --bundle 要给出其中一个", "例如 --remote ../淄川区台账")
    members, problems = read_members(root)
    if members is None:
        raise LedgerInvalid(problems)
    if name in members.names:
        raise UsageError(f"成员“{name}”已在 data/members.yaml 中", "修改它请直接编辑该文件")
    _refuse(members, name, remote, bundle, branch, series)
    line = member_line(name, remote, bundle, branch, series)

    def build(tx: Transaction) -> None:
        raw = tx.read(MEMBERS_FILE.name) or b""
        text = raw.decode("utf-8")
        new = with_member(text, line)
        if new is None:
            raise UsageError(
                "data/members.yaml 的成员列表不在文件末尾，无法自动加入",
                "请直接编辑该文件，在 members: 下加一行：" + line.strip(),
            )
        doc, found = yamlfile.parse(MEMBERS_FILE.as_posix(), new.encode("utf-8"))
        if doc is not None:
            value, found = schema.validate(doc, MembersFile)
            if value is not None:
                from zctasks.rollup.reading import check_members

                found = [d for d in check_members(value, doc) if d.severity == "error"]
        if doc is None or found:
            raise LedgerInvalid(found)
        tx.write(MEMBERS_FILE.name, new.encode("utf-8"))

    update(root / "data", build, what="成员名单")


def _refuse(
    members: Members,
    name: str,
    remote: str | None,
    bundle: str | None,
    branch: str | None,
    series: str | None,
) -> None:
    """What members.yaml would not accept, said of the options as typed."""
    from zctasks.judge.views import visible
    from zctasks.rollup.reading import (
        CONTROL,
        MEMBER_NAME_HINT,
        branch_problem,
        name_problem,
        remote_problem,
    )

    for option, value in (
        ("名称", name),
        ("--remote", remote),
        ("--bundle", bundle),
        ("--branch", branch),
        ("--series", series),
    ):
        if value and CONTROL.search(value):
            raise UsageError(f"{option}“{visible(value)}”含有控制字符，没有加入")
    if not name.strip():
        raise UsageError("成员名称为空")
    if why := name_problem(name):
        raise UsageError(f"成员名称“{name}”{why}，没有加入", MEMBER_NAME_HINT)
    if remote and (why := remote_problem(remote)):
        raise UsageError(f"仓库地址“{remote}”{why}，没有加入")
    if bundle and bundle.startswith("-"):
        raise UsageError(f"bundle 文件名“{bundle}”不能以“-”开头，没有加入")
    if branch is not None and (why := branch_problem(branch)):
        raise UsageError(f"{why}，没有加入")
    declared = members.file.series
    if series and series not in declared:
        raise UsageError(
            f"序列“{series}”不在 data/members.yaml 的 series 中，没有加入",
            "已声明的序列：" + ("、".join(declared) or "（未声明）"),
        )
