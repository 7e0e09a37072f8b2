"""`zctasks hooks`: the git hooks that keep a ledger repository's progress append-only."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from zctasks.cli.app import _state, app

hooks_app = typer.Typer(
    help="安装和运行 git 钩子：进展记录只能追加，合并不留冲突标记，提交前检查台账。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(hooks_app, name="hooks")


def _repository_root(ctx: typer.Context) -> Path:
    from zctasks.files.errors import UsageError

    root = _state(ctx).root()
    if root.bundled:
        raise UsageError("当前目录不是台账", "在台账目录中运行，或加 --root 目录")
    return Path(root.path)


@hooks_app.command("install")
def hooks_install(
    ctx: typer.Context,
    force: Annotated[
        bool, typer.Option("--force", help="覆盖已有的其他钩子（原文件另存为 .orig）。")
    ] = False,
) -> None:
    """在本仓库安装 pre-commit 和 pre-merge-commit 钩子，并设置进展文件按行合并（每个克隆都要运行一次）。"""
    from zctasks.log.hooks import install

    done = install(_repository_root(ctx), force)
    sys.stdout.write("\n".join(done) + "\n" if done else "钩子和合并规则都已就绪，没有改动。\n")


@hooks_app.command("run")
def hooks_run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="钩子名：pre-commit 或 pre-merge-commit。")],
) -> None:
    """由 git 钩子调用：检查暂存的改动（只追加进展、无冲突标记）和整个台账。"""
    from zctasks.files.errors import UsageError
    from zctasks.load import loading
    from zctasks.log.hooks import HOOKS, staged_problems

    if name not in HOOKS:
        raise UsageError(f"未知钩子“{name}”", "可用：" + "、".join(HOOKS))
    root = _repository_root(ctx)
    problems = staged_problems(root)
    result = loading.check(root)
    if result.ledger is not None:
        from zctasks.scoring.reading import check_scoring

        result = result._replace(
            diagnostics=result.diagnostics + check_scoring(result.ledger, root)
        )
    lines = [f"zctasks（{name}）：提交被拒绝。"] if problems or result.errors else []
    lines += [f"- {problem}" for problem in problems]
    lines += [d.render() for d in result.errors]
    if lines:
        sys.stderr.write("\n".join(lines) + "\n")
        raise typer.Exit(1)
