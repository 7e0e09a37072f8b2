"""The command line, one Typer app: parse options, call one core function, print. Takes what
the user typed; gives tables, JSON, documents, messages in Chinese and exit codes.

One module per command group; ``cli/app.py`` holds what they share and imports a command's
module only when that command runs, so ``zctasks list`` does not pay for the others.
"""

import contextlib
import importlib
import sys

from zctasks.cli.app import COMMAND_MODULES, State, _complete_task, _complete_unit, app

__all__ = ["State", "_complete_task", "_complete_unit", "app", "load_all", "main"]


def load_all() -> None:
    """Import every command module (for tools that inspect ``app``'s commands)."""
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        importlib.import_module(f"zctasks.cli.{module}")


def main() -> None:
    """Run the command line. A console whose code page cannot show a character (cp437, a
    legacy Windows console, PYTHONIOENCODING=ascii) gets it escaped (``\\u5199``): output
    never fails after data was written."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change
                reconfigure(errors="backslashreplace")
    app()
