from django import template

register = template.Library()


@register.filter
def person_name(user, fallback: str = "the system") -> str:
    """A person's full name, else their username; ``fallback`` when there is nobody."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()
