"""Browser-test helpers: axe-core accessibility checks (issue 8 item 1), and the reflow, text-spacing
and text-resize checks of WCAG 2.2 1.4.10, 1.4.12 and 1.4.4 (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# WCAG 2.2 level AA, as the Public Sector Bodies Accessibility Regulations require: every level A
# and AA rule of WCAG 2.0, 2.1 and 2.2.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """async (tags) => {
  const results = await window.axe.run(
    document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}
  );
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
    # Loaded with every page the test opens (a walk opens many); pages set with set_content get it below.
    page.context.add_init_script(script=source)

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


# --- Reflow, text spacing and text resize (issue 17) ------------------------------------------------
DESKTOP = {"width": 1280, "height": 800}
# WCAG 2.2 1.4.10: 320 CSS px wide, the same as 400% zoom on a 1280 px screen.
NARROW = {"width": 320, "height": 640}

# WCAG 2.2 1.4.12's text spacing, applied with !important as the user's own stylesheet would be.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
# WCAG 2.2 1.4.4: text at 200%. GOV.UK Frontend sizes text in rem, so doubling the root font size
# enlarges every piece of text without zooming the layout, as a browser's text-only zoom does.
TEXT_200 = "html { font-size: 200% !important; }"

_PROBLEMS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const classes = (el) => typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
  const name = (el) => [el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), ...classes(el)]
    .filter(Boolean).join(".");
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const hiddenOnPurpose = (el, style, box) =>
    box.width <= 1 || box.height <= 1 || style.clip === "rect(0px, 0px, 0px, 0px)"
    || style.clipPath === "inset(50%)" || el.closest("[hidden], .govuk-visually-hidden, .govuk-skip-link");
  const wide = [];
  const clipped = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && !hiddenOnPurpose(el, style, box)) {
      let parent = el.parentElement;
      while (parent && parent !== document.body && !scrolls(parent)) parent = parent.parentElement;
      if (!parent || parent === document.body) wide.push(`${name(el)} ends at ${Math.round(box.right)}px`);
    }
    const hides = (value) => value === "hidden" || value === "clip";
    if ((hides(style.overflowX) || hides(style.overflowY)) && !hiddenOnPurpose(el, style, box)
        && !["input", "select", "textarea", "img", "svg"].includes(el.tagName.toLowerCase())
        && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      const inner = `${el.scrollWidth}x${el.scrollHeight}`;
      clipped.push(`${name(el)} clips its content (${inner} in ${el.clientWidth}x${el.clientHeight})`);
    }
  }
  return {scrollWidth: root.scrollWidth, width, wide: wide.slice(0, 5), clipped: clipped.slice(0, 5)};
}"""

_ADOPT = """(css) => {
  // A constructed stylesheet: the page's Content Security Policy forbids a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  window.__userStyle = sheet;
}"""
_DROP = """() => {
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== window.__userStyle);
}"""


def layout_problems(page, *, user_css: str | None = None) -> list[str]:
    """What stops the page reflowing at the viewport's width, as readable lines (none when it's fine).

    The page must not be wider than the viewport (content that needs two dimensions scrolls inside
    its own region), and with ``user_css`` applied (text spacing, larger text) no box may clip its
    text. Visually hidden text and form controls, which clip on purpose, are left out.
    """
    if user_css:
        page.evaluate(_ADOPT, user_css)
    try:
        found = page.evaluate(_PROBLEMS)
    finally:
        if user_css:
            page.evaluate(_DROP)
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(f"the page is {found['scrollWidth']}px wide in a {found['width']}px window")
        problems.extend(f"    {line}" for line in found["wide"])
    problems.extend(found["clipped"])
    return problems
