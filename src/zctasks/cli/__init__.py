"""The command line: parse options, call one core function, print.

One module per command group; ``cli/app.py`` holds what they share. Importing a module
registers its commands, in the order ``zctasks --help`` lists them.
"""
# isort: skip_file

from zctasks.cli.app import State, _complete_task, _complete_unit, app
from zctasks.cli import query  # list, show, depts, chapters, check, schema
from zctasks.cli import status  # status
from zctasks.cli import progress  # progress add, fix, void, import, log
from zctasks.cli import hooks  # hooks install, run
from zctasks.cli import template  # template
from zctasks.cli import plan  # init, import
from zctasks.cli import report  # report

__all__ = [
    "State",
    "_complete_task",
    "_complete_unit",
    "app",
    "hooks",
    "main",
    "plan",
    "progress",
    "query",
    "report",
    "status",
    "template",
]


def main() -> None:
    app()
