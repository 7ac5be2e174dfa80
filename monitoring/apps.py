from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from accounts_register.extensions import account_connection
        from councilsocial import status_tags
        from councilsocial.flags import registry
        from operations.extensions import post_counts

        from .checks import CHECKS
        from .models import Enquiry, EnquiryStatus
        from .selectors import account_connection_panel, account_posts_today

        for name, check in CHECKS.items():
            registry.register(name, check)
        # The content checker counts the account's posts today (004 Part C).
        post_counts.provide(posts_today=account_posts_today)
        # The account page shows its connection to the platform and its health (issue 14 item 5).
        account_connection.provide(panel=account_connection_panel)
        status_tags.register("connection_health", {"syncing": "green", "failing": "orange", "broken": "red"})
        status_tags.register(
            Enquiry,
            {
                EnquiryStatus.OPEN: "yellow",
                EnquiryStatus.HOLDING: "blue",
                EnquiryStatus.ANSWERED: "green",
                EnquiryStatus.NO_RESPONSE_NEEDED: "grey",
            },
        )
