"""Backups of the whole database, and restoring one: ``pg_dump``'s custom format on
PostgreSQL, SQLite's online backup API on SQLite (both consistent while the app runs)."""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(Exception):
    pass


def default_path() -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    return Path(settings.VAR_DIR) / "backups" / f"hcppcc-{stamp}.{suffix}"


def _pg_environment() -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL client tools, the password by environment."""
    params = connection.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    # TLS as the app connects (DATABASE_URL's ?sslmode=… and certificate options).
    for option, variable in SSL_OPTIONS.items():
        if value := params.get("OPTIONS", {}).get(option):
            env[variable] = str(value)
    return args, env


SSL_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def backup(path: Path) -> Path:
    """Write the whole database to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        args, env = _pg_environment()
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(done.stderr.strip())
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"No backup for {connection.vendor}.")
    path.chmod(0o600)  # it holds password hashes and API tokens
    return path


def _check_migrations(applied: set[tuple[str, str]]) -> None:
    """Refuse a file that is not a backup of this app, or one of a newer version of it."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    if not applied:
        raise BackupError("The file holds no hcppcc database.")
    if unknown := applied - known:
        raise BackupError(f"The backup comes from a newer version: {sorted(unknown)[:3]} …")


def restore(path: Path) -> None:
    """Replace the whole database with the backup at ``path``."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if connection.vendor == "postgresql":
        _restore_postgresql(path)
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is not an intact SQLite database.")
            _check_migrations(
                {tuple(row) for row in source.execute("SELECT app, name FROM django_migrations")}
            )
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.OperationalError as error:  # no django_migrations table
            raise BackupError(f"{path} is not a backup of this app: {error}") from error
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a SQLite database: {error}") from error
        finally:
            source.close()
    else:
        raise BackupError(f"No restore for {connection.vendor}.")


def _pg_run(command: list[str], env: dict, **kwargs) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise BackupError(done.stderr.strip())
    return done.stdout


def _dump_migrations(path: Path, env: dict) -> set[tuple[str, str]]:
    """The (app, name) rows of the dump's django_migrations table."""
    script = _pg_run(
        [_tool("pg_restore"), "--data-only", "--table=django_migrations", "--file=-", str(path)],
        env,
    )
    rows, copying = set(), False
    for line in script.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
        elif copying and line == "\\.":
            break
        elif copying:
            _, app, name, *_ = line.split("\t")
            rows.add((app, name))
    return rows


def _restore_postgresql(path: Path) -> None:
    """Empty the schema and load the dump, in one transaction: a failed restore leaves the
    database as it was, and a restored one holds nothing the dump did not (no table of a
    newer version left behind)."""
    with path.open("rb") as handle:
        if handle.read(5) != b"PGDMP":
            raise BackupError(f"{path} is not a pg_dump custom-format backup.")
    args, env = _pg_environment()
    _check_migrations(_dump_migrations(path, env))
    # pg_restore writes the script, psql runs it: piped as bytes, never held in memory.
    # A connection holding a table open makes the restore fail after 30 s, not wait forever.
    empty = "SET lock_timeout = '30s'; DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
    script = subprocess.Popen(
        [_tool("pg_restore"), "--no-owner", "--file=-", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql = [_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction"]
    done = subprocess.run(
        [*psql, "--set=ON_ERROR_STOP=1", "--command", empty, "--file=-", *args],
        env=env,
        stdin=script.stdout,
        capture_output=True,
        check=False,
    )
    script.stdout.close()
    failed = script.wait() != 0 and script.stderr.read().decode(errors="replace")
    if done.returncode != 0 or failed:
        raise BackupError((failed or done.stderr.decode(errors="replace")).strip())
