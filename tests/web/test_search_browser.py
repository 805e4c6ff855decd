"""A newcomer in chromium finds a resource by a former name from the header's search box of another page."""

from __future__ import annotations

import pytest

from .test_browser import ARTEFACTS, browser, only_local, page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_typing_a_former_name_in_the_header_reaches_the_resource(page, server):  # noqa: F811
    page.goto(server.url("/id/country/kz"))
    box = page.locator("header form.search input[name=q]")
    box.fill("Nur-Sultan")  # Astana's name 2019-2022
    suggestion = page.locator("header ul.suggestions a").first
    suggestion.wait_for(timeout=15000)
    assert "Astana" in suggestion.inner_text() and "Nur-Sultan" in suggestion.inner_text()
    page.screenshot(path=str(ARTEFACTS / "search-suggestions.png"))
    suggestion.click()
    page.wait_for_url(server.url("/id/place/astana"), timeout=15000)
    assert "Astana" in page.locator("h1").inner_text()
    assert only_local(page.requested_hosts)


def test_enter_in_the_header_box_opens_the_results_page(page, server):  # noqa: F811
    page.goto(server.url("/"))
    box = page.locator("header form.search input[name=q]")
    box.fill("Tiongkok")
    box.press("Enter")
    page.wait_for_url(server.url("/search?q=Tiongkok"), timeout=15000)
    first = page.locator("ol.search-results a").first
    assert first.inner_text() == "China"
    first.click()
    page.wait_for_url(server.url("/id/country/cn"), timeout=15000)


def test_suggestions_of_an_earlier_query_go_when_a_later_one_fails(page, server):  # noqa: F811
    page.goto(server.url("/id/country/kz"))
    box = page.locator("header form.search input[name=q]")
    box.fill("Nur-Sultan")
    suggestions = page.locator("header ul.suggestions a")
    suggestions.first.wait_for(timeout=15000)
    # the server now fails (as a build switch or an overloaded worker may): Astana is no answer to "Tiongkok"
    page.route("**/search?*", lambda route: route.fulfill(status=503, body="busy"))
    box.fill("Tiongkok")
    suggestions.first.wait_for(state="detached", timeout=15000)
    assert suggestions.count() == 0 and not page.locator("header ul.suggestions").is_visible()
