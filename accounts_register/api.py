"""The register's read-only API: ``GET /api/accounts/`` and ``GET /api/accounts/{id}/`` (issue 3 item 9).

Token (or session) authentication; a person sees the same accounts as on the register screens
(``SocialMediaAccount.objects.visible_to``), and an account they may not see is a 404. Credentials
custody details and internal notes are not part of the API (004 Do 3).
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.routers import SimpleRouter

from .models import AccountStatus, Service, SocialMediaAccount
from .platforms import Platform


class ServiceSummarySerializer(serializers.ModelSerializer):
    directorate = serializers.CharField(source="directorate.name", read_only=True)

    class Meta:
        model = Service
        fields = ["id", "name", "directorate"]


class AccountSerializer(serializers.ModelSerializer):
    service = ServiceSummarySerializer(read_only=True)
    display_handle = serializers.CharField(read_only=True)

    class Meta:
        model = SocialMediaAccount
        fields = [
            "id",
            "platform",
            "handle",
            "display_handle",
            "url",
            "display_name",
            "service",
            "kind",
            "status",
            "purpose",
            "launch_date",
            "planned_end_date",
            "review_date",
            "admin_mailbox",
            "admin_mailbox_is_shared",
            "comms_has_admin_access",
            "mfa_enabled",
            "followers",
            "last_activity_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AccountFilterSerializer(serializers.Serializer):
    """The list's filters, checked so that a wrong value is a clear 400, never a 500."""

    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    service = serializers.IntegerField(min_value=1, required=False)
    status = serializers.ChoiceField(choices=AccountStatus.choices, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="List the accounts you may see",
        parameters=[
            OpenApiParameter("platform", OpenApiTypes.STR, enum=Platform.values, description="Platform code"),
            OpenApiParameter("service", OpenApiTypes.INT, description="The owning service's id"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=AccountStatus.values, description="Status"),
        ],
    ),
    retrieve=extend_schema(summary="One account you may see"),
)
class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounts on the register, as the signed-in person may see them."""

    serializer_class = AccountSerializer
    queryset = SocialMediaAccount.objects.none()  # for the schema; the real one is per user

    def get_queryset(self):
        accounts = (
            SocialMediaAccount.objects.visible_to(self.request.user)
            .select_related("service__directorate")
            .order_by("platform", "handle", "pk")
        )
        if self.action == "list":
            filters = AccountFilterSerializer(data=self.request.query_params)
            if not filters.is_valid():
                raise ValidationError(filters.errors)
            for name, value in filters.validated_data.items():
                accounts = accounts.filter(**{"service_id" if name == "service" else name: value})
        return accounts


router = SimpleRouter()
router.register("api/accounts", AccountViewSet, basename="api-account")

urlpatterns = [path("", include(router.urls))]
