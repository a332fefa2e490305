"""The ``chipwar`` command line (Typer + Rich). One module per command group.

:func:`run` is the console script. It imports nothing itself, so that Ctrl-C while the command
line is still loading ends like Ctrl-C anywhere else: one line on stderr, exit code 130, no
traceback (:func:`chipwar.cli.main.main` handles it once the command runs).
"""

from __future__ import annotations

import sys

INTERRUPTED = "interrupted"
"""The one stderr line of an interrupted command (a command may add what it kept)."""
INTERRUPTED_EXIT_CODE = 130
"""128 + SIGINT, as a shell reports a command stopped by Ctrl-C."""


def interrupted(line: str = INTERRUPTED) -> int:
    """Write the one line of an interrupt on stderr (plainly: no library needed, nothing more
    to import while the user is waiting to stop) and return exit code 130."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or gone: the exit code still says it
        pass
    return INTERRUPTED_EXIT_CODE


def run() -> None:
    """The ``chipwar`` console script: :func:`chipwar.cli.main.main`, with Ctrl-C during
    start-up (while the command tree is imported) ending in one line and exit code 130."""
    try:
        from chipwar.cli.main import main
    except KeyboardInterrupt:
        sys.exit(interrupted())
    sys.exit(main())
