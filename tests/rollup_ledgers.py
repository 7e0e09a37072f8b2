"""Member ledgers and a city for the roll-up tests, written from inline YAML and committed
with fixed dates, so that commits (and everything read from them) are the same every run.

Two districts with plans of their own: 淄川区 counts money in 万元 and reports monthly (by
the 25th); 张店区 counts it in 亿元 and reports twice a month (by the 10th and the 25th).
The city (淄博市) adds their investment (相加, converted to 亿元), holds each to its share
of new high-tech firms (分解), takes the worse of their forest cover (最差) and of their
qualitative tasks, and keeps one task of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ZICHUAN_TASKS = """\
plan:
  title: 淄川区2023年重点工作任务
  doc_number: 川政办字〔2023〕22号
  issuer: 淄川区人民政府办公室
  issued: 2023-03-01
  period: {start: 2023-01-01, end: 2023-12-31}
chapters:
  - {id: 1, title: 动能转换}
tasks:
  - id: 1
    chapter: 1
    title: 扩大技改投资
    text: 完成制造业技改投资25亿元。
    attribution: 区工信局负责
    responsible: [区工信局]
    targets:
      - {id: "1.1", name: 制造业技改投资, op: ">=", value: 250000, unit: 万元}
  - id: 2
    chapter: 1
    title: 培育高新技术企业
    text: 新增高新技术企业40家。
    attribution: 区科技局负责
    responsible: [区科技局]
    targets:
      - {id: "2.1", name: 新增高新技术企业, op: ">=", value: 40, unit: 家}
  - id: 3
    chapter: 1
    title: 国土绿化
    text: 森林覆盖率达到30%。
    attribution: 区自然资源局负责
    responsible: [区自然资源局]
    targets:
      - {id: "3.1", name: 森林覆盖率, op: ">=", value: 30, unit: "%", accrues: false, base: 28}
  - id: 4
    chapter: 1
    title: 优化营商环境
    text: 深化一网通办。
    attribution: 区行政审批局负责
    responsible: [区行政审批局]
"""

ZICHUAN_UNITS = """\
units:
  区工信局: {kind: 政府工作部门}
  区科技局: {kind: 政府工作部门}
  区自然资源局: {kind: 政府工作部门}
  区行政审批局: {kind: 政府工作部门}
"""

ZHANGDIAN_TASKS = """\
plan:
  title: 张店区2023年重点工作任务
  doc_number: 张政发〔2023〕5号
  issuer: 张店区人民政府
  issued: 2023-02-15
  period: {start: 2023-01-01, end: 2023-12-31}
chapters:
  - {id: 1, title: 产业升级}
  - {id: 2, title: 生态和服务}
tasks:
  - id: 1
    chapter: 1
    title: 加快制造业技术改造
    text: 技改投资30亿元。
    attribution: 区经信局负责
    responsible: [区经信局]
    targets:
      - {id: "1.1", name: 技改投资, op: ">=", value: 30, unit: 亿元}
  - id: 2
    chapter: 1
    title: 壮大创新主体
    text: 新增高新技术企业60家。
    attribution: 区科技局负责
    responsible: [区科技局]
    targets:
      - {id: "2.1", name: 新增高新技术企业, op: ">=", value: 60, unit: 家}
  - id: 3
    chapter: 2
    title: 城市绿化
    text: 森林覆盖率达到25%。
    attribution: 区园林局负责
    responsible: [区园林局]
    targets:
      - {id: "3.1", name: 森林覆盖率, op: ">=", value: 25, unit: "%", accrues: false, base: 24}
  - id: 4
    chapter: 2
    title: 政务服务提质
    text: 推进一件事一次办。
    attribution: 区数据局负责
    responsible: [区数据局]
"""

ZHANGDIAN_UNITS = """\
units:
  区经信局: {kind: 政府工作部门}
  区科技局: {kind: 政府工作部门}
  区园林局: {kind: 政府工作部门}
  区数据局: {kind: 政府工作部门}
"""

CITY_TASKS = """\
plan:
  title: 淄博市2023年重点工作任务
  doc_number: 淄政办字〔2023〕9号
  issuer: 淄博市人民政府办公室
  issued: 2023-02-01
  period: {start: 2023-01-01, end: 2023-12-31}
chapters:
  - {id: 1, title: 动能转换}
