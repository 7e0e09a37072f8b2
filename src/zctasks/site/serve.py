"""``zctasks serve``: the site on 127.0.0.1, rebuilt when the ledger's files change.

A thin layer over ``build``: each rebuild writes a whole new site into a private temporary
folder and the server switches to it only when it is complete, so a reader never sees half
a site. The server answers GET and HEAD only; nothing it does writes to the ledger. The
ledger's ``data/`` folder is watched (the folder, not the files: editors and git replace
files), natively where the system allows and by polling on network shares or when asked.
"""

from __future__ import annotations

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


class _Handler(SimpleHTTPRequestHandler):
    """Files of the current site; GET and HEAD only."""

    server_version = "zctasks"
    sys_version = ""

    def __init__(self, *args: Any, site: Callable[[], Path], **kwargs: Any) -> None:
        super().__init__(*args, directory=str(site()), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _refuse(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only: this server never writes")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """Build, serve, watch, rebuild. ``start`` returns once the first site is served."""

    def __init__(
        self,
        root: Path,
        as_of: date | None,
        port: int = 8000,
        poll: bool | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root
        self.as_of = as_of
        self.port = port
        self.poll = needs_polling(root / "data") if poll is None else poll
        self.report = report or (lambda text: sys.stderr.write(text + "\n"))
        self._base = Path(tempfile.mkdtemp(prefix="zctasks-serve-"))
        self._current: Path | None = None
        self._builds = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://{HOST}:{self._httpd.server_address[1]}/"

    def current(self) -> Path:
        with self._lock:
            assert self._current is not None
            return self._current

    def rebuild(self) -> bool:
        """A new site from the ledger as it now is; on an invalid ledger the last good site
        stays served and the problems are reported."""
        from zctasks.judge.schedule import default_as_of
        from zctasks.load.loading import load_ledger, load_progress
        from zctasks.site.build import build_site

        try:
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
            self.report(f"台账有错误，仍显示上次生成的页面：{exc.message}")
            return False
        for warning in built.warnings:
            self.report(f"注意：{warning}")
        with self._lock:
            old, self._current = self._current, folder
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return True

    def start(self) -> None:
        self.rebuild()
        handler = partial(_Handler, site=self.current)
        self._httpd = ThreadingHTTPServer((HOST, self.port), handler)
        serving = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        watching = threading.Thread(target=self._watch, daemon=True)
        self._threads = [serving, watching]
        serving.start()
        watching.start()

    def _watch(self) -> None:
        from watchfiles import watch

        folders = [str(self.root / "data")]
        if (self.root / "templates").is_dir():
            folders.append(str(self.root / "templates"))

        def relevant(_change: Any, path: str) -> bool:
            name = Path(path).name
            return name not in IGNORED_NAMES and not name.startswith(".zctasks-")

        polling = self.poll
        while not self._stop.is_set():
            try:
                for _ in watch(
                    *folders,
                    watch_filter=relevant,
                    stop_event=self._stop,
                    force_polling=polling,
                    poll_delay_ms=500,
                    debounce=300,
                    rust_timeout=1000,
                    yield_on_timeout=False,
                    raise_interrupt=False,
                ):
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
