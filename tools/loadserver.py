"""The server side of the load test (tools/loadtest.py): a fresh PostgreSQL database,
production settings on plain loopback HTTP, the seeds and demo accounts, and gunicorn."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the server binds here and nowhere else
PASSWORD = "load-test-" + secrets.token_urlsafe(12)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def recreate_database(admin_url: str, name: str, *, create: bool) -> None:
    """Drop ``name`` (closing its connections) and, with ``create``, make it afresh as UTF-8
    with a UTF-8 ctype (pg_trgm extracts no trigrams from Chinese text under ctype C)."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            admin.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )


def server_environment(database_url: str, work: Path) -> dict:
    """Production settings (DEBUG off, a real secret key, the host allowed), but plain HTTP."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="hcppcc.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_STATIC_ROOT=str(work / "static"),
        DJANGO_MEDIA_ROOT=str(work / "media"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
        HCPPCC_VAR_DIR=str(work / "var"),
        DATABASE_URL=database_url,
    )
    env.pop("DATABASE_TEST_TEMPLATE", None)
    return env


def manage(env: dict, *args: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
    print(
        f"  manage.py {' '.join('***' if a == PASSWORD else a for a in args)}  "
        f"({time.monotonic() - started:.1f} s)"
    )


def prepare(env: dict, *, demo: bool) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_seeds")
    # Demo accounts and records refuse a production setting unless told: this is a test.
    manage(env, "create_demo_users", "--password", PASSWORD, "--allow-production")
    if demo:
        manage(env, "generate_demo", "--year", "2020", "--allow-production")


def start_server(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "hcppcc.wsgi", "--chdir", str(ROOT)]
    command += ["--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", "30"]
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def print_server_log(log: Path) -> None:
    """The end of gunicorn's output, without the security log's JSON lines."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line[:1] != "{"]
    print("\ngunicorn's log (last lines):")
    for line in lines[-30:]:
        print("  " + line)