tasks:
  - id: 1
    chapter: 1
    title: 扩大工业技改投资
    text: 全市完成技改投资55亿元。
    attribution: 市工信局牵头，各区县政府负责
    lead: [市工信局]
    cooperate: [各区县政府]
    targets:
      - {id: "1.1", name: 技改投资, op: ">=", value: 55, unit: 亿元}
  - id: 2
    chapter: 1
    title: 培育创新主体
    text: 新增高新技术企业100家。
    attribution: 市科技局牵头，各区县政府负责
    lead: [市科技局]
    cooperate: [各区县政府]
    targets:
      - {id: "2.1", name: 新增高新技术企业, op: ">=", value: 100, unit: 家}
  - id: 3
    chapter: 1
    title: 提升森林覆盖率
    text: 各区县森林覆盖率均达到目标。
    attribution: 市自然资源局牵头，各区县政府负责
    lead: [市自然资源局]
    cooperate: [各区县政府]
    targets:
      - {id: "3.1", name: 森林覆盖率, op: ">=", value: 25, unit: "%", accrues: false}
  - id: 4
    chapter: 1
    title: 优化营商环境
    text: 全面推行一件事一次办。
    attribution: 市数据局牵头，各区县政府负责
    lead: [市数据局]
    cooperate: [各区县政府]
  - id: 5
    chapter: 1
    title: 编制全市规划
    text: 编制完成。
    attribution: 市发改委负责
    responsible: [市发改委]
"""

CITY_UNITS = """\
units:
  市工信局: {kind: 政府工作部门}
  市科技局: {kind: 政府工作部门}
  市自然资源局: {kind: 政府工作部门}
  市数据局: {kind: 政府工作部门}
  市发改委: {kind: 政府工作部门}
placeholders: [各区县政府]
"""

CROSSWALK = """\
tasks:
  - task: 1
    targets:
      - target: "1.1"
        how: 相加
        members: {淄川区: "1.1", 张店区: "1.1"}
  - task: 2
    targets:
      - target: "2.1"
        how: share
        members: {淄川区: "2.1", 张店区: "2.1"}
  - task: 3
    targets:
      - target: "3.1"
        how: worst
        members: {淄川区: "3.1", 张店区: "3.1"}
  - task: 4
    members: {淄川区: 4, 张店区: 4}
