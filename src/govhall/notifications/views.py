"""我的消息: the signed-in user's in-site messages (citizens, enterprises and staff alike).

Only the recipient sees a message (selectors); marking one read answers 404 for anyone else's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from govhall.notifications import selectors, services
from govhall.portal.http import application_errors, safe_next_url

PAGE_SIZE = 20


def _inbox_url(unread_only: bool) -> str:
    url = reverse("notifications:inbox")
    return f"{url}?unread=1" if unread_only else url


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    queryset = selectors.notification_inbox(actor=request.user, unread_only=unread_only)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread_count": selectors.notification_unread_count(actor=request.user),
        "query_string": "unread=1" if unread_only else "",
    }
    return render(request, "notifications/inbox.html", context)


@require_POST
@login_required
@application_errors
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one message read, then go to ``next`` (e.g. the message's link) or the inbox."""
    services.notification_mark_read(actor=request.user, notification_id=notification_id)
    target = safe_next_url(request, request.POST.get("next"))
    return redirect(target or _inbox_url(request.POST.get("unread") == "1"))


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("已将 %(count)d 条消息标为已读。", "已将 %(count)d 条消息标为已读。", count)
            % {"count": count},
        )
    return redirect("notifications:inbox")
