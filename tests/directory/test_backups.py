"""Backup → wipe → restore gives back every row."""

import hashlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from proposals.choices import ProposalStatus
from proposals.models import Proposal


def _state() -> tuple[dict, str]:
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    rows = Proposal.objects.order_by("pk").values_list(
        "pk", "session_id", "case_number", "title", "situation", "suggestions", "status"
    )
    digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return counts, digest


def _round_trip(walk, tmp_path):
    for status in (ProposalStatus.DRAFT, ProposalStatus.HANDLING, ProposalStatus.CLOSED):
        walk.to(status)
    before = _state()
    assert before[0]["proposals.Proposal"] == 3
    path = tmp_path / "backup.bin"
    call_command("backup", output=path)
    call_command("flush", interactive=False)
    assert Proposal.objects.count() == 0
    call_command("restore", str(path), yes=True)
    assert _state() == before


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_on_sqlite(walk, tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip")
    _round_trip(walk, tmp_path)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_on_postgresql(walk, tmp_path):
    _round_trip(walk, tmp_path)


@pytest.mark.django_db
def test_restoring_something_that_is_not_a_backup_changes_nothing(walk, tmp_path):
    walk.to(ProposalStatus.SUBMITTED)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"this is not a database")
    with pytest.raises(CommandError):
        call_command("restore", str(junk), yes=True)
    assert Proposal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_empty_or_foreign_sqlite_file_is_refused_and_nothing_changes(walk, tmp_path):
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite files")
    walk.to(ProposalStatus.SUBMITTED)
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
    for path in (empty, foreign):
        with pytest.raises(CommandError):
            call_command("restore", str(path), yes=True)
        assert Proposal.objects.count() == 1


def _tables() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restore_leaves_nothing_the_backup_did_not_hold(walk, tmp_path):
    """A table of a newer version (or of anything else) does not survive a restore."""
    from django.db import connection

    walk.to(ProposalStatus.SUBMITTED)
    before = _state()
    path = tmp_path / "backup.dump"
    call_command("backup", output=path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE proposals_from_a_newer_version (id integer)")
    walk.to(ProposalStatus.DRAFT)
    call_command("restore", str(path), yes=True)
    assert "proposals_from_a_newer_version" not in _tables()
    assert _state() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_of_a_newer_version_is_refused_and_nothing_changes(walk, tmp_path):
    from django.db import connection

    walk.to(ProposalStatus.SUBMITTED)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('proposals', '9999_future', now())"
        )
    path = tmp_path / "newer.dump"
    call_command("backup", output=path)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE name = '9999_future'")
    walk.to(ProposalStatus.DRAFT)
    before = _state()
    with pytest.raises(CommandError, match="newer version"):
        call_command("restore", str(path), yes=True)
    assert _state() == before


def test_the_client_tools_connect_with_the_apps_tls_options(monkeypatch):
    monkeypatch.delenv("PGSSLCERT", raising=False)
    from django.db import connection

    from hcppcc.core.backups import _pg_environment

    options = {"sslmode": "verify-full", "sslrootcert": "/etc/ssl/db-ca.pem"}
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    _, env = _pg_environment()
    assert env["PGSSLMODE"] == "verify-full"
    assert env["PGSSLROOTCERT"] == "/etc/ssl/db-ca.pem"
    assert "PGSSLCERT" not in env
