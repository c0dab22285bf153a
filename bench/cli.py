"""What every benchmark's command line shares: its parser, with the database to run on, and how
it prints a list of figures."""

from __future__ import annotations

import argparse
import os


def parser(doc: str) -> argparse.ArgumentParser:
    """A parser described by the first paragraph of *doc*, with --database."""
    made = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    made.add_argument(
        "--database", default=os.environ.get("BENCH_POSTGRES_SERVER"), help="postgresql://user@host:port"
    )
    return made


def print_figures(figures: dict) -> None:
    """One figure a line: its name, two spaces, its value (the smoke tests read them so)."""
    width = max(len(name) for name in figures)
    for name, value in figures.items():
        print(f"{name:<{width}}  {value}")
