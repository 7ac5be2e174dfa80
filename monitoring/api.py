"""Monitoring's JSON API: enquiries, responses, posts and governance flags (issue 6 item 4a).

``POST /api/enquiries/`` and ``POST /api/posts/`` take one object or a list of up to
``MONITORING_API_MAX_ITEMS``; both are idempotent on account and platform id (the same pair again
returns the stored record, unchanged, with 200). A list is all or nothing: one bad item is a 400
with a message per field of each bad item, and nothing is written. A person who works in a service
may only send data for that service's accounts; Communications may send it for every account.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from accounts_register.models import Service, SocialMediaAccount
from accounts_register.selectors import flags_visible_to
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.permissions import is_communications
from councilsocial.rest import AwareDateTimeField

from . import services
from .models import PEOPLE_REASONS, Channel, Enquiry, Post, PostKind, Response, ResponseKind
from .selectors import get_enquiry_for_user


def accounts_for_sender(user):
    """The accounts a person may send enquiries and posts for: their services', or all for Comms."""
    if is_communications(user):
        return SocialMediaAccount.objects.all()
    return SocialMediaAccount.objects.filter(service__in=Service.objects.for_member(user).values("pk"))


class SenderAccountField(serializers.IntegerField):
    """An account id the sender may write for; the accounts are looked up once per request."""

    default_error_messages = {
        **serializers.IntegerField.default_error_messages,
        "missing": "There is no account with id {value}.",
        "forbidden": "You may not send data for account {value}: it belongs to another service.",
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        accounts = self.context["accounts"]  # {id: may write}
        if value not in accounts:
            self.fail("missing", value=value)
        if not accounts[value]:
            self.fail("forbidden", value=value)
        return value


def _optional_text(max_length: int, help_text: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, allow_blank=True, required=False, default="", help_text=help_text
    )


def _platform_link() -> serializers.URLField:
    """A link to the item on the platform: a web address only (the services keep nothing else)."""
    return serializers.URLField(
        max_length=500,
        allow_blank=True,
        required=False,
        default="",
        help_text="A link to it on the platform.",
    )


class EnquiryInSerializer(serializers.Serializer):
    account = SenderAccountField(min_value=1, help_text="The account's id on the register.")
    platform_id = serializers.CharField(max_length=200, help_text="The platform's own id for the enquiry.")
    received_at = AwareDateTimeField(help_text="ISO 8601 with offset.")
    author = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    text = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    channel = serializers.ChoiceField(choices=Channel.choices)
    url = _platform_link()
    conversation_id = _optional_text(200, "The platform's id of the thread.")


class LeanRepresentation:
    """The same output as DRF's ``to_representation`` for flat read-only model serializers, without
    its per-value attribute machinery: a list API answers 1,000 records at a time (issue 16)."""

    def to_representation(self, instance):
        plan = getattr(self, "_lean_plan", None)
        if plan is None:
            plan = []
            for field in self._readable_fields:
                if isinstance(field, serializers.RelatedField):  # the related object's primary key
                    plan.append((field.field_name, f"{field.source}_id", None))
                else:
                    plan.append((field.field_name, field.source, field.to_representation))
            self._lean_plan = plan
        data = {}
        for name, attname, represent in plan:
            value = getattr(instance, attname)
            data[name] = value if value is None or represent is None else represent(value)
        return data


class EnquirySerializer(LeanRepresentation, serializers.ModelSerializer):
    class Meta:
        model = Enquiry
        fields = [
            "id",
            "account",
            "platform_id",
            "received_at",
            "author",
            "text",
            "channel",
            "url",
            "conversation_id",
            "status",
            "response_due_at",
            "response_policy",
            "first_response_at",
            "first_response_working_seconds",
            "met_deadline",
            "closed_at",
            "no_response_reason",
        ]
        read_only_fields = fields


class PostInSerializer(serializers.Serializer):
    account = SenderAccountField(min_value=1, help_text="The account's id on the register.")
    platform_id = serializers.CharField(max_length=200, help_text="The platform's own id for the post.")
    posted_at = AwareDateTimeField(help_text="ISO 8601 with offset.")
    kind = serializers.ChoiceField(choices=PostKind.choices, required=False, default=PostKind.ORIGINAL)
    text = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    url = _platform_link()
    published_by = _optional_text(200, "Which authorised user published it, where the platform says.")


class PostSerializer(LeanRepresentation, serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "account", "platform_id", "posted_at", "kind", "text", "url", "published_by"]
        read_only_fields = fields


class ResponseInSerializer(serializers.Serializer):
    responded_at = AwareDateTimeField(help_text="ISO 8601 with offset.")
    kind = serializers.ChoiceField(choices=ResponseKind.choices)
    reason = serializers.ChoiceField(
        choices=PEOPLE_REASONS,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when kind is no_response_needed (004 Don't 5–6).",
    )
    text = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default="", help_text="What was said (optional)."
    )


class ResponseSerializer(serializers.ModelSerializer):
    enquiry = EnquirySerializer(read_only=True)

    class Meta:
        model = Response
        fields = ["id", "kind", "responded_at", "reason", "text", "enquiry"]
        read_only_fields = fields


class FlagSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    subject_type = serializers.SerializerMethodField()

    class Meta:
        model = GovernanceFlag
        fields = [
            "id",
            "kind",
            "kind_display",
            "subject_type",
            "subject_id",
            "account",
            "service",
            "raised_at",
            "resolved_at",
        ]
        read_only_fields = fields

    def get_subject_type(self, flag) -> str:
        return f"{flag.subject_type.app_label}.{flag.subject_type.model}"


class FlagFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "resolved", "all"], required=False, default="open")
    kind = serializers.ChoiceField(choices=FlagKind.choices, required=False)


