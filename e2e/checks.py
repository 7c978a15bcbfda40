"""Page-wide checks: horizontal overflow, visible focus, field errors, axe-core scans."""
from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from e2e.locations import SCREENSHOTS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
BLOCKING_IMPACTS = ("serious", "critical")
MAX_ERROR_GAP_PX = 48

_axe = Axe()

OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
               + (el.className && typeof el.className === 'string'
                  ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {visible: outline || !!shadow, tag: el.tagName.toLowerCase(),
          name: el.getAttribute('aria-label') || el.name || el.id || el.textContent.trim(),
          outline: style.outlineStyle + ' ' + style.outlineWidth, shadow: style.boxShadow};
}"""

ERROR_GAP_JS = """el => {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/);
  const error = ids.map(id => document.getElementById(id)).find(n => n && /-error$/.test(n.id));
  if (!error) return null;
  const field = el.getBoundingClientRect(), message = error.getBoundingClientRect();
  return Math.max(message.top - field.bottom, field.top - message.bottom);
}"""


def horizontal_overflow(page: Page) -> str | None:
    """None when the page fits its viewport's width, else what sticks out."""
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] <= found["clientWidth"]:
        return None
    return (f"scrollWidth {found['scrollWidth']} > clientWidth {found['clientWidth']}; "
            f"wider elements: {', '.join(found['wide']) or '?'}")


def focused_element(page: Page) -> dict | None:
    """The focused element's tag, name and whether its focus style is visible."""
    return page.evaluate(FOCUS_JS)


def expect_field_error(field: Locator, message: str) -> None:
    """`field` is marked invalid, described by `message`, and the message sits right by it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    gap = field.evaluate(ERROR_GAP_JS)
    assert gap is not None and gap <= MAX_ERROR_GAP_PX, (
        f"the error for {field} is {gap} px away from the field")


def serious_violations(page: Page) -> list[dict]:
    """axe-core violations of serious or critical impact on the current page."""
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    """Rule id, impact, target selectors and help URL of each violation, one block per rule."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  help: {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"  target: {', '.join(map(str, node['target']))}")
    return "\n".join(lines)


def problems_at_both_sizes(page: Page, name: str) -> list[str]:
    """Screenshot the page as pages/<name>-<size>.png; what scrolls sideways or fails axe."""
    problems = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"{name}-{viewport}.png", full_page=True)
        overflow = horizontal_overflow(page)
        if overflow:
            problems.append(f"{viewport}: scrolls sideways: {overflow}")
        violations = serious_violations(page)
        if violations:
            problems.append(f"{viewport}: serious or critical axe violations:\n"
                            f"{describe_violations(violations)}")
    return problems
