"""The site's navigation, by role: the top layer, so it may ask any app (business case queues)."""

from __future__ import annotations

from business_cases.selectors import waiting_count

from .permissions import is_administrator, is_communications, is_corporate_director, is_service_officer


def navigation_for(user) -> list[tuple[str, str]]:
    """The navigation a person sees, by role: (url name, label).

    Kept short: pages used less often (the outbox, who may use what, the council heat map, the
    content checker for Communications) are linked from the home page, the dashboard and the
    operations page instead.
    """
    if not user.is_authenticated:
        return []
    comms, officer, director = is_communications(user), is_service_officer(user), is_corporate_director(user)
    items = [("home", "Home")]
    if comms or officer or director:
        items.append(("register-list", "Register"))
        # One query: the cases waiting for this person's decision or advice (business case queues).
        waiting = waiting_count(user) if comms or director else 0
        items.append(("business-case-list", f"Business cases ({waiting})" if waiting else "Business cases"))
        items.append(("risk-assessment-list", "Risk assessments"))  # 000 §9
    if comms or officer:
        items.append(("inbox", "Inbox"))  # enquiries and their deadlines, 000 §25
    if officer and not comms:
        items.append(("content-check", "Check a post"))  # 003 D4.1
    if comms:
        items.append(("dashboard", "Dashboard"))
        items.append(("operations", "Operations"))  # 003 D9–D11
    if is_administrator(user) and not comms:
        items.append(("who-may-use-what", "Access"))  # 002 §5.2
    if is_administrator(user) and not comms:
        # Communications reach administration from the Operations page, so their navigation fits
        # on one line at 1280 px (issue 13).
        items.append(("admin:index", "Administration"))
    return items
