"""The address Meta pushes Facebook Page and Instagram changes to (``/webhooks/meta/``).

Meta signs with the app secret (``CONNECTOR_FACEBOOK_CLIENT_SECRET``; Instagram's, if the council
registered it separately, is accepted too). Answers:

- GET, Meta's subscription set-up: 200 with ``hub.challenge`` when the verify token is ours, else 403;
- POST with a missing or wrong signature: 403, nothing done;
- POST, a replay of a body already received within a day: 200 and nothing done. 200 rather than 409,
  because Meta resends a delivery it does not see answered 200 (for up to 36 hours), and a replay
  that was refused would only come back;
- POST, a signed body that is not JSON: 400;
- POST, a new signed delivery: 200, and a sync is asked for each account it names.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from councilsocial.tasking import enqueue_on_commit

from . import tasks
from .connectors import webhooks


def request_sync(platform: str, account_ref: str) -> None:
    """Ask for that account's sync now, in the background (``tasks.sync_connection_now``)."""
    enqueue_on_commit(tasks.sync_connection_now, platform, account_ref)


def meta_app_secrets() -> list[str]:
    secrets = (settings.CONNECTOR_FACEBOOK_CLIENT_SECRET, settings.CONNECTOR_INSTAGRAM_CLIENT_SECRET)
    return [secret for secret in dict.fromkeys(secrets) if secret]


@csrf_exempt  # Meta cannot send our CSRF token; the signature is the proof instead
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        challenge = webhooks.subscription_challenge(request.GET, settings.CONNECTOR_META_WEBHOOK_VERIFY_TOKEN)
        if challenge is None:
            return HttpResponseForbidden("Not a subscription we set up.", content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")

    body = request.body
    header = request.headers.get(webhooks.SIGNATURE_HEADER, "")
    if not any(webhooks.verify_meta_signature(body, header, secret) for secret in meta_app_secrets()):
        return HttpResponseForbidden("The signature does not match.", content_type="text/plain")
    if not webhooks.first_delivery(body):
        return HttpResponse("Already received.", content_type="text/plain")
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("Not JSON.", content_type="text/plain")
    for platform, account_ref in webhooks.accounts_to_sync(payload):
        request_sync(platform, account_ref)
    return HttpResponse("Received.", content_type="text/plain")
