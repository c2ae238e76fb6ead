"""Run the benchmarks: ``make bench`` or ``python -m bench [name ...]``.

Each benchmark is a module ``bench/<name>.py`` with a ``main()`` that prints its results as
Markdown; record them in bench/RESULTS.md with the machine and the date.
"""

import importlib
import os
import sys

import django

BENCHMARKS: list[str] = ["sessions_delivery", "sessions_registration", "sessions_bulk"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ensie_portal.settings")
    django.setup()
    names = argv or BENCHMARKS
    if not names:
        print("No benchmark is registered yet.")
        return 0
    for name in names:
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
