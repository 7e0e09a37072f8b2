"""The one size limit for everything zctasks reads or produces, and a reader that keeps to it.

Every input — the plan, the units, the config, a month of progress, a department's batch,
a document to import, a template — and every report is at most ``MAX_BYTES``. A file is
never read whole to find out that it is too large: a regular file's size is asked first,
a pipe or a device is refused unread (it could hang the command).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from zctasks.files.errors import Diagnostic, NotAFile, ZctasksError

MAX_BYTES = 64 * 1024 * 1024
"""64 MiB: a city's five-year ledger is a few megabytes; anything larger is a wrong file."""

MAX_UNPACKED = 256 * 1024 * 1024
"""256 MiB: the most a .docx or .xlsx may unpack to, every part together (a zip bomb is
refused before anything is unpacked)."""

TEMPLATE_SECONDS = 60.0
"""How long one report's template may render; a real one takes well under a second."""

TEMPLATE_MEMORY = 1024 * 1024 * 1024
"""How much the address space may grow while a template renders (enforced on Linux)."""

_HINT = "台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查是否放错了文件"


def too_large_message(size: int | None) -> str:
    """文件过大（N 字节，上限 M 字节）, or without N where only "more than the limit" is known."""
    if size is None:
        return f"文件过大（超过上限 {MAX_BYTES} 字节）"
    return f"文件过大（{size} 字节，上限 {MAX_BYTES} 字节）"


class InputTooLarge(ZctasksError):
    """A file over the limit; ``diagnostic()`` gives the located form ``check`` prints."""

    def __init__(self, name: str, size: int | None) -> None:
        super().__init__(f"{name}：{too_large_message(size)}", _HINT)
        self.name = name
        self.size = size

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.name, 1, 1, "too-large", too_large_message(self.size), _HINT)


def size_problem(name: str, raw: bytes) -> Diagnostic | None:
    """The ``too-large`` diagnostic for bytes already in memory, or None."""
    if len(raw) > MAX_BYTES:
        return InputTooLarge(name, len(raw)).diagnostic()
    return None


_KINDS = {
    stat.S_IFIFO: "命名管道",
    stat.S_IFCHR: "字符设备",
    stat.S_IFBLK: "块设备",
    stat.S_IFSOCK: "套接字",
}


def read_bounded(path: Path, name: str | None = None, *, inside: Path | None = None) -> bytes:
    """The bytes of ``path``, or ``InputTooLarge`` (named ``name``, default the path).

    A pipe, a device or a socket is refused with ``NotAFile`` before a byte is read (a
    pipe would hang the command); so is, with ``inside`` (the ledger's folder), a link
    that leads out of it — its target is never read, so never quoted.
    OSError (missing, unreadable, a folder) is left to the caller, which knows what it means.
    """
    shown = name or str(path)
    if inside is not None and path.is_symlink():
        try:
            path.resolve().relative_to(inside.resolve())
        except (ValueError, OSError, RuntimeError):
            raise NotAFile(
                f"{shown}：{_LINK}",
                _NOT_A_FILE_HINT,
                name=shown,
                reason=_LINK,
            ) from None
    # no O_NONBLOCK on Windows, where a pipe is no path of a file anyway
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as handle:  # builtins.open: os.fdopen is the writers' (and tests')
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "特殊文件")
            reason = f"不是普通文件（{kind}），没有读取"
            raise NotAFile(f"{shown}：{reason}", _NOT_A_FILE_HINT, name=shown, reason=reason)
        if info.st_size > MAX_BYTES:
            raise InputTooLarge(shown, info.st_size)
        # the size it has, and one byte more: a buffer of the limit would be mapped afresh
        # (and its pages faulted in) for every file read
        raw = handle.read(info.st_size + 1)
        if len(raw) > info.st_size:  # it grew since: read on, to its end or the limit
            raw += handle.read(MAX_BYTES + 1 - len(raw))
    if len(raw) > MAX_BYTES:  # a file that grew while it was read
        raise InputTooLarge(shown, None)
    return raw


_LINK = "是指向台账之外的符号链接，没有读取"
_NOT_A_FILE_HINT = "zctasks 只读普通文件：换回普通文件后重试"


def checked_zip(path: Path, raw: bytes, kind: str, max_unpacked: int) -> None:
    """Refuse a package (``kind`` .docx or .xlsx) whose parts would unpack beyond
    ``max_unpacked`` bytes, before unpacking any of them (a zip bomb, or a part of several
    gigabytes)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        program = "Word" if kind == ".docx" else "Excel"
        raise ZctasksError(
            f"{path} 不是有效的 {kind} 文件（不是 zip 压缩包）", f"请用 {program} 重新另存为 {kind}"
        ) from None
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > max_unpacked or total > max_unpacked:
            what = f"其中的 {part.filename} 解压后为 {_mib(part.file_size)}"
            if part.file_size <= max_unpacked:
                what = f"解压后合计超过 {_mib(total)}"
            raise ZctasksError(
                f"{path} {what}，超过上限 {_mib(max_unpacked)}，未读取",
                f"文件可能已损坏或嵌有超大内容；请重新另存为 {kind}，或导出为纯文本 .txt",
            )


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"
