"""`make eval`: every quality figure of the product against its baselines, in one run.

    make eval                 # data from ../shared/data
    make eval DATA=DIR        # another copy of the data

Each area is a module here with `run(ctx) -> dict`; it prints its own table and returns its
figures, which end up in one JSON line at the end. Where the data is absent the command says
so and exits 0, since the data is not shipped with the project.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

from tests.eval.corpus import DEFAULT_DATA, EvalContext

AREAS = ["ingest", "html", "summaries", "tagging", "speakers", "clusters", "search"]


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA
    if data_dir.is_file():  # the older form: a path to one data file
        data_dir = data_dir.parent
    if not data_dir.is_dir():
        print(f"evaluation data not found at {data_dir}: it is not shipped with briefings (third-party "
              "news text); place the shared data folder there or pass DATA=DIR.")
        return 0
    ctx = EvalContext(data_dir)
    for area in AREAS:
        try:
            module = importlib.import_module(f"tests.eval.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.eval.{area}":
                raise
            continue
        started = time.perf_counter()
        print(f"\n== {area} ==")
        ctx.results[area] = module.run(ctx)
        print(f"({time.perf_counter() - started:.1f} s)")
    print(json.dumps(ctx.results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
