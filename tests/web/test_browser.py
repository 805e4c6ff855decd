"""A person with a browser: Debian's chromium, driven by Playwright, against the real server."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pyoxigraph as ox
import pytest

from kgbuild.storedqueries import stored_queries, term_text

from ..stored_answers import mismatches

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = "chromium is missing: apt-get update && apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the browser tests, never skip them
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request, so a test can check none leaves this machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(urlparse(request.url).hostname))
    ARTEFACTS.mkdir(exist_ok=True)
    yield page
    context.close()


def only_local(hosts: set) -> bool:
    return hosts <= {"127.0.0.1", None}


def test_query_ui_runs_an_example_and_follows_a_resource_link(page, server):
    page.goto(server.url("/sparql"))
    page.wait_for_selector("#yasgui[data-ready=true]", timeout=15000)
    page.click(".yasqe_queryButton")
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() >= 1
    page.screenshot(path=str(ARTEFACTS / "query-ui.png"), full_page=True)
    local_link = page.locator(".yasr table.dataTable tbody a[href^='https://w3id.org/kgbuild/id/']").first
    local_link.evaluate("link => link.click()")  # YASR lays an ellipsis span over long IRIs
    page.wait_for_url(f"{server.root}/id/**", timeout=15000)
    assert page.locator("h1").inner_text()
    page.screenshot(path=str(ARTEFACTS / "followed-resource.png"), full_page=True)
    assert only_local(page.requested_hosts), page.requested_hosts


def test_query_ui_offers_the_stored_queries_as_tabs(page, server):
    page.goto(server.url("/sparql"))
    page.wait_for_selector("#yasgui[data-ready=true]", timeout=15000)
    tab_names = page.locator(".tabsList .tab").all_inner_texts()
    titles = {path.read_text().splitlines()[0].removeprefix("# title:").strip()
              for path in (server.dist / "queries").glob("*.rq")}
    assert titles <= {name.replace("✖", "").strip() for name in tab_names}


def shown_value(cell: str) -> str:
    """A YASR cell as people read it: YASR writes <iri>, "text"@lang or "27"^^xsd:integer."""
    if iri := re.fullmatch(r"<(\S*)>", cell):
        return term_text(ox.NamedNode(iri[1]))
    if literal := re.fullmatch(r'"(.*)"(?:@[A-Za-z0-9-]+|\^\^\S+)?', cell, re.DOTALL):
        return literal[1]
    return cell


def shown_rows(panel) -> list[dict[str, str]]:
    """Every row of the results table in a tab, page after page, keyed by the column headings."""
    table = panel.locator(".yasr table.dataTable")
    table.locator("tbody tr").first.wait_for(timeout=15000)
    names = table.locator("thead th").all_inner_texts()[1:]  # the first column numbers the rows
    rows = []
    while True:
        for row in table.locator("tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            if row.locator("td.dt-empty").count() == 0:  # "No data available in table"
                rows.append(dict(zip(names, (shown_value(cell.strip()) for cell in cells[1:]), strict=True)))
        following = panel.locator(".yasr .dt-paging-button.next")
        if following.count() == 0 or "disabled" in (following.get_attribute("class") or ""):
            return rows
        following.click()


def test_every_preloaded_tab_answers_as_its_header_says_when_run(page, server):
    page.goto(server.url("/sparql"))
    page.wait_for_selector("#yasgui[data-ready=true]", timeout=15000)
    by_title = {stored.title: stored for stored in stored_queries(server.dist)}
    tabs = page.locator(".tabsList .tab")
    ran = []
    for index in range(tabs.count()):
        tabs.nth(index).click()
        title = tabs.nth(index).inner_text().replace("\u2716", "").strip()
        panel = page.locator(".tabPanel.active")
        panel.locator(".yasqe_queryButton").click()
        assert mismatches(by_title[title], shown_rows(panel)) == [], title
        ran.append(title)
    assert sorted(ran) == sorted(by_title)
    assert only_local(page.requested_hosts), page.requested_hosts


def test_organisation_page_shows_the_timeline(page, server):
    page.goto(server.url("/id/organisation/cica"))
    timeline = page.locator("svg.timeline")
    timeline.wait_for(timeout=10000)
    assert timeline.is_visible()
    # CICA's 5th summit met in Dushanbe in June 2019 (MFA of Tajikistan)
    assert "5th Dushanbe" in " ".join(timeline.text_content().split())
    # full members certainly (solid) and possibly (dashed: June 2010 and 2011 are months and years)
    assert page.locator("svg.membership polyline.full:not(.possible)").count() == 1
    assert page.locator("svg.membership polyline.full.possible").count() == 1
    page.screenshot(path=str(ARTEFACTS / "organisation-cica.png"), full_page=True)
    assert only_local(page.requested_hosts), page.requested_hosts


def test_plain_form_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url("/sparql"))
    page.fill("textarea#query", "SELECT ?summit WHERE { ?summit a <https://w3id.org/kgbuild/ontology#Summit> }")
    page.click("form.plain-query button[type=submit]")
    page.wait_for_selector("table.results tbody tr", timeout=10000)
    assert page.locator("table.results tbody tr").count() >= 6  # CICA alone has held six summits (2002-2022)
    page.screenshot(path=str(ARTEFACTS / "plain-form-results.png"), full_page=True)
    context.close()
