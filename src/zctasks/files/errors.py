"""Problems as values: a ledger is checked in full and every problem is reported."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning"]
Path_ = tuple[str | int, ...]
"""Where a value stands in a parsed file: keys and list positions from the top."""


class Diagnostic(NamedTuple):
    """One problem in a ledger file, located where the user can find it."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    cell: str = ""
    """In a spreadsheet: the sheet and cell (报送表!F7), shown instead of line and column."""

    def render(self) -> str:
        where = (
            f"{self.path}:{self.cell}" if self.cell else f"{self.path}:{self.line}:{self.column}"
        )
        head = f"{where}: {self.severity}[{self.code}]: {self.message}"
        return f"{head}\n  提示：{self.hint}" if self.hint else head

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class ZctasksError(Exception):
    """Base of every error the CLI turns into a one-line message and an exit code."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ZctasksError):
    """The user asked for something that cannot be: a name that does not exist, a bad option."""

    exit_code = 2


class LedgerInvalid(ZctasksError):
    """The ledger has errors; queries refuse to answer from data they cannot trust."""

    def __init__(
        self,
        diagnostics: list[Diagnostic],
        what: str = "台账数据",
        hint: str = "运行 zctasks check 查看并修正",
    ) -> None:
        """``what`` and ``hint`` name a file ``check`` does not read (a what-if file)."""
        self.diagnostics = diagnostics
        errors = sum(1 for d in diagnostics if d.severity == "error")
        super().__init__(f"{what}有 {errors} 处错误", hint)


class NotAFile(ZctasksError):
    """A data file that is a pipe, a device, a folder or a link: never opened (a pipe would
    hang the command), never replaced. Raised with ``name`` and ``reason`` (by
    limits.read_bounded), ``diagnostic()`` gives the located form ``check`` prints."""

    def __init__(self, message: str, hint: str = "", *, name: str = "", reason: str = "") -> None:
        super().__init__(message, hint)
        self.name = name
        self.reason = reason or message

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.name, 1, 1, "not-a-file", self.reason, self.hint)


class Located:
    """A parsed file that can say where a value stands (``yamlfile.YamlDoc``, the month
    files' ``progress.LinesDoc`` and ``BlockDoc``). Here, not beside the YAML reader, so
    that reading tool-written month files does not load PyYAML."""

    path: str
    data: Any

    def where(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        raise NotImplementedError

    def diagnostic(
        self,
        loc: Path_,
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: str = "error",
    ) -> Diagnostic:
        line, column = self.where(loc, key=key)
        return Diagnostic(self.path, line, column, code, message, hint, severity)  # type: ignore[arg-type]
