"""axe-core (vendored, see vendor/VENDORED.txt) run inside the page against WCAG 2.2 AA.

The app's Content-Security-Policy would refuse the injected script, so pages are checked in a
browser context opened with `bypass_csp=True` (see conftest.py); the app's own scripts are
checked under the real policy by test_csp.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

RUN = """async tags => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return results.violations;
}"""


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as loaded, at any impact."""
    page.add_script_tag(path=AXE)
    found: list[dict[str, Any]] = page.evaluate(RUN, WCAG_22_AA)
    return found


def blocking(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in found if v.get("impact") in BLOCKING]


def describe(url: str, found: list[dict[str, Any]]) -> str:
    """One block per violation: impact, rule, what to fix, and where (first few elements)."""
    lines = [url]
    for v in found:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"      at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"         {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"      ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)
