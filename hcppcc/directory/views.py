"""Pages of the directory app: the signed-in user's home page."""

from django.shortcuts import render

from hcppcc.directory.selectors import home_overview


def home(request):
    """What the signed-in user is, and where their work is."""
    return render(request, "home.html", home_overview(request.user))
