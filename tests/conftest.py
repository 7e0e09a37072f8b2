from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zctasks.cli import app

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "zichuan-2023-key-tasks.txt"

TASKS = """\
plan:
  title: 测试计划
  doc_number: 测政办字〔2023〕1号
  issuer: 测试区人民政府办公室
  issued: 2023-07-03
  period: {start: 2023-01-01, end: 2023-12-31}
chapters:
  - {id: 1, title: 科技创新}
  - {id: 2, title: 绿色发展}
tasks:
  - id: 1
    chapter: 1
    title: 建设创新平台
    text: 力争新增市级以上创新平台10家以上，新增2—3家省级平台。
    attribution: 区科技局牵头，区发改局等部门配合
    lead: [区科技局]
    cooperate: [区发改局]
    and_others: cooperate
    targets:
      - {id: "1.1", name: 新增市级以上创新平台, op: ">=", value: 10, unit: 家, firm: false, quote: 力争新增市级以上创新平台10家以上}
      - {id: "1.2", name: 新增省级平台, op: between, value: 2, max: 3, unit: 家}
  - id: 2
    chapter: 2
    title: 节约用水
    text: 全区年度用水总量控制在8000万立方米之内。
    attribution: 区水利局负责
    responsible: [区水利局]
    targets:
      - {id: "2.1", name: 年度用水总量, op: "<=", value: 8000, unit: 万立方米}
  - id: 3
    chapter: 2
    title: 推进产业协同
    text: 抓好重大产业攻关项目实施。
    attribution: 区发改局牵头，区有关部门配合
    lead: [区发改局]
    cooperate: [区有关部门]
"""

DEPARTMENTS = """\
units:
  区发改局: {full_name: 淄川区发展和改革局, kind: 政府工作部门, aliases: [发改局]}
  区科技局: {full_name: 淄川区科学技术局, kind: 政府工作部门, aliases: [科技局]}
  区水利局: {kind: 政府工作部门}
placeholders: [区有关部门]
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache and working folder, and never finds a ledger by accident
    (the repository itself is a ledger)."""
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.delenv("ZCTASKS_ROOT", raising=False)
    monkeypatch.delenv("ZCTASKS_NO_CACHE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # git hooks call `zctasks` from the PATH, as on a user's machine with the tool installed
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])


MakeLedger = Callable[..., Path]

AT = "2023-07-14T10:30:00.000+08:00"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry ids end in a random suffix and carry the moment of recording; fix both so that
    files can be compared exactly."""
    from datetime import datetime

    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "abc123")
    monkeypatch.setattr("zctasks.log.recording.recorded_at", lambda: datetime.fromisoformat(AT))


@pytest.fixture
def make_ledger(tmp_path: Path) -> MakeLedger:
    """Write a ledger folder from inline YAML (the small sample by default)."""

    def make(tasks: str | bytes = TASKS, departments: str | bytes = DEPARTMENTS) -> Path:
        data = tmp_path / "ledger" / "data"
        data.mkdir(parents=True, exist_ok=True)
        for name, content in (("tasks.yaml", tasks), ("departments.yaml", departments)):
            if isinstance(content, str):
                content = textwrap.dedent(content).encode()
            (data / name).write_bytes(content)
        return data.parent

    return make


class Run:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr


@pytest.fixture
def zc() -> Callable[..., Run]:
    """Run the CLI in-process: zc("list", "--dept", "区发改局", root=path)."""
    runner = CliRunner()

    def run(*args: str, root: Path | None = None) -> Run:
        argv = (["--root", str(root)] if root is not None else []) + list(args)
        result = runner.invoke(app, argv, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


# Three reports at 2023-07-31 (序时进度 58.1%): task 1 behind, task 2 stale, task 3 on track.
REPORTS = [
    "1 --by 区科技局 --date 2023-07-20 --value 1.1=4 --value 1.2=2 --note 新增平台4家 --next 推进平台认定",
    "2 --by 区水利局 --date 2023-06-10 --value 2.1=3000 --note 用水3000万立方米",
    "3 --by 区发改局 --date 2023-07-25 --note 召开推进会 --source 会议纪要",
]


@pytest.fixture
def reported(zc: Callable[..., Run], make_ledger: MakeLedger) -> Path:
    """The sample ledger with the three reports above."""
    root = make_ledger()
    for line in REPORTS:
        result = zc("progress", "add", *line.split(), root=root)
        assert result.exit_code == 0, result.stderr
    return root


@pytest.fixture
def one_entry(zc: Callable[..., Run], make_ledger: MakeLedger) -> Path:
    """The sample ledger with one report in data/progress/2023-07.yaml."""
    root = make_ledger()
    result = zc(
        "progress",
        "add",
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-10",
        "--note",
        "已有",
        root=root,
    )
    assert result.exit_code == 0, result.stderr
    return root


def add_process(
    root: Path, day: str, note: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`zctasks progress add` for task 1 by 区科技局 in a separate process."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zctasks",
            "--root",
            str(root),
            "progress",
            "add",
            "1",
            "--by",
            "区科技局",
            "--date",
            day,
            "--note",
            note,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env or dict(os.environ),
    )


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def git_identity(monkeypatch):
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "分析员")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "analyst@example.org")


@pytest.fixture
def git_ledger(zc, tmp_path, git_identity):
    root = tmp_path / "台账"
    assert zc("init", str(root)).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始化台账")
    return root
