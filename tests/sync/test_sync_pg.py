"""The private PostgreSQL server of the tests: without its programs the tests fail and say how to fix it."""

from __future__ import annotations

import pytest

from tests import pg


def test_missing_server_programs_fail_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    monkeypatch.setattr(pg.shutil, "which", lambda name: None)
    monkeypatch.setattr(pg.glob, "glob", lambda pattern: [])
    with pytest.raises(pg.PostgresMissing, match="scripts/install-postgres.sh"):
        pg.server_bin_dir()


def test_the_server_is_real_and_private(pg_server):
    import psycopg

    with psycopg.connect(pg_server.url().replace("postgresql+psycopg", "postgresql")) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        listen = conn.execute("SHOW listen_addresses").fetchone()[0]
    assert int(version.split(".")[0]) >= 13
    assert listen == ""  # a unix socket in its own folder, no TCP port
