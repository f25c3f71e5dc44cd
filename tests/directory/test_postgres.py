"""Facts about the PostgreSQL database that later features rely on."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_database_has_a_utf8_ctype():
    # Under ctype C, pg_trgm extracts no trigrams from Chinese text (DESIGN.md).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
            "WHERE datname = current_database()"
        )
        encoding, ctype = cursor.fetchone()
    assert encoding == "UTF8"
    assert ctype.lower().replace("-", "").endswith("utf8")
