"""The application object, its error handling and what every command shares.

Heavy libraries are imported inside the commands that need them, so that
``zctasks list`` starts fast; see tests/test_cli_basics.py.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from zctasks import __version__
from zctasks.cli.output import TableFormat, diagnostic_text
from zctasks.files.errors import LedgerInvalid, UsageError, ZctasksError
from zctasks.judge.views import visible
from zctasks.plan.ledger import Ledger

MAX_SHOWN_PROBLEMS = 20

COMMAND_MODULES = {
    "list": "query",
    "show": "query",
    "depts": "query",
    "chapters": "query",
    "check": "query",
    "schema": "query",
    "status": "status",
    "site": "site",
    "serve": "site",
    "template": "template",
    "init": "plan",
    "import": "plan",
    "report": "report",
    "score": "score",
    "urge": "urge",
    "briefing": "urge",
    "progress": "progress",
    "rollup": "rollup",
    "hooks": "hooks",
}
"""Every command, in the order ``--help`` lists it, and the module of ``zctasks.cli`` that
defines it. A command's module is imported only when that command runs (or for help)."""


class _Group(TyperGroup):
    """Loads a command's module when the command is asked for; turns every ZctasksError
    into a message on stderr and its exit code, a usage error into a Chinese one, and a
    closed pipe into the quiet end other command-line tools have."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        from zctasks.cli.chinese import Context

        self.context_class = Context
        return super().make_context(*args, **kwargs)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from zctasks.cli.chinese import use_chinese

        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            self._load(COMMAND_MODULES[cmd_name], cmd_name)
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            use_chinese(command)
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        for module in dict.fromkeys(COMMAND_MODULES.values()):
            self._load(module)
        return [name for name in COMMAND_MODULES if name in self.commands]

    def _load(self, module: str, only: str | None = None) -> None:
        """Import a command module (it registers its commands on ``app``) and add what it
        registered — or only the command ``only`` — built as typer builds every command
        (building one costs typer more than importing its module)."""
        import importlib

        from typer.main import get_command_from_info, get_group_from_info

        importlib.import_module(f"zctasks.cli.{module}")
        for info in app.registered_commands:
            if info.name not in self.commands and only in (None, info.name):
                self.commands[str(info.name)] = get_command_from_info(
                    info,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )
        for group in app.registered_groups:
            if group.name not in self.commands and only in (None, group.name):
                self.commands[str(group.name)] = get_group_from_info(
                    group,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    suggest_commands=app.suggest_commands,
                    rich_markup_mode=app.rich_markup_mode,
                )

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run; a usage error (a missing option, a value that is not one) is said here, in
        Chinese, instead of by the library."""
        from typer._click import exceptions as errors

        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            if not standalone:
                return super().main(*args, **kwargs)
            try:
                code = super().main(*args, **kwargs)
            except errors.ClickException as exc:
                _usage_error(exc)
                sys.exit(exc.exit_code)
            except typer.Abort:
                sys.stderr.write("已中止。\n")
                sys.exit(1)
            sys.exit(code if isinstance(code, int) else 0)
        except BrokenPipeError:
            _closed_pipe()
        finally:
            # What is still buffered is written now, not at interpreter exit, where a closed
            # pipe could only be reported as "Exception ignored … BrokenPipeError". Click
            # wraps stdout in a PacifyFlushWrapper when the pipe closed while it parsed
            # options (a long --help).
            if type(sys.stdout).__name__ == "PacifyFlushWrapper":
                _closed_pipe()
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                _closed_pipe()

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _closed_pipe()
        except ZctasksError as exc:
            _report(exc)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # a folder that cannot be made, a path that is a file …
            where = f"：{exc.filename}" if exc.filename else ""
            _report(ZctasksError(f"文件操作失败（{exc.strerror or exc}）{where}", "检查路径和权限"))
            raise typer.Exit(1) from None


def _usage_error(exc: Any) -> None:
    """错误：… and how to get help, for what the user typed wrong."""
    from typer._click.exceptions import NoArgsIsHelpError

    from zctasks.cli.chinese import full_stop, usage_error

    if isinstance(exc, NoArgsIsHelpError):
        sys.stderr.write(exc.format_message() + "\n")
        return
    lines = [f"错误：{visible(full_stop(usage_error(exc)))}"]
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        lines.append(f"提示：运行 {ctx.command_path} -h 查看用法")
    sys.stderr.write("\n".join(lines) + "\n")


def _closed_pipe() -> NoReturn:
    """End as cat or grep do when their reader has gone (``zctasks status | head``): no
    message, killed by SIGPIPE (status 141 in a shell). Everything recorded was written
    before the output that failed."""
    import os
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    os._exit(1)  # no SIGPIPE (Windows)


def _report(exc: ZctasksError) -> None:
    """The message, the problems and the hint on stderr; user text in them shown escaped."""
    sys.stderr.write(error_text(exc) + "\n")


