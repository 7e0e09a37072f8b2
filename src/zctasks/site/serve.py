"""``zctasks serve``: the site on 127.0.0.1, rebuilt when the ledger's files change.

A thin layer over ``build``: each rebuild writes a whole new site into a private temporary
folder and the server switches to it only when it is complete, so a reader never sees half
a site. The server answers GET and HEAD only, and only to requests for 127.0.0.1 or
localhost; nothing it does writes to the ledger (a batch a killed writer left is reported,
not completed). While the ledger has errors, the last good pages say they may be stale. The
ledger's ``data/`` folder is watched (the folder, not the files: editors and git replace
files), natively where the system allows and by polling on network shares or when asked.
"""

from __future__ import annotations

import html
import io
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from zctasks.files.errors import ZctasksError

HOST = "127.0.0.1"
NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "fuse.sshfs",
        "davfs",
        "fuse.davfs2",
        "afs",
        "ncpfs",
        "fuse.rclone",
        "virtiofs",
    }
)
IGNORED_NAMES = (".zctasks.lock",)


def file_system(path: Path) -> str:
    """The type of the file system ``path`` lies on (from /proc/mounts), or ""."""
    try:
        mounts = Path("/proc/mounts").read_text("utf-8").splitlines()
    except OSError:
        return ""
    resolved = str(path.resolve())
    best, kind = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, parts[2]
    return kind


def needs_polling(path: Path) -> bool:
    return file_system(path) in NETWORK_FILE_SYSTEMS


ALLOWED_HOSTS = frozenset({"127.0.0.1", "localhost"})
"""The names a request may give in its Host header: a page of another site that has its
name resolve to 127.0.0.1 (DNS rebinding) sends its own, and is refused."""
STALE = (
    "台账现有错误，本页是出错前最后一次生成的内容，可能已过期；"
    "错误列在运行 zctasks serve 的窗口中（或运行 zctasks check 查看），改正后页面自动重建。"
)
PENDING = (
    "台账中有一批被中断的写入尚未补完（{folders}），本页按现有文件显示，可能缺少这批记录；"
    "运行 zctasks check 即可补完（本服务只读，不会补完）。"
)