"""


def git(folder: Path, *args: str, when: str = "2023-10-28T18:00:00+08:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "分析员",
        "GIT_AUTHOR_EMAIL": "analyst@example.org",
        "GIT_COMMITTER_NAME": "分析员",
        "GIT_COMMITTER_EMAIL": "analyst@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def entry_line(entry: dict[str, object]) -> str:
    return "- " + json.dumps(entry, ensure_ascii=False) + "\n"


HEADER = "# 进展记录：由 zctasks 追加写入，每行一条；请勿手工修改或删除已有的行。\n"


def write_entries(root: Path, entries: list[dict[str, object]]) -> None:
    """Month files of tool-written lines (each entry gets an id and ``at``)."""
    months: dict[str, list[str]] = {}
    for n, fields in enumerate(entries, 1):
        day = str(fields["date"])
        entry = {
            "id": f"{day}-{fields['task']}-{n:06x}",
            **fields,
            "at": f"{day}T10:00:00.000+08:00",
        }
        months.setdefault(day[:7], []).append(entry_line(entry))
    folder = root / "data" / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    for month, lines in months.items():
        path = folder / f"{month}.yaml"
        old = path.read_text("utf-8") if path.exists() else HEADER
        path.write_text(old + "".join(lines), "utf-8")


def ledger(
    folder: Path,
    tasks: str,
    units: str,
    config: str = "",
    entries: list[dict[str, object]] | None = None,
    when: str = "2023-10-28T18:00:00+08:00",
) -> Path:
    """A member ledger as a git repository on branch main, one commit."""
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "tasks.yaml").write_text(textwrap.dedent(tasks), "utf-8")
    (folder / "data" / "departments.yaml").write_text(textwrap.dedent(units), "utf-8")
    if config:
        (folder / "data" / "config.yaml").write_text(config, "utf-8")
    write_entries(folder, entries or [])
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "台账", when=when)
    return folder


def commit_entries(folder: Path, entries: list[dict[str, object]], when: str) -> str:
    write_entries(folder, entries)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "进展", when=when)
    return git(folder, "rev-parse", "HEAD")


ZICHUAN_ENTRIES: list[dict[str, object]] = [
    {
        "task": 1,
        "date": "2023-07-20",
        "by": "区工信局",
        "status": "推进中",
        "note": "完成技改投资12亿元",
        "values": {"1.1": 120000},
    },
    {
        "task": 1,
        "date": "2023-09-22",
        "by": "区工信局",
        "status": "推进中",
        "note": "完成技改投资18.5亿元",
        "values": {"1.1": 185000},
    },
    {
        "task": 2,
        "date": "2023-09-20",
        "by": "区科技局",
        "status": "推进中",
        "note": "新增高企22家",
        "values": {"2.1": 22},
    },
    {
        "task": 3,
        "date": "2023-09-20",
        "by": "区自然资源局",
        "status": "推进中",
        "note": "造林1.2万亩",
        "values": {"3.1": 29.2},
    },
    {
        "task": 4,
        "date": "2023-09-21",
        "by": "区行政审批局",
        "status": "推进中",
        "note": "一网通办事项达到95%",
        "problems": "部分系统未打通",
        "next": "推进数据共享",
    },
    {
        "task": 1,
        "date": "2023-10-20",
        "by": "区工信局",
        "status": "推进中",
        "note": "完成技改投资21.3456亿元",
        "values": {"1.1": 213456},
    },
    {
        "task": 2,
        "date": "2023-10-20",
        "by": "区科技局",
        "status": "推进中",
        "note": "新增高企30家",
        "values": {"2.1": 30},
    },
    {
        "task": 4,
        "date": "2023-10-24",
        "by": "区行政审批局",
        "status": "推进中",
        "note": "一网通办事项达到98%",
    },
]

ZHANGDIAN_ENTRIES: list[dict[str, object]] = [
    {
        "task": 1,
        "date": "2023-09-08",
        "by": "区经信局",
        "status": "推进中",
        "note": "技改投资15.2亿元",
        "values": {"1.1": 15.2},
    },
    {
        "task": 2,
        "date": "2023-09-08",
        "by": "区科技局",
        "status": "推进中",
        "note": "新增高企25家",
        "values": {"2.1": 25},
    },
    {
        "task": 3,
        "date": "2023-09-24",
        "by": "区园林局",
        "status": "推进中",
        "note": "新增绿地",
        "values": {"3.1": 24.2},
    },
    {
        "task": 4,
        "date": "2023-09-24",
        "by": "区数据局",
        "status": "受阻",
        "note": "系统对接滞后",
        "problems": "省级系统接口未开放",
    },
    {
        "task": 1,
        "date": "2023-10-09",
        "by": "区经信局",
        "status": "推进中",
        "note": "技改投资20.1亿元",
        "values": {"1.1": 20.1},
    },
    {
        "task": 2,
        "date": "2023-10-24",
        "by": "区科技局",
        "status": "推进中",
        "note": "新增高企31家",
        "values": {"2.1": 31},
    },
]

ZHANGDIAN_CONFIG = "reporting: {cycle: semi-monthly, due_day: 10}\n"


def districts(base: Path) -> dict[str, Path]:
    return {
        "淄川区": ledger(base / "淄川区台账", ZICHUAN_TASKS, ZICHUAN_UNITS, "", ZICHUAN_ENTRIES),
        "张店区": ledger(
            base / "张店区台账",
            ZHANGDIAN_TASKS,
            ZHANGDIAN_UNITS,
            ZHANGDIAN_CONFIG,
            ZHANGDIAN_ENTRIES,
        ),
    }


def city(folder: Path, crosswalk: str = CROSSWALK) -> Path:
    """The city's plan and crosswalk written into a roll-up ledger made by init --rollup."""
    (folder / "data" / "tasks.yaml").write_text(CITY_TASKS, "utf-8")
    (folder / "data" / "departments.yaml").write_text(CITY_UNITS, "utf-8")
    (folder / "data" / "config.yaml").write_text(
        "reports: {publication: 淄博市重点工作简报, issuer: 市发改委,"
        " addressees: 各区县人民政府，市政府有关部门}\n",
        "utf-8",
    )
    (folder / "data" / "crosswalk.yaml").write_text(crosswalk, "utf-8")
    return folder
