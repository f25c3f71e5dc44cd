"""Paging that does not count a whole archive: on PostgreSQL, an unfiltered list of a big
table reports the planner's estimate of its rows (kept fresh by autovacuum's ANALYZE)
instead of running ``count(*)`` over millions of rows for every page. Filtered lists, and
tables below ``HCPPCC_EXACT_COUNT_BELOW`` rows, are counted exactly."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows of ``queryset``'s table, when the queryset reads
    the whole table (no filter, no slice) on PostgreSQL; otherwise None."""
    query = queryset.query
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or query.where or query.distinct or query.is_sliced:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class EstimatingPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = estimated_rows(self.object_list)
            if estimate is not None and estimate >= settings.HCPPCC_EXACT_COUNT_BELOW:
                return estimate
        return super().count
