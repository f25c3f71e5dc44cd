"""Chinese full-text search over proposals, on stock PostgreSQL (no extension).

Chinese has no spaces, so the text is indexed in character pairs: every run of Chinese
characters becomes its overlapping bigrams, and the run's last character on its own
(供水管网 → 供水 水管 管网 网); Latin letters and digits stay words. A ``tsvector`` of those
tokens (title weighted A, the first 500 characters of the situation and the suggestions
weighted D), built by the SQL function ``hcppcc_search_document`` that migration 0007
creates (``tsquery`` below tokenizes a query alike), is kept in a generated column with a
GIN index. A search then becomes:

- one character — a prefix query (水:*): every occurrence of a character starts a token;
- two characters — the bigram itself;
- three or more — the bigrams as a phrase (供水 <-> 水管 <-> 管网): adjacent pairs, which
  is exactly "contains the words", with no dictionary to miss a new term.

All of them are answered from the index, never a scan of the table, and ranked by
``ts_rank`` (a hit in the title outweighs one in the text). Words separated by spaces must
all occur. SQLite, the development database, falls back to a substring search.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from proposals.models import Proposal

RUN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _document() -> RawSQL:
    """The proposal's search document: the generated column the index is on (PostgreSQL
    only, so not a model field; migration 0007 adds it)."""
    return RawSQL(
        f"{connection.ops.quote_name(Proposal._meta.db_table)}.search_document",
        [],
        output_field=SearchVectorField(),
    )


def tsquery(text: str) -> str | None:
    """The raw ``tsquery`` for what a user typed, or None when it holds nothing to find."""
    terms = []
    for word in RUN.findall(text.lower()):
        if not CJK.match(word):
            terms.append(word)
        elif len(word) == 1:
            terms.append(f"{word}:*")
        else:
            terms.append(" <-> ".join(word[i : i + 2] for i in range(len(word) - 1)))
    return " & ".join(f"({term})" for term in terms) or None


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Proposals matching every word of ``text``, the best matches first (PostgreSQL), or
    those whose title or text contains each word (SQLite)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor != "postgresql":
        for word in text.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(situation__icontains=word)
                | Q(suggestions__icontains=word)
            )
        return queryset
    raw = tsquery(text)
    if raw is None:  # only punctuation: nothing can match it
        return queryset.none()
    query = SearchQuery(raw, search_type="raw", config="simple")
    return (
        queryset.alias(search_document=_document())
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(_document(), query))
        .order_by("-search_rank", "-pk")
    )
