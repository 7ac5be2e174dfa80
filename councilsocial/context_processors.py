from django.conf import settings

from .navigation import navigation_for


def site(request):
    """The council's name and the navigation for the person signed in."""
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "navigation": navigation_for(user) if user is not None else [],
        "current_url_name": current,
    }
