"""Operations API: ``POST /api/content-check/`` and ``GET /api/monitoring-terms/``.

The content checker gives advice only; it never posts anything (003 D4.1). Service officers and
Communications may use it; the account, if given, must be one the person may see.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts_register.models import SocialMediaAccount
from accounts_register.platforms import Platform

from . import services as ops


class ContentCheckRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000, trim_whitespace=False)
    account = serializers.IntegerField(required=False, help_text="The account's id; its platform is used.")
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)
    announcement_for_x = serializers.BooleanField(default=False)
    shows_children = serializers.BooleanField(default=False)
    consent_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    has_image = serializers.BooleanField(default=False)
    alt_text = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    has_video = serializers.BooleanField(default=False)
    has_captions = serializers.BooleanField(default=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_account(self, value):
        account = SocialMediaAccount.objects.visible_to(self.user).filter(pk=value).first()
        if account is None:
            raise serializers.ValidationError("There is no account with this id that you may see.")
        return account


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    policy = serializers.CharField(help_text="The policy paragraph the advice comes from, e.g. 003 D10.")
    matches = serializers.ListField(child=serializers.CharField())


class ContentCheckResponseSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    posts_today = serializers.IntegerField(
        allow_null=True, help_text="The account's original posts so far today, if an account was given."
    )


class ContentCheckView(APIView):
    @extend_schema(request=ContentCheckRequestSerializer, responses=ContentCheckResponseSerializer)
    def post(self, request):
        """Check a draft post and return advice, each finding with its policy paragraph."""
        if not request.user.has_perm("operations.check_content"):
            raise PermissionDenied("Only service officers and Communications may use the content checker.")
        serializer = ContentCheckRequestSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = ops.check_draft(
            user=request.user,
            text=data["text"],
            platform=data.get("platform") or "",
            account=data.get("account"),
            announcement_for_x=data["announcement_for_x"],
            shows_children=data["shows_children"],
            consent_reference=data["consent_reference"],
            has_image=data["has_image"],
            alt_text=data["alt_text"],
            has_video=data["has_video"],
            has_captions=data["has_captions"],
            now=timezone.now(),
        )
        return Response(
            {
                "findings": [finding.as_dict() for finding in result.findings],
                "posts_today": result.context.posts_today,
            }
        )


class MonitoringTermSerializer(serializers.Serializer):
    term = serializers.CharField()
    service = serializers.CharField(source="service.name")
    approved_at = serializers.DateTimeField(source="decided_at")


class MonitoringTermsView(APIView):
    @extend_schema(responses=MonitoringTermSerializer(many=True))
    def get(self, request):
        """The approved monitoring terms, for the monitoring tool (003 D11.2). Communications only."""
        if not request.user.has_perm("operations.manage_operations"):
            raise PermissionDenied("Only Communications may read the monitoring terms.")
        return Response(MonitoringTermSerializer(ops.approved_monitoring_terms(), many=True).data)
