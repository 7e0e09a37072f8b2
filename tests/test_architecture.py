"""The house: the folder list reads as the data flow, imports point down it, no circles.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter builds the import
graph from every import statement, those inside functions included (the lazy imports that
keep start-up fast are dependencies like any other).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "zctasks"
STAGES = [
    "files",
    "plan",
    "log",
    "load",
    "judge",
    "scoring",
    "documents",
    "rollup",
    "intake",
    "importer",
    "scaffold",
    "site",
    "cli",
]


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    """Run the project's contracts over the package found under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))",
            str(REPO / "pyproject.toml"),
        ],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_folder_list_is_the_stages_of_the_flow():
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert packages == sorted(STAGES)
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_in_two_lines_what_it_takes_and_gives(stage):
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text("utf-8")))
    assert doc is not None
    summary = doc.split("\n\n")[0].split("\n")
    assert len(summary) == 2, summary
    assert "Takes" in doc.split("\n\n")[0] and "gives" in doc.split("\n\n")[0]


def test_imports_point_down_the_flow_with_no_circles(tmp_path):
    result = _lint(REPO / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in ("stages", "acyclic", "no-cli-below", "plain-core"):
        assert "BROKEN" not in result.stdout, contract
    assert result.stdout.count("KEPT") == 4


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # an upward import, even a lazy one inside a function
        ("plan/queries.py", "    from zctasks.judge import views", "The stages import down"),
        # a circle inside a stage
        ("log/store.py", "    from zctasks.log import crosschecks", "No import circles"),
        # the core reaching for the terminal
        ("judge/schedule.py", "    import rich.console", "never imports rich"),
    ],
)
def test_the_contracts_catch_what_they_forbid(tmp_path, module, line, broken):
    copy = tmp_path / "src" / "zctasks"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / module, "a", encoding="utf-8") as handle:
        handle.write(f"\n\ndef _mutant() -> None:\n{line}\n")
    result = _lint(tmp_path / "src")
    assert result.returncode == 1, result.stdout
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
