"""The proposals' type-ahead pickers, under ``/pick/`` beside the directory's."""

from django.urls import path

from proposals import pickers

app_name = "proposals"

urlpatterns = [
    path("proposals/", pickers.ProposalPicker.as_view(), name="pick-proposals"),
    path(
        "key-proposals/",
        pickers.ProposalPicker.as_view(key_only=True),
        name="pick-key-proposals",
    ),
]
