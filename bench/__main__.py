"""Dispatcher: `python -m bench <name> [args]` imports bench.<name> and calls its main(argv)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmark modules in this package."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]))


def main(argv: list[str]) -> int:
    """Run the named benchmark with the remaining arguments; list them when none is named."""
    names = available()
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in names:
        print("usage: python -m bench <name> [--quick] [args]")
        print("benchmarks: " + (", ".join(names) or "(none)"))
        return 0 if not argv or argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(f"bench.{argv[0]}")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
