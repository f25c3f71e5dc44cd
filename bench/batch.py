"""The batch-assignment benchmark: ``make bench-batch`` (or ``python bench/batch.py --sizes
100 500``).

For each size, in a process of its own against a fresh PostgreSQL database
(``hcppcc_bench_batch``) with production settings: the reference seeds, that many accepted
proposals each suggesting two units, then one request as the office makes it —
``POST /api/v1/proposals/assign-batch/`` naming the proposals only, so that each goes to
its suggested units — timed from the request to the answer, with the SQL statements it ran.
Prints a table; asserts nothing.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "hcppcc_bench_batch"


def measure(size: int) -> dict:
    """Runs in the child process: set up, assign, report."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from hcppcc.directory.choices import Role
    from hcppcc.directory.models import HandlingUnit, Member, Session, User
    from hcppcc.directory.services import user_set_roles
    from proposals.choices import ProposalStatus, ProposerKind
    from proposals.models import Assignment, Category, Proposal
    from seeds.loader import load_seeds, seed_files

    call_command("migrate", verbosity=0)
    load_seeds([path for path in seed_files() if path.name < "60"])
    session = Session.objects.order_by("-year").first()
    members = list(Member.objects.all()[:50])
    units = list(HandlingUnit.objects.active()[:40])
    category = Category.objects.first()
    now = timezone.now()
    # Setting up is not what is measured: the accepted proposals are written directly.
    proposals = Proposal.objects.bulk_create(
        Proposal(
            session=session,
            title=f"关于第{number}件事的提案",
            situation="情况",
            suggestions="建议",
            explanation="说明",
            proposer_kind=ProposerKind.INDIVIDUAL,
            lead_member=members[number % len(members)],
            category=category,
            status=ProposalStatus.ACCEPTED,
            case_number=number,
            submitted_at=now,
        )
        for number in range(1, size + 1)
    )
    through = Proposal.suggested_units.through
    through.objects.bulk_create(
        through(proposal_id=proposal.pk, handlingunit_id=unit.pk)
        for index, proposal in enumerate(proposals)
        for unit in (units[index % len(units)], units[(index + 1) % len(units)])
    )
    office = user_set_roles(
        user=User.objects.create_user("bench-office"), roles=[Role.PROPOSAL_OFFICE]
    )
    client = Client()
    client.force_login(office)
    body = {"rows": [{"proposal": proposal.pk} for proposal in proposals]}
    statements = []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Every statement counted (CaptureQueriesContext keeps at most 9,000).
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/proposals/assign-batch/",
            json.dumps(body),
            content_type="application/json",
            secure=True,
        )
        seconds = time.perf_counter() - started
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    return {
        "proposals": size,
        "status": response.status_code,
        "assigned": Proposal.objects.filter(status=ProposalStatus.ASSIGNED).count(),
        "assignments": Assignment.objects.count(),
        "seconds": round(seconds, 2),
        "ms_per_proposal": round(1000 * seconds / size, 1),
        "queries": len(statements),
    }


def child(size: int) -> dict:
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
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": tempfile.mkdtemp(prefix="hcppcc-bench-media-"),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }
    try:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True
        )
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.child)))
        return
    columns = ["proposals", "status", "assigned", "assignments", "seconds"]
    columns += ["ms_per_proposal", "queries"]
    print(" | ".join(columns))
    for size in options.sizes:
        result = child(size)
        print(" | ".join(str(result[name]) for name in columns), flush=True)


if __name__ == "__main__":
    main()
