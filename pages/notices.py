"""The inbox (通知): a person's notices, unread first; opening one marks it read and goes
where the matter is dealt with."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hcppcc.notices import scopes, services
from pages.access import opens_for

READS_NOTICES = scopes.NOTICES.reads_some
PER_PAGE = 50


@opens_for(READS_NOTICES)
def inbox(request):
    notices = scopes.NOTICES.visible_to(request.user).inbox()
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    unread = scopes.NOTICES.visible_to(request.user).unread().count()
    return render(request, "pages/notices.html", {"page": page, "unread": unread})


@opens_for(READS_NOTICES)
def notice_open(request, pk: int):
    """Mark the notice read and go to its page (the inbox if it has none)."""
    notice = get_object_or_404(scopes.NOTICES.visible_to(request.user), pk=pk)
    services.notice_read(notice=notice, by=request.user)
    return redirect(notice.link or "pages:notices")


@require_POST
@opens_for(READS_NOTICES)
def notices_read_all(request):
    count = services.notices_read_all(by=request.user)
    messages.success(request, _("%(count)d notices marked read.") % {"count": count})
    return redirect("pages:notices")
