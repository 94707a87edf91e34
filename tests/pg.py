"""A real PostgreSQL for the tests: the server bundled by the `pgserver` wheel, initialised in a temporary
folder, listening only on a Unix socket there, stopped at the end of the session. No system package, no
root (as root, which PostgreSQL refuses to run as, the server runs as the `nobody` user)."""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg


class PostgresUnavailable(RuntimeError):
    pass


def _binaries() -> Path:
    # Found, not imported: importing pgserver sets up its own server registry and lock files.
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        raise PostgresUnavailable("the test extra's `pgserver` package is not installed (pip install -e '.[test]')")
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    if not (folder / "pg_ctl").exists():
        raise PostgresUnavailable(f"pgserver has no PostgreSQL binaries in {folder}")
    return folder


class LocalServer:
    """pgserver's bundled PostgreSQL in `root`, on a Unix socket there only. With `reuse`, a data folder
    already there is started as it is (the bench keeps a loaded archive so); else it is made at start."""

    def __init__(self, root: Path, start_timeout: int = 60, reuse: bool = True) -> None:
        self.root = root  # short: a socket path must stay under 107 bytes
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.bin = _binaries()
        self.start_timeout = start_timeout
        self.reuse = reuse
        self.user = "nobody" if os.geteuid() == 0 else None
        self.started_in = 0.0

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        done = subprocess.run([str(self.bin / tool), *args], user=self.user, capture_output=True, text=True,
                              timeout=timeout, cwd=self.root, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}\n{log}")

    def start(self) -> LocalServer:
        began = time.perf_counter()
        self.root.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        if not (self.reuse and (self.data / "PG_VERSION").exists()):
            self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                      "--no-sync", "--no-instructions")
        # Durability is not what a test or the bench checks: no fsync makes database creation and commits fast.
        options = f"-h '' -k {self.root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(self.start_timeout),
                  "-o", options, "start", timeout=self.start_timeout + 60)
        self.started_in = time.perf_counter() - began
        return self

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")


class TestServer(LocalServer):
    """One server for the session in a temporary folder; each test asks it for a fresh database."""

    __test__ = False  # not a test class

    def __init__(self) -> None:
        super().__init__(Path(tempfile.mkdtemp(prefix="bpg")), reuse=False)
        self._archive = ""

    def _admin(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def clean_archive(self) -> str:
        """The URL of the session's migrated archive database, emptied: as fresh as a new database for
        a test, in milliseconds rather than the ~0.5 s a CREATE DATABASE and migrations take here."""
        from briefings.store import open_store
        if not self._archive:
            self._archive = self.url(self.create_database())
            open_store(self._archive).close()
            return self._archive
        with psycopg.connect(self._archive, autocommit=True) as conn:
            tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                                                  " AND tablename != 'schema_migrations'")]
            with conn.transaction():  # DELETE, not TRUNCATE: on a few rows it is ten times quicker
                conn.execute("SET LOCAL session_replication_role = replica")  # no triggers: every table goes
                for table in tables:
                    if table != "archive_changes":  # its one row stays (the version only has to move on)
                        conn.execute(f"DELETE FROM {table}")
        return self._archive

    def create_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:16]
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self, mode: str = "immediate") -> None:
        try:
            super().stop(mode)  # nothing to keep: the folder goes
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
