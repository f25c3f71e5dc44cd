"""Paging that does not count a whole archive: on PostgreSQL, an unfiltered list of a big
table reports the planner's estimate of its rows (kept fresh by autovacuum's ANALYZE)
instead of running ``count(*)`` over millions of rows for every page. Filtered lists, and
tables below ``HCPPCC_EXACT_COUNT_BELOW`` rows, are counted exactly — a small table in the
same single query that reads the estimate, so a page costs as many queries everywhere."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def whole_table_rows(queryset: QuerySet, exact_below: int) -> int | None:
    """The rows of ``queryset``'s table when the queryset reads all of it (no filter, no
    slice) on PostgreSQL: the planner's estimate if that is at least ``exact_below``, else
    an exact count. None when the queryset is filtered or the database is not PostgreSQL."""
    query = queryset.query
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or query.where or query.distinct or query.is_sliced:
        return None
    table = queryset.model._meta.db_table
    with connection.cursor() as cursor:
        # reltuples is -1 for a table never analysed: below any threshold, so counted.
        cursor.execute(
            "SELECT CASE WHEN c.reltuples >= %s THEN c.reltuples::bigint "
            f"ELSE (SELECT count(*) FROM {connection.ops.quote_name(table)}) END "
            "FROM pg_class c WHERE c.oid = %s::regclass",
            [exact_below, table],
        )
        return cursor.fetchone()[0]


class EstimatingPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            rows = whole_table_rows(self.object_list, settings.HCPPCC_EXACT_COUNT_BELOW)
            if rows is not None:
                return rows
        return super().count
