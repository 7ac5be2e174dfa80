import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()


@register.filter
def person_name(user, fallback: str = "the system") -> str:
    """A person's full name, else their username; ``fallback`` when there is nobody."""
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


# A policy reference: "000 §25", "003 D5.2", "000 Appendix 2", "004 Do 3", "004 Don't 5–6",
# "003 Section B", "003 B2.4".
_REFERENCE = r"\b0\d\d (?:§|D\d|Appendix \d|Do \d|Don't \d|Section [A-Z]|B\d)"
# A bracketed aside holding a reference, or a bare reference with any paragraphs that follow it.
_POLICY_ASIDE = re.compile(
    rf"\((?=[^()]*{_REFERENCE})[^()]*\)"
    rf"|{_REFERENCE}[\w.–-]*(?:[,;]? (?:§[\w.–-]+|0\d\d [§\w.–-]+(?: \d+)?))*"
)


def policy_reference_html(text: str) -> SafeString:
    """``text`` escaped, with each policy reference in it set apart as a hint
    (``<span class="app-policy-ref">``): the words first, the paragraph beside them (issue 13)."""
    out, last = [], 0
    for match in _POLICY_ASIDE.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(format_html('<span class="app-policy-ref">{}</span>', match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - every piece is escaped above


@register.filter
def policy_refs(text) -> SafeString:
    """Template filter: ``{{ mitigation|policy_refs }}``; see ``policy_reference_html``. Text that is
    already HTML (marked safe, as Django admin's messages with links are) is left as it is."""
    if isinstance(text, SafeData):
        return text
    return policy_reference_html("" if text is None else str(text))
