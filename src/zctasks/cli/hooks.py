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
    """在本仓库安装检查钩子（提交、合并、变基、推送），并设置记录文件按行合并、LF 换行（每个克隆都要运行一次）。"""
    from zctasks.log.hooks import install

    done = install(_repository_root(ctx), force)
    sys.stdout.write("\n".join(done) + "\n" if done else "钩子和合并规则都已就绪，没有改动。\n")


@hooks_app.command("run")
def hooks_run(
    name: Annotated[
        str,
        typer.Argument(
            help="钩子名：pre-commit、pre-merge-commit、pre-applypatch、post-merge、post-rewrite 或 pre-push。"
        ),
    ],
    arguments: Annotated[
        list[str] | None, typer.Argument(help="git 传给钩子的参数。", show_default=False)
    ] = None,
) -> None:
    """由 git 钩子调用：检查要提交的改动（记录只追加、无冲突标记、无临时文件）和仓库中的台账；合并、变基之后和推送之前检查历史。"""
    from pathlib import Path

    from zctasks.files.errors import UsageError
    from zctasks.log.hooks import CHECKS_HISTORY, HOOKS

    if name not in HOOKS:
        raise UsageError(f"未知钩子“{name}”", "可用：" + "、".join(HOOKS))
    stdin = sys.stdin.read() if name in CHECKS_HISTORY and name != "post-merge" else ""
    code = run(name, stdin, Path.cwd(), arguments or [])
    if code:
        raise typer.Exit(code)


def run(name: str, stdin: str, cwd: Path, arguments: list[str]) -> int:
    """What a hook does, in the repository being worked on (never $ZCTASKS_ROOT)."""
    from zctasks.files import gitops
    from zctasks.files.errors import UsageError, ZctasksError
    from zctasks.load import loading
    from zctasks.log.hooks import (
        CHECKS_STAGED,
        LOG_PATHSPECS,
        history_message,
        history_problems,
        ledger_prefixes,
        merge_rule_problems,
        revisions_of,
        staged_problems,
        tip_problems,
        tips_of,
    )

    top = gitops.toplevel(cwd)
    if top is None:
        raise UsageError("不在 git 仓库中，钩子无事可查")
    if name in CHECKS_STAGED:
        lines = []
        for prefix in ledger_prefixes(top):
            lines += [f"- {p}" for p in staged_problems(top, prefix)]
            try:
                result = loading.check(top / prefix)
            except ZctasksError as exc:
                lines.append(f"- {exc.message}" + (f"（{exc.hint}）" if exc.hint else ""))
                continue
            if result.ledger is not None:
                from zctasks.scoring.reading import check_scoring

                result = result._replace(
                    diagnostics=result.diagnostics + check_scoring(result.ledger, top / prefix)
                )
            lines += [d.render() for d in result.errors + merge_rule_problems(top / prefix)]
        merging = gitops.verify(top, "MERGE_HEAD")
        tree = gitops.index_tree(top) if merging else None
        if merging and tree:  # a merge resolved by hand may drop the other side's lines
            lines += [f"- {r.text()}" for r in tip_problems(top, merging, tree, "合并结果")]
        if lines:
            sys.stderr.write(f"zctasks（{name}）：提交被拒绝。\n" + "\n".join(lines) + "\n")
            return 1
        return 0
    rewrites = [
        rewrite
        for revisions in revisions_of(top, name, stdin)
        for rewrite in history_problems(top, revisions, LOG_PATHSPECS)
    ]
    rewrites += [
        rewrite
        for old, new, why in tips_of(top, name, stdin, arguments)
        for rewrite in tip_problems(top, old, new, why)
    ]
    if rewrites:
        sys.stderr.write(history_message(name, rewrites) + "\n")
        return 1
    return 0
