"""The benchmark: ``make bench`` (or ``python bench/run.py --sizes 100000 1000000``).

For each size, a PostgreSQL database ``hcppcc_bench_<size>`` with a synthetic archive
(``generate_scale``; kept between runs, ``--fresh`` makes it again), then bench/measure.py
against it — the typical requests, the floor, the naive ways, the export — and requests per
second of the list API under gunicorn (5 workers, loopback). Prints a table; the ratios
compare figures of the same run. Not a test: it prints numbers, it asserts nothing.
Production settings (DEBUG off), as an office would run it.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        # Plain HTTP on loopback (TLS ends at the proxy in production).
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", f"{SERVER}/{database}", "-tAc", sql], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def prepare(size: int, fresh: bool) -> dict:
    """The size's database, made when missing (or asked); how long the archive took."""
    database = f"hcppcc_bench_{size}"
    env = environment(database)
    manage(env, "collectstatic", "--noinput", "-v0")  # DEBUG is off: the manifest's names
    have = psql("SELECT count(*) FROM proposals_proposal", database) if not fresh else ""
    if have and int(have) >= size:
        return {"database": database, "env": env, "generated_seconds": None}
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(
        f"CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8' "
        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_seeds", "-v0")
    started = time.monotonic()
    manage(env, "generate_scale", "--proposals", str(size), "--allow-production")
    return {
        "database": database,
        "env": env,
        "generated_seconds": round(time.monotonic() - started),
    }


def measure(env: dict) -> dict:
    done = subprocess.run(
        [PYTHON, "bench/measure.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"bench/measure.py failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def requests_per_second(env: dict, seconds: int, clients: int) -> float:
    """The list API's default page under gunicorn (5 workers), ``clients`` at once."""
    token = manage(
        env,
        "shell",
        "-c",
        "from rest_framework.authtoken.models import Token;"
        "from hcppcc.directory.models import User;"
        "print(Token.objects.get_or_create(user=User.objects.get(username='bench_office'))[0])",
    ).splitlines()[-1]  # the shell may print what it imported first
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "hcppcc.wsgi", "--workers", "5", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/proposals/"
    headers = {"Authorization": f"Token {token}", "Host": "localhost"}
    try:
        for _ in range(100):  # until it answers
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        done, errors, stop = [0] * clients, [0] * clients, time.monotonic() + seconds

        def client(index: int) -> None:
            while time.monotonic() < stop:
                try:
                    with urllib.request.urlopen(
                        urllib.request.Request(url, headers=headers), timeout=30
                    ) as response:
                        response.read()
                    done[index] += 1
                except OSError:
                    errors[index] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if sum(errors):
            print(f"  ({sum(errors)} failed requests)", file=sys.stderr)
        return round(sum(done) / seconds, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def table(runs: dict[int, dict]) -> str:
    sizes = sorted(runs)
    lines = []
    header = "| request | " + " | ".join(f"{size:,}: median / p95 ms, queries" for size in sizes)
    lines += [header + " | growth |", "|---|" + "---|" * (len(sizes) + 1)]
    names = list(runs[sizes[0]]["requests"])
    for name in names:
        cells = []
        for size in sizes:
            row = runs[size]["requests"][name]
            cells.append(f"{row['median']} / {row['p95']}, {row['queries']}")
        first, last = runs[sizes[0]]["requests"][name], runs[sizes[-1]]["requests"][name]
        growth = f"{last['median'] / first['median']:.2f}×" if len(sizes) > 1 else ""
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {growth} |")
    lines.append("")
    for size in sizes:
        run = runs[size]["requests"]
        api = run["list API, default page"]["median"]
        lines.append(
            f"- {size:,} proposals: list API {api} ms = "
            f"{api / run['floor: raw SQL + orjson']['median']:.1f}× the floor; the naive "
            f"ModelViewSet is {run['naive: plain DRF ModelViewSet']['median'] / api:.1f}× "
            f"slower, the admin changelist "
            f"{run['naive: admin changelist']['median'] / api:.1f}× slower"
        )
        export = runs[size]["export"]
        lines.append(
            f"  export: {export['rows']:,} rows of CSV in {export['seconds']} s, peak Python "
            f"memory {export['peak_mb']} MB; list API under gunicorn (5 workers): "
            f"{runs[size]['rps']} requests/s"
            + (
                f"; archive generated in {runs[size]['generated_seconds']} s"
                if runs[size]["generated_seconds"]
                else ""
            )
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--fresh", action="store_true", help="generate the archives again")
    parser.add_argument("--rps-seconds", type=int, default=20)
    parser.add_argument("--rps-clients", type=int, default=10)
    options = parser.parse_args()
    runs = {}
    for size in options.sizes:
        print(f"== {size:,} proposals", file=sys.stderr)
        prepared = prepare(size, options.fresh)
        runs[size] = measure(prepared["env"])
        runs[size]["generated_seconds"] = prepared["generated_seconds"]
        runs[size]["rps"] = requests_per_second(
            prepared["env"], options.rps_seconds, options.rps_clients
        )
        print(json.dumps(runs[size], ensure_ascii=False), file=sys.stderr)
    print(table(runs))


if __name__ == "__main__":
    main()
