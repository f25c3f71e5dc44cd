"""The Chinese catalogue is complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    """The .mo in git must be compiled from the .po in git (``make messages``)."""
    source = polib.pofile(str(PO))
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    as_pairs = lambda catalogue: {  # noqa: E731
        (e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue
        if not e.obsolete
    }
    assert as_pairs(compiled) == as_pairs(source)


@pytest.mark.django_db
def test_there_are_no_model_changes_without_a_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
