"""Browser-test helpers: axe-core accessibility checks (issue 8 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# WCAG 2.2 level AA, as the Public Sector Bodies Accessibility Regulations require: every level A
# and AA rule of WCAG 2.0, 2.1 and 2.2.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """async (tags) => {
  const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
  }));
}"""


def describe(violations: list[dict]) -> str:
    """A readable list of violations for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.fixture
def axe(page):
    """Run axe-core's WCAG 2.2 AA rules on the page as it is now; returns the violations.

    The script is evaluated through the DevTools protocol, which the page's strict Content Security
    Policy does not govern (a <script> tag added to the page would be blocked by it).
    """
    source = AXE_SOURCE.read_text()

    def run() -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(source)
        return page.evaluate(_RUN_AXE, WCAG_22_AA)

    return run


def sign_in_page(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the real sign-in form and wait for the home page."""
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
