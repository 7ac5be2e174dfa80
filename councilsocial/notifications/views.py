"""The outbox page: Communications see the emails the application has written."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Notification


@login_required
def outbox(request):
    """Communications' view of the emails the application has written, newest first."""
    if not request.user.has_perm("notifications.view_outbox"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    notifications = Notification.objects.all()
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    page = Paginator(notifications.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "status": status, "statuses": Notification.Status.choices},
    )
