"""The dashboard in a browser, under the app's real server: a second view is drawn from the
figures kept by the first (the same "counted at", figures and charts), and passes axe."""

from __future__ import annotations

from axe_check import blocking, describe, violations
from browsing import Screenshots, signed_in
from playwright.sync_api import Page

FIRST_VIEW_MS = 180_000  # the first view counts the records and draws the charts


def _shown(page: Page) -> tuple[str, str, list[str]]:
    """When the figures were counted, the area figures as shown, and the charts' names."""
    page.goto("/dashboard")
    counted = page.locator("#counted-at time").get_attribute("datetime") or ""
    figures = page.locator("main .nhsuk-body-l").all_inner_texts()
    charts = page.locator('main svg[role="img"]').evaluate_all(
        "svgs => svgs.map(s => s.getAttribute('aria-label'))"
    )
    return counted, "\n".join(figures), charts


def test_the_dashboard_is_shown_again_from_the_kept_figures(
    axe_page: Page, screenshots: Screenshots
) -> None:
    axe_page.set_default_timeout(FIRST_VIEW_MS)
    signed_in(axe_page, "commissioner")  # the commissioner's home page is the dashboard
    first = _shown(axe_page)
    assert first[0], "not counted from the records"
    assert first[1].count(" of ") >= 30, "not every indicator on the dashboard"
    again = _shown(axe_page)
    assert again == first  # kept: counted at the same moment, the same figures and charts
    screenshots.take(axe_page, "kept")
    found = blocking(violations(axe_page))
    assert not found, describe(axe_page.url, found)
