"""Run the benchmarks: ``make bench`` or ``python -m bench [name ...]``.

Each benchmark is a module ``bench/<name>.py`` with a ``main()`` that prints its results as
Markdown; record them in bench/RESULTS.md with the machine and the date.
"""

import importlib
import os
import subprocess
import sys

import django

BENCHMARKS: list[str] = [
    "practices_list",
    "practices_export",
    "membership",
    "assembly",
    "sessions_delivery",
    "sessions_registration",
    "sessions_bulk",
]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ensie_portal.settings")
    django.setup()
    names = argv or BENCHMARKS
    if not names:
        print("No benchmark is registered yet.")
        return 0
    if len(names) == 1:
        importlib.import_module(f"bench.{names[0]}").main()
        return 0
    # Each benchmark changes settings and the test environment for itself: one process each.
    failed = [
        name
        for name in names
        if subprocess.run([sys.executable, "-m", "bench", name], check=False).returncode
    ]
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
