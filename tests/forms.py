"""Posting forms as a browser would: with the version of the record the form was opened on;
and asking each record page as a persona would."""

from django.urls import reverse

from hcppcc.core.stale import FIELD, version_of


def opened(record, **data) -> dict:
    """``data`` plus the version of ``record`` as it is in the database now — a form
    opened just before it is posted."""
    fresh = type(record)._default_manager.get(pk=record.pk)
    return {FIELD: version_of(fresh), **data}


def pages_answering_wrongly(client, pages: dict, records: dict, persona: str) -> list:
    """The record pages (name → the personas they open for) that answer ``persona`` other
    than they should: (200, 404 for a missing record) for their personas, else (403, 403)
    — a refused page tells nothing of which records exist."""
    wrong = []
    for page, allowed in pages.items():
        code = client.get(reverse(f"pages:{page}", args=[records[page].pk])).status_code
        missing = client.get(reverse(f"pages:{page}", args=[999999])).status_code
        expected = (200, 404) if persona in allowed else (403, 403)
        if (code, missing) != expected:
            wrong.append((page, code, missing))
    return wrong