def error_text(exc: ZctasksError) -> str:
    """What ``_report`` prints: the message, each problem as ``check`` shows it, the hint."""
    lines = [f"错误：{visible(exc.message)}"]
    for message, hint in getattr(exc, "problems", []):
        lines.append(f"  {visible(message)}")
        if hint:
            lines.append(f"    提示：{visible(hint)}")
    if isinstance(exc, LedgerInvalid):
        shown = exc.diagnostics[:MAX_SHOWN_PROBLEMS]
        lines += [diagnostic_text(d) for d in shown]
        if len(exc.diagnostics) > len(shown):
            lines.append(f"……另有 {len(exc.diagnostics) - len(shown)} 处问题")
    if exc.hint:
        lines.append(f"提示：{visible(exc.hint)}")
    return "\n".join(lines)


app = typer.Typer(
    name="zctasks",
    cls=_Group,
    help="重点工作任务台账：查询任务、记录进展、按序时进度亮灯、生成简报与台账、导入新一年的计划。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Role(StrEnum):
    lead = "lead"
    cooperate = "cooperate"
    responsible = "responsible"


class TextFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class Light(StrEnum):
    done = "done"
    green = "green"
    yellow = "yellow"
    red = "red"
    grey = "grey"


class State:
    """What every command shares: the ledger root, found and loaded only when needed."""

    def __init__(self, root: Path | None) -> None:
        self.explicit_root = root

    def root(self) -> Any:
        from zctasks.files.root import find_root

        return find_root(self.explicit_root)

    def ledger(self) -> Ledger:
        from zctasks.load.loading import load_ledger

        return load_ledger(self.root().path)

    def progress(self, ledger: Ledger) -> Any:
        from zctasks.load.loading import load_progress

        return load_progress(ledger)

    def ledger_with_progress(self) -> Ledger:
        """The plan of a ledger that records progress: the bundled plan has none, and lights
        from it would call every task 未报送."""
        if self.root().bundled:
            raise UsageError(
                "没有找到台账：当前目录及其上级目录中没有 data/tasks.yaml，"
                "随程序附带的 2023 年计划没有进展记录，无法亮灯",
                "进入台账目录再运行，或用 --root 指定台账目录；新建台账用 zctasks init 目录",
            )
        return self.ledger()

    def status(self, ledger: Ledger, tasks: list[Any], as_of: str | None) -> Any:
        from zctasks.judge.schedule import default_as_of, status_report

        day = as_of_day(ledger, as_of) if as_of else default_as_of(ledger)
        return status_report(ledger, self.progress(ledger), tasks, day)

    def writable_root(self) -> Path:
        """The ledger folder, refusing the read-only bundled plan."""
        from zctasks.files.writer import ReadOnlyLedger

        root = self.root()
        if root.bundled:
            raise ReadOnlyLedger(
                "随程序附带的 2023 年计划是只读的，不能写入进展",
                "先用 zctasks init 目录 新建台账，再在该目录中运行（或加 --root 目录）",
            )
        return Path(root.path)


def parse_day(text: str, option: str) -> Any:
    """A day typed in any accepted form (2023-07-31, 2023/7/31, 2023年7月31日)."""
    from zctasks.log.inputs import DAY_FORMS
    from zctasks.log.inputs import parse_day as read_day

    day = read_day(text)
    if day is None:
        raise UsageError(f"{option} 的日期“{text}”无效", f"日期写作 {DAY_FORMS}")
    return day


def as_of_day(ledger: Ledger, text: str) -> Any:
    """The --as-of date; one outside the plan period is used as given, with a warning."""
    from zctasks.judge.views import long_date

    day = parse_day(text, "--as-of")
    period = ledger.plan.period
    if not period.start <= day <= period.end:
        edge = "0%" if day < period.start else "100%"
        warn(
            f"--as-of {day} 不在计划期（{long_date(period.start)}至{long_date(period.end)}）内，"
            f"序时进度按 {edge} 计"
        )
    return day


def warn(message: str) -> None:
    sys.stderr.write(f"注意：{message}\n")


def _light_name(light: str) -> str:
    from zctasks.judge.schedule import LIGHT_NAMES

    return LIGHT_NAMES[light]  # type: ignore[index]


def _state(ctx: typer.Context) -> State:
    state = ctx.find_object(State)
    return state if state is not None else State(None)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"zctasks {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="台账目录（含 data/tasks.yaml）；默认依次为 $ZCTASKS_ROOT、"
            "当前目录及其上级目录、随程序附带的 2023 年计划。",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出。")
    ] = False,
) -> None:
    ctx.obj = State(root)


def _complete_unit(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        ledger = _state(ctx).ledger()
    except ZctasksError:
        return []
    return [
        (name, unit.full_name or unit.kind)
        for name, unit in ledger.units.items()
        if incomplete in name or any(incomplete in a for a in unit.aliases)
    ]


def _complete_task(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        ledger = _state(ctx).ledger()
    except ZctasksError:
        return []
    return [(str(i), t.title) for i, t in ledger.tasks.items() if str(i).startswith(incomplete)]


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="以哪一天为准计算序时进度（YYYY-MM-DD）；默认今天，限定在计划期内。",
        show_default=False,
    ),
]
FormatOption = Annotated[
    TableFormat,
    typer.Option("--format", "-f", help="输出格式：table 表格、json、csv、md（Markdown）。"),
]
