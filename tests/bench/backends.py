"""The command timings on PostgreSQL: a server started from pgserver's bundled binaries, as the tests do.

The server's data folder is kept in the bench cache with the synthetic archive loaded (the same
generated articles as the SQLite archive of that size, written through open_store(url).add_articles),
so only the first run pays for loading. The server listens on a Unix socket in that folder only and
is stopped at the end of the run; as root (which PostgreSQL refuses) it runs as `nobody`. fsync is
off while loading and serving: the bench measures reads, not durability.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path

from tests.bench import commands, report
from tests.bench.generate import GENERATOR_VERSION, size_label, write_archive
from tests.bench.pool import CACHE, Pool

DATABASE = "bench"


class Unavailable(RuntimeError):
    pass


def _binaries() -> Path:
    spec = importlib.util.find_spec("pgserver")  # found, not imported (importing starts its own registry)
    if spec is None or spec.origin is None:
        raise Unavailable("pgserver is not installed (pip install -e '.[test]')")
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    if not (folder / "pg_ctl").exists():
        raise Unavailable(f"pgserver has no PostgreSQL binaries in {folder}")
    return folder


def _store_speaks_postgres() -> bool:
    try:
        from briefings.store.location import is_postgres_url
    except ImportError:
        return False
    return is_postgres_url("postgresql://x@/y")


class Server:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.bin = _binaries()
        self.user = "nobody" if os.geteuid() == 0 else None

    def _run(self, tool: str, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([str(self.bin / tool), *args], user=self.user, capture_output=True, text=True,
                              timeout=timeout, cwd=self.root, check=False)
        if done.returncode != 0:
            raise Unavailable(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-1000:]}")

    def start(self) -> Server:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                      "--no-sync", "--no-instructions")
        options = f"-h '' -k {self.root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "120", "-o", options, "start")
        return self

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def ensure_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f"CREATE DATABASE {name}")

    def database_bytes(self, name: str) -> int:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            return conn.execute("SELECT pg_database_size(%s)", (name,)).fetchone()[0]

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")


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
    if not _store_speaks_postgres():
        raise Unavailable("this checkout's store cannot open postgresql:// URLs yet")
    return Server(CACHE / f"pg-{size_label(size)}-g{GENERATOR_VERSION}-p{pool.key}").start()


def run(pool: Pool, size: int, config: Path, *, reps: int, budget_s: float, timeout_s: float) -> dict:
    try:
        server = _server(pool, size)
    except Unavailable as exc:
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
