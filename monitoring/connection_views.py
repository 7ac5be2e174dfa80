"""Pages for connected accounts (issue 14 items 4–6): connect (app password or OAuth), the OAuth
callback, disconnect, and replying on the platform from the inbox.

Connecting and disconnecting are Communications' alone: ``get_account_for_user(..., write=True)``
gives 404 for an account the person may not see and 403 for one they may only read. A secret is
never put in a page, a message or a log.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts_register.selectors import get_account_for_user
from councilsocial.permissions import is_communications

from .connections import (
    ConnectionRefused,
    connection_connect_app_password,
    connection_disconnect,
    connection_oauth_cancel,
    connection_oauth_finish,
    connection_oauth_start,
    enquiry_reply_on_platform,
    reply_limit_for,
    reply_refusal,
)
from .connectors.registry import how_to_connect
from .forms import AppPasswordForm, PlatformReplyForm
from .models import Connection
from .selectors import get_enquiry_for_user

#: The session key holding the ``state`` of the OAuth sign-in this browser started.
OAUTH_SESSION_KEY = "connection_oauth_state"


def _callback_uri(request) -> str:
    """The address registered with each platform's app: the site's own (``SITE_URL``), so it is the
    same whatever host or proxy the request came through."""
    return f"{settings.SITE_URL}{reverse('connection-oauth-callback')}"


@sensitive_post_parameters("app_password")
@never_cache
@login_required
def account_connect(request, pk: int):
    """Connect the account to its platform: a handle and app password (Bluesky), or the platform's
    own sign-in (OAuth with PKCE). Communications only."""
    account = get_account_for_user(request.user, pk, write=True)
    how = how_to_connect(account.platform)
    back = reverse("account-detail", args=[account.pk])
    context = {"account": account, "how": how, "back_url": back, "platform": account.get_platform_display()}
    if how == "app_password":
        form = AppPasswordForm(
            request.POST or None, initial={"handle": account.handle}, platform=account.platform
        )
        if request.method == "POST" and form.is_valid():
            try:
                connection_connect_app_password(
                    account=account,
                    handle=form.cleaned_data["handle"],
                    app_password=form.cleaned_data["app_password"],
                    by=request.user,
                    now=timezone.now(),
                )
            except ConnectionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    f"{account.display_handle} is connected. "
                    "Its posts and enquiries arrive within five minutes.",
                )
                return redirect(back)
        return render(request, "monitoring/connection_app_password.html", {**context, "form": form})
    return render(request, "monitoring/connection_connect.html", context)


@never_cache
@login_required
def account_connect_oauth(request, pk: int):
    """Start the platform's sign-in (OAuth with PKCE) and send the person there. A link, not a form:
    the Content Security Policy lets forms post only to this site, and a form's redirect to the
    platform would be blocked. Starting one is harmless on its own: the ``state`` is bound to this
    session and used once."""
    account = get_account_for_user(request.user, pk, write=True)
    try:
        start = connection_oauth_start(
            account=account, by=request.user, redirect_uri=_callback_uri(request), now=timezone.now()
        )
    except ConnectionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("account-detail", pk=account.pk)
    request.session[OAUTH_SESSION_KEY] = start.state
    return redirect(start.url)


@never_cache
@login_required
def connection_oauth_callback(request):
    """Where the platform sends the person back after its sign-in: the ``state`` must be the one this
    browser's session started, once, within ten minutes."""
    if not is_communications(request.user):
        raise PermissionDenied
    session_state = request.session.pop(OAUTH_SESSION_KEY, None)
    state = request.GET.get("state", "")[:200]
    code = request.GET.get("code", "")[:4000]
    if request.GET.get("error") or not code:
        connection_oauth_cancel(state=state, session_state=session_state, by=request.user)
        problem = "The platform did not connect the account: the sign-in was cancelled or refused there."
        return render(request, "monitoring/connection_problem.html", {"problem": problem}, status=400)
    try:
        connection = connection_oauth_finish(
            state=state,
            session_state=session_state,
            code=code,
            by=request.user,
            redirect_uri=_callback_uri(request),
            now=timezone.now(),
        )
    except ConnectionRefused as refusal:
        return render(request, "monitoring/connection_problem.html", {"problem": str(refusal)}, status=400)
    messages.success(request, "The account is connected. Its posts and enquiries arrive within five minutes.")
    return redirect("account-detail", pk=connection.account_id)


@login_required
def account_disconnect(request, pk: int):
    """Disconnect the account: its tokens or app password are deleted. Communications only."""
    account = get_account_for_user(request.user, pk, write=True)
    connection = Connection.objects.filter(account=account).first()
    back = reverse("account-detail", args=[account.pk])
    if connection is None:
        return redirect(back)
    if request.method == "POST":
        connection_disconnect(account=account, by=request.user, now=timezone.now())
        messages.success(
            request, f"{account.display_handle} is disconnected. The app no longer holds its sign-in."
        )
        return redirect(back)
    return render(
        request,
        "monitoring/connection_disconnect.html",
        {"account": account, "connection": connection, "back_url": back},
    )


@login_required
def enquiry_reply(request, pk: int):
    """Reply on the platform from the inbox; the reply is recorded as the full answer (000 §25).
    Refused during an emergency except for the Communications officers named for it (003 D9.1)."""
    enquiry = get_enquiry_for_user(request.user, pk, write=True)
    refusal = reply_refusal(enquiry=enquiry, by=request.user)
    form = PlatformReplyForm(
        request.POST or None,
        platform_name=enquiry.account.get_platform_display(),
        limit=reply_limit_for(enquiry),
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            enquiry_reply_on_platform(
                enquiry=enquiry, text=form.cleaned_data["text"], by=request.user, now=timezone.now()
            )
        except ConnectionRefused as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request, f"Your reply to {enquiry.author or 'the enquiry'} was sent and recorded."
            )
            return redirect("inbox")
    status = 403 if refusal and request.method == "POST" else 200
    return render(
        request,
        "monitoring/enquiry_reply.html",
        {"enquiry": enquiry, "form": form, "refusal": refusal},
        status=status,
    )
