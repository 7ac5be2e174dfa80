"""The ``policy_refs`` filter: words escaped, each policy reference set apart as a hint (issue 13)."""

from django.utils.html import format_html

from councilsocial.templatetags.council import policy_refs


def test_a_reference_is_set_apart_and_the_rest_escaped():
    out = policy_refs("Needs an accepted risk assessment (000 §10) <b>now</b>")

    assert out == (
        'Needs an accepted risk assessment <span class="app-policy-ref">(000 §10)</span> '
        "&lt;b&gt;now&lt;/b&gt;"
    )


def test_html_already_marked_safe_is_left_as_it_is():
    link = format_html('The account “<a href="{}">{}</a>” was changed.', "/admin/x/1/", "@ccdc")

    assert policy_refs(link) == link


def test_nothing_gives_nothing():
    assert policy_refs(None) == ""
