"""A real, private PostgreSQL server for the tests: initdb into a temporary folder, a unix socket only.

The office database may live on PostgreSQL, so the merge tests run on a real server, never a mock. When the
server programs are missing the tests fail and say how to install them (scripts/install-postgres.sh);
they are never skipped, so a green run always means PostgreSQL was tested too.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "postgres"  # the OS user the server runs as when the tests run as root (initdb refuses root)
INSTALL_HINT = (
    "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found: install them with "
    "'sudo scripts/install-postgres.sh' (Debian/Ubuntu: apt-get install postgresql) and run the tests again"
)


class PostgresMissing(RuntimeError):
    pass


def server_bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: $PG_BIN, the PATH, or Debian's versioned folders."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    candidates += [Path(p) for p in versions]
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise PostgresMissing(INSTALL_HINT)


class PostgresServer:
    """One throw-away cluster. `url(name)` gives a SQLAlchemy URL for a database in it."""

    def __init__(self) -> None:
        self.bin = server_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="ftpg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.as_root = os.geteuid() == 0
        self.user = SERVER_USER if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        self._names = 0

    def _run(self, *args: str) -> None:
        cmd = [str(a) for a in args]
        if self.as_root:
            _ensure_os_user(SERVER_USER)
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")

    def start(self) -> PostgresServer:
        if self.as_root:
            _ensure_os_user(SERVER_USER)
            shutil.chown(self.root, user=SERVER_USER)
        self._run(self.bin / "initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.root / "server.log", "-o", options, "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{dbname}?host={self.socket_dir}"

    def create_database(self, prefix: str = "office", template: str | None = None) -> str:
        """A fresh empty database (a copy of `template` if given); returns its URL."""
        import psycopg

        self._names += 1
        name = f"{prefix}_{self._names}"
        with psycopg.connect(host=str(self.socket_dir), user=self.user, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)


def _ensure_os_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
