"""The command timings on PostgreSQL: a server started from pgserver's bundled binaries, as the tests do.

The server's data folder is kept in the bench cache with the synthetic archive loaded (the same
generated articles as the SQLite archive of that size, written through open_store(url).add_articles),
so only the first run pays for loading. The server listens on a Unix socket in that folder only and
is stopped at the end of the run; as root (which PostgreSQL refuses) it runs as `nobody`. fsync is
off while loading and serving: the bench measures reads, not durability.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tests.bench import commands, report
from tests.bench.generate import GENERATOR_VERSION, size_label, write_archive
from tests.bench.pool import CACHE, Pool
from tests.pg import LocalServer, PostgresUnavailable

DATABASE = "bench"


class Server(LocalServer):
    """The tests' local server, kept in the bench cache with its loaded archive."""

    def __init__(self, root: Path):
        super().__init__(root, start_timeout=120)

    def ensure_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f"CREATE DATABASE {name}")

    def database_bytes(self, name: str) -> int:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            return conn.execute("SELECT pg_database_size(%s)", (name,)).fetchone()[0]


def _loaded(server: Server, pool: Pool, size: int) -> dict:
    """The server's bench database with `size` generated articles (loaded on first use), and its figures."""
    meta_path = server.root / "loaded.json"
    if not meta_path.exists():
        report.progress(f"loading {size:,} synthetic articles into PostgreSQL (once; cached in {server.root})")
        server.ensure_database(DATABASE)
        figures = write_archive(server.url(DATABASE), pool, size)
        meta_path.write_text(json.dumps({**figures, "articles": size}))
    return json.loads(meta_path.read_text())


def _server(pool: Pool, size: int) -> Server:
    return Server(CACHE / f"pg-{size_label(size)}-g{GENERATOR_VERSION}-p{pool.key}").start()


def run(pool: Pool, size: int, config: Path, *, reps: int, budget_s: float, timeout_s: float) -> dict:
    try:
        server = _server(pool, size)
    except PostgresUnavailable as exc:
        return {"skipped": str(exc)}
    try:
        meta = _loaded(server, pool, size)
        db_bytes = server.database_bytes(DATABASE)
        report.progress(f"PostgreSQL {size:,}: commands")
        began = time.perf_counter()
        result = commands.run(pool, size, server.url(DATABASE), config, reps=reps, budget_s=budget_s,
                              timeout_s=timeout_s)
        result["build"] = {**meta, "bytes": db_bytes, "bytes_per_article": round(db_bytes / size)}
        result["seconds"] = round(time.perf_counter() - began, 1)
        result["note"] = "baselines are measured on the SQLite file of the same articles"
        commands.print_table(result, "PostgreSQL")
        return {size_label(size): result}
    finally:
        server.stop()


def main(argv: list[str]) -> int:
    """`python -m tests.bench.backends 100k`: load the PostgreSQL archive ahead of a bench run."""
    from tests.bench.generate import parse_size
    from tests.bench.pool import load_pool

    pool = load_pool()
    for text in argv or ["100k"]:
        server = _server(pool, parse_size(text))
        try:
            sys.stdout.write(json.dumps(_loaded(server, pool, parse_size(text))) + "\n")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
