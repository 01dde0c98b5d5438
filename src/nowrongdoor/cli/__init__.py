"""The `nwd` command.

`nwd score` is dispatched before Typer is imported, so scoring one response starts fast;
every other command lives in the Typer app (`nowrongdoor.cli.app`).
"""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["score"]:
        from nowrongdoor.cli.score import main as score_main

        sys.exit(score_main(argv[1:]))
    from nowrongdoor.cli.app import app

    app()
