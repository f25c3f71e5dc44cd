"""The import benchmark: ``make bench-import`` (or ``python bench/imports.py --rows 1000 4000``).

For each size, in a process of its own against a fresh PostgreSQL database
(``hcppcc_bench_import``): the reference seeds, a ledger of that many rows of every kind
(tests/imports/ledgers.py) written to an .xlsx file, then the check and the import as the
office runs them (``import_start``), timed, with the process's peak memory. A flat peak
across sizes is what "bounded memory" means here. Prints a table; asserts nothing.
"""

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "hcppcc_bench_import"


def measure(rows: int) -> dict:
    """Runs in the child process: set up, import, report."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from openpyxl import Workbook

    from proposals.services import imports
    from seeds.loader import load_seeds, seed_files
    from tests.imports.conftest import MEMBERS
    from tests.imports.ledgers import ledger

    call_command("migrate", verbosity=0)
    load_seeds([path for path in seed_files() if path.name < "60"])
    from hcppcc.directory.models import Member, Sector

    for name, sector in MEMBERS:
        Member.objects.get_or_create(name=name, sector=Sector.objects.get_or_create(name=sector)[0])

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("提案台账")
        for row in ledger(rows):
            sheet.append(row)
        book.save(handle.name)
        size = Path(handle.name).stat().st_size
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(handle.name, "rb") as data:
            run = imports.import_upload(kind="ledger", upload=File(data, name="台账.xlsx"), by=None)
        started = time.perf_counter()
        run = imports.import_start(run=run, apply=False, by=None, inline=True)
        checked = time.perf_counter() - started
        started = time.perf_counter()
        run = imports.import_start(run=run, apply=True, by=None, inline=True)
        imported = time.perf_counter() - started
    return {
        "rows": rows,
        "file_kb": size // 1024,
        "status": run.status,
        "new": run.new_rows,
        "errors": run.error_rows,
        "check_s": round(checked, 1),
        "import_s": round(imported, 1),
        "rows_per_s": round(rows / imported, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "rss_before_mb": base // 1024,
    }


def child(rows: int) -> dict:
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True
    )
    subprocess.run(
        [
            *("createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", "template0", "-E", "UTF8"),
            *("--lc-collate=C.UTF-8", "--lc-ctype=C.UTF-8", DATABASE),
        ],
        check=True,
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hcppcc.settings",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": tempfile.mkdtemp(prefix="hcppcc-bench-media-"),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "HCPPCC_IMPORT_MAX_ROWS": str(max(rows, 100_000)),
    }
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(rows)],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.child)))
        return
    columns = ["rows", "file_kb", "new", "errors", "check_s", "import_s", "rows_per_s"]
    columns += ["rss_before_mb", "peak_rss_mb"]
    print(" | ".join(columns))
    for rows in options.rows:
        result = child(rows)
        print(" | ".join(str(result[name]) for name in columns), flush=True)


if __name__ == "__main__":
    main()