class _Handler(SimpleHTTPRequestHandler):
    """Files of the current site; GET and HEAD only, asked for by the name 127.0.0.1 or
    localhost; while the ledger has errors or a pending batch, every page says so."""

    server_version = "zctasks"
    sys_version = ""

    def __init__(self, *args: Any, state: Server, **kwargs: Any) -> None:
        self.state = state
        self.allow = False
        super().__init__(*args, directory=str(state.current()), **kwargs)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.command not in ("GET", "HEAD"):
            self.allow = True
            self.send_error(
                HTTPStatus.METHOD_NOT_ALLOWED, None, "本服务只读：只接受 GET 和 HEAD 请求"
            )
            return False
        host = self.headers.get("Host")
        if host is not None and not self.state.host_allowed(host):
            self.send_error(
                HTTPStatus.FORBIDDEN, None, "只接受以 127.0.0.1 或 localhost 访问本服务的请求"
            )
            return False
        return True

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.allow:
            self.send_header("Allow", "GET, HEAD")
        super().end_headers()

    def send_head(self) -> Any:
        path = unquote(urlsplit(self.path).path, errors="surrogatepass")
        if "\x00" in path:
            self.send_error(HTTPStatus.BAD_REQUEST, None, "路径中有空字符")
            return None
        try:
            banner = self.state.banner()
            if banner:
                page = self._page(path)
                if page is not None:
                    return self._with_banner(page, banner)
            return super().send_head()
        except (OSError, ValueError):
            self.send_error(HTTPStatus.NOT_FOUND, None, "没有这个页面")
            return None

    def _page(self, path: str) -> Path | None:
        """The HTML file a request names, or None (for anything else)."""
        local = Path(self.translate_path(self.path))
        if path.endswith("/"):
            local = local / "index.html"
        return local if local.suffix == ".html" and local.is_file() else None

    def _with_banner(self, page: Path, banner: bytes) -> io.BytesIO:
        body = page.read_bytes()
        at = body.find(b'<header class="top">')
        body = body[:at] + banner + body[at:] if at >= 0 else banner + body
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _HTTPServer(ThreadingHTTPServer):
    report: Callable[[str], None] = staticmethod(lambda text: None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback: a request that failed fails alone."""
        error = sys.exc_info()[1]
        self.report(f"处理一个请求时出错：{error!r}")


def _relevant(name: str) -> bool:
    """Whether a change to a file of this name may change the pages (the lock does not)."""
    return name not in IGNORED_NAMES and not name.startswith(".zctasks-")


def _to_stderr(text: str) -> None:
    sys.stderr.write(text + "\n")


class Server:
    """Build, serve, watch, rebuild. ``start`` returns once the first site is served."""

    def __init__(
        self,
        root: Path,
        as_of: date | None,
        port: int = 8000,
        poll: bool | None = None,
        report: Callable[[str], None] | None = None,
        explain: Callable[[ZctasksError], str] | None = None,
    ) -> None:
        self.root = root
        self.as_of = as_of
        self.port = port
        self.poll = needs_polling(root / "data") if poll is None else poll
        self.report = report or _to_stderr
        self.explain = explain or (lambda exc: f"错误：{exc.message}")
        self._base = Path(tempfile.mkdtemp(prefix="zctasks-serve-"))
        self._current: Path | None = None
        self._builds = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._notices: list[str] = []
        self._built_from: list[tuple[str, int, int]] = []

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://{HOST}:{self._httpd.server_address[1]}/"

    def current(self) -> Path:
        with self._lock:
            assert self._current is not None
            return self._current

    def banner(self) -> bytes:
        """What every page says above its title: that it is stale, or a batch is pending."""
        with self._lock:
            notices = list(self._notices)
        return "".join(
            f'<p class="stale" role="alert">{html.escape(notice)}</p>\n' for notice in notices
        ).encode("utf-8")

    def host_allowed(self, host: str) -> bool:
        """Whether a Host header names this server: 127.0.0.1 or localhost, with its port
        or none."""
        assert self._httpd is not None
        name, colon, port = host.strip().rpartition(":")
        if not colon or not port.isdigit():
            name, port = host.strip(), ""
        ours = str(self._httpd.server_address[1])
        return name.casefold() in ALLOWED_HOSTS and port in ("", ours)

    def rebuild(self) -> bool:
        """A new site from the ledger as it now is, read without writing (a batch a killed
        writer left is not completed, only reported); on an invalid ledger the last good
        site stays served, marked stale, and the problems are reported."""
        from zctasks.files.writer import reading_only
        from zctasks.judge.schedule import default_as_of
        from zctasks.load.loading import load_ledger, load_progress
        from zctasks.site.build import build_site

        self._built_from = self._files()
        try:
            with reading_only() as pending:
                ledger = load_ledger(self.root)
                progress = load_progress(ledger)
                self._builds += 1
                folder = self._base / str(self._builds)
                built = build_site(
                    ledger, progress, self.as_of or default_as_of(ledger), folder, serving=True
                )
        except ZctasksError as exc:
            if self._current is None:
                raise
            with self._lock:
                self._notices = [STALE]
            self.report(
                f"{self.explain(exc)}\n台账有错误，仍显示上次生成的页面（页面上已标明可能过期）。"
            )
            return False
        for warning in built.warnings:
            self.report(f"注意：{warning}")
        folders = "、".join(dict.fromkeys(p.relative_to(self.root).as_posix() for p in pending))
        if folders:
            self.report(f"注意：{PENDING.format(folders=folders)}")
        with self._lock:
            old, self._current = self._current, folder
            self._notices = [PENDING.format(folders=folders)] if folders else []
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return True

    def start(self) -> None:
        self.rebuild()
        handler = partial(_Handler, state=self)
        self._httpd = _HTTPServer((HOST, self.port), handler)
        self._httpd.report = self.report
        serving = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        watching = threading.Thread(target=self._watch, daemon=True)
        self._threads = [serving, watching]
        serving.start()
        watching.start()

    def _folders(self) -> list[str]:
        folders = [str(self.root / "data")]
        if (self.root / "templates").is_dir():
            folders.append(str(self.root / "templates"))
        return folders

    def _files(self) -> list[tuple[str, int, int]]:
        """What the watched folders hold, each file by path, modification time and size."""
        found = []
        for folder in self._folders():
            for parent, _, names in os.walk(folder):
                for name in names:
                    if _relevant(name):
                        path = os.path.join(parent, name)
                        try:
                            info = os.stat(path)
                        except OSError:
                            continue
                        found.append((path, info.st_mtime_ns, info.st_size))
        return sorted(found)

    def _watch(self) -> None:
        """Rebuild on every change the watch reports, and whenever the files differ from
        those the pages were built from — which finds a change made before the watch began
        (and any the watch lost) within a second."""
        from watchfiles import watch

        def relevant(_change: Any, path: str) -> bool:
            return _relevant(Path(path).name)

        polling = self.poll
        while not self._stop.is_set():
            try:
                for changes in watch(
                    *self._folders(),
                    watch_filter=relevant,
                    stop_event=self._stop,
                    force_polling=polling,
                    poll_delay_ms=500,
                    debounce=300,
                    rust_timeout=1000,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                ):
                    if not changes and self._files() == self._built_from:
                        continue
                    if self.rebuild():
                        self.report("台账已改动，页面已重建。")
                return
            except (OSError, RuntimeError) as exc:
                if polling:
                    self.report(f"无法监视台账目录：{exc}")
                    return
                self.report(f"无法直接监视台账目录（{exc}），改为定时检查。")
                polling = True

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        shutil.rmtree(self._base, ignore_errors=True)
