"""Posting forms as a browser would: with the version of the record the form was opened on."""

from hcppcc.core.stale import FIELD, version_of


def opened(record, **data) -> dict:
    """``data`` plus the version of ``record`` as it is in the database now — a form
    opened just before it is posted."""
    fresh = type(record)._default_manager.get(pk=record.pk)
    return {FIELD: version_of(fresh), **data}
