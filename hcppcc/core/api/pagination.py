"""The API's pages: 50 rows by default, up to 500 with ``page_size``, and no count(*) of a
whole archive (``hcppcc.core.paging``)."""

from rest_framework.pagination import PageNumberPagination

from hcppcc.core.paging import EstimatingPaginator


class Pagination(PageNumberPagination):
    django_paginator_class = EstimatingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
