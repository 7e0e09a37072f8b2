"""`zctasks site` and `zctasks serve`: the leader's view."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from zctasks.cli.app import AsOfOption, _state, app, as_of_day


@app.command("site")
def site_command(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="网站目录（新目录，或此前生成的网站目录）。"),
    ],
    as_of: AsOfOption = None,
) -> None:
    """生成静态网站：总览、作战图、每项任务和每个单位一页、离线搜索；可直接打开，也可放在任何网页服务器上。"""
    from zctasks.judge.schedule import default_as_of
    from zctasks.site.build import build_site

    state = _state(ctx)
    ledger = state.ledger()
    day = as_of_day(ledger, as_of) if as_of else default_as_of(ledger)
    built = build_site(ledger, state.progress(ledger), day, output)
    for warning in built.warnings:
        sys.stderr.write(f"注意：{warning}\n")
    size = built.bytes / 1024 / 1024
    sys.stderr.write(
        f"已生成网站 {output}（{built.pages} 个页面，{size:.1f} MB），打开 {output / 'index.html'}\n"
    )


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    port: Annotated[
        int, typer.Option("--port", "-p", help="端口（只在本机 127.0.0.1 上提供）。")
    ] = 8000,
    poll: Annotated[
        bool | None,
        typer.Option(
            "--poll/--no-poll",
            help="定时检查台账文件的改动（网络共享目录自动使用）；默认由系统通知。",
            show_default=False,
        ),
    ] = None,
) -> None:
    """在本机（127.0.0.1）浏览网站，只读：从不写入台账；台账文件改动后自动重建页面。"""
    import signal
    import time

    from zctasks.cli.app import error_text
    from zctasks.files.errors import UsageError
    from zctasks.site.serve import Server

    state = _state(ctx)
    ledger = state.ledger()
    day = as_of_day(ledger, as_of) if as_of else None
    if not 0 <= port <= 65535:
        raise UsageError(f"端口 {port} 无效", "写 1024 到 65535 之间的数，如 --port 8000")

    def ended(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # through the finally below: the temporary goes

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), ended)
    server = Server(ledger.root, day, port, poll, explain=error_text)
    try:
        try:
            server.start()
        except OSError as exc:
            raise UsageError(
                f"无法在端口 {port} 上提供服务：{exc.strerror or exc}",
                "换一个端口，如 --port 8001",
            ) from None
        watch = "定时检查" if server.poll else "监视"
        sys.stderr.write(
            f"正在提供 {server.url}（只读，不写入台账；{watch} {ledger.root / 'data'} 的改动）。按 Ctrl+C 结束。\n"
        )
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
