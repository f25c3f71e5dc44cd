from django.urls import path

from hcppcc.directory import pickers

app_name = "directory"

urlpatterns = [
    path("units/", pickers.UnitPicker.as_view(), name="pick-units"),
    path("members/", pickers.MemberPicker.as_view(), name="pick-members"),
]