def _items_from(request) -> tuple[list, bool]:
    """The request body as a list of items, and whether it was a list. Shapes are checked here."""
    data = request.data
    if isinstance(data, dict):
        return [data], False
    if isinstance(data, list):
        if not data:
            raise ValidationError({"non_field_errors": ["Send at least one item."]})
        limit = settings.MONITORING_API_MAX_ITEMS
        if len(data) > limit:
            raise ValidationError({"non_field_errors": [f"Send at most {limit} items in one request."]})
        return data, True
    raise ValidationError({"non_field_errors": ["Send a JSON object or a list of objects."]})


def _account_context(request, items: list) -> dict:
    """{account id: may write} for the ids in the request, in one query."""
    ids = set()
    for item in items:
        raw = item.get("account") if isinstance(item, dict) else None
        if isinstance(raw, int) and not isinstance(raw, bool):
            ids.add(raw)
        elif isinstance(raw, str) and raw.strip().isdigit():
            ids.add(int(raw))
    allowed = set(accounts_for_sender(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    existing = SocialMediaAccount.objects.filter(pk__in=ids).values_list("pk", flat=True)
    return {"accounts": {pk: pk in allowed for pk in existing}}


class _IngestView(APIView):
    """Shared POST handling for enquiries and posts: single or list, validated, then ``ingest_service``."""

    in_serializer: type[serializers.Serializer]
    out_serializer: type[serializers.Serializer]
    ingest_service: staticmethod  # services.enquiries_ingest or services.posts_ingest

    def ingest(self, items: list[dict]):
        return self.ingest_service(items=items, now=timezone.now())

    def post(self, request):
        items, is_list = _items_from(request)
        incoming = self.in_serializer(data=items, many=True, context=_account_context(request, items))
        if not incoming.is_valid():
            raise ValidationError(incoming.errors if is_list else incoming.errors[0])
        result = self.ingest(incoming.validated_data)
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        body = self.out_serializer(result.records, many=True).data
        return ApiResponse(body if is_list else body[0], status=code)


def _one_or_many(name: str, serializer) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[serializer, serializer(many=True)],
        resource_type_field_name=None,
        many=False,
    )


@extend_schema(
    summary="Record enquiries (one, or a list of up to 1,000)",
    description=(
        "Idempotent on account and platform_id: a repeat returns the stored record unchanged (200). "
        "The deadline (response_due_at) is computed once, now, under 000 §25 or the account's policy."
    ),
    request=_one_or_many("EnquiryInOrList", EnquiryInSerializer),
    responses={
        201: _one_or_many("EnquiryOrList", EnquirySerializer),
        200: OpenApiResponse(description="Every item was already recorded; the stored records."),
        400: OpenApiResponse(description="A message per field of each bad item; nothing written."),
    },
)
class EnquiryIngestView(_IngestView):
    in_serializer = EnquiryInSerializer
    out_serializer = EnquirySerializer
    ingest_service = staticmethod(services.enquiries_ingest)


@extend_schema(
    summary="Record posts (one, or a list of up to 1,000)",
    description="Idempotent on account and platform_id. Each account's last activity moves forward.",
    request=_one_or_many("PostInOrList", PostInSerializer),
    responses={
        201: _one_or_many("PostOrList", PostSerializer),
        200: OpenApiResponse(description="Every item was already recorded; the stored records."),
        400: OpenApiResponse(description="A message per field of each bad item; nothing written."),
    },
)
class PostIngestView(_IngestView):
    in_serializer = PostInSerializer
    out_serializer = PostSerializer
    ingest_service = staticmethod(services.posts_ingest)


class EnquiryResponseView(APIView):
    @extend_schema(
        summary="Record a response to an enquiry",
        description=(
            "A holding reply or a full answer stops the clock; a full answer closes the enquiry; "
            "no_response_needed closes it and needs a reason."
        ),
        request=ResponseInSerializer,
        responses={201: ResponseSerializer, 400: OpenApiResponse(description="A message per field.")},
    )
    def post(self, request, pk: int):
        enquiry = get_enquiry_for_user(request.user, pk, write=True)
        incoming = ResponseInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            response = services.enquiry_record_response(
                enquiry=enquiry, by=request.user, now=timezone.now(), **incoming.validated_data
            )
        except services.ResponseError as error:
            raise ValidationError({field: [message] for field, message in error.errors.items()}) from None
        response.enquiry.refresh_from_db()
        return ApiResponse(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class FlagListView(generics.ListAPIView):
    """Governance flags of the services the person may see (all for Communications)."""

    serializer_class = FlagSerializer
    queryset = GovernanceFlag.objects.none()  # for the schema; the real one is per user

    @extend_schema(
        summary="List governance flags",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=["open", "resolved", "all"], description="Default open"
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=FlagKind.values, description="Kind of flag"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = FlagFilterSerializer(data=self.request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        flags = (
            flags_visible_to(self.request.user).select_related("subject_type").order_by("-raised_at", "-pk")
        )
        wanted = filters.validated_data
        if wanted["status"] == "open":
            flags = flags.filter(resolved_at__isnull=True)
        elif wanted["status"] == "resolved":
            flags = flags.filter(resolved_at__isnull=False)
        if wanted.get("kind"):
            flags = flags.filter(kind=wanted["kind"])
        return flags


urlpatterns = [
    path("api/enquiries/", EnquiryIngestView.as_view(), name="api-enquiries"),
    path("api/enquiries/<int:pk>/responses/", EnquiryResponseView.as_view(), name="api-enquiry-responses"),
    path("api/posts/", PostIngestView.as_view(), name="api-posts"),
    path("api/flags/", FlagListView.as_view(), name="api-flags"),
]
