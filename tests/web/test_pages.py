"""HTML pages: the landing page, escaping of hostile labels, CSP, the organisation pictures (SVG)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def test_landing_page_shows_counts_per_class_and_links(server):
    response = server.get("/")
    report = json.loads((server.dist / "report.json").read_text())
    organisations = report["classes"]["https://w3id.org/kgbuild/ontology#Organisation"]
    assert f'<td class="number">{organisations}</td>' in response.text
    for link in ('href="/sparql"', 'href="/dumps/"', 'href="/queries/"', 'href="/ontology"',
                 'href="/id/organisation/cica"'):
        assert link in response.text


@pytest.mark.parametrize("path", ["/id/organisation/evil", "/id/organisation/evil.html", "/id/summit/evil-1",
                                  "/id/source/evil-source", "/", "/id/organisation/"])
def test_markup_in_labels_shows_as_text(hostile_server, path):
    response = hostile_server.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text and "<b>bold</b>" not in response.text
    assert "href=\"javascript:" not in response.text


def test_escaped_label_is_readable(hostile_server):
    response = hostile_server.get("/id/organisation/evil", headers={"Accept": "text/html"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil Org" in response.text


def test_html_pages_carry_a_content_security_policy(server):
    for path in ("/", "/id/organisation/cica", "/ontology", "/dumps/", "/queries/", "/sparql"):
        policy = server.get(path, headers={"Accept": "text/html"}).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy


def svg_of(html: str, css_class: str) -> ET.Element:
    start = html.index(f'<svg class="{css_class}"')
    return ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])


def texts(svg: ET.Element) -> list[str]:
    return [
        " ".join("".join(node.itertext()).split()) for node in svg.iter() if node.tag in (SVG + "text", SVG + "title")
    ]


def test_organisation_timeline_shows_chairs_and_summits(server):
    html = server.get("/id/organisation/cica", headers={"Accept": "text/html"}).text
    timeline = svg_of(html, "timeline")
    written = texts(timeline)
    # CICA's 5th summit met in Dushanbe on 15 June 2019 (MFA of Tajikistan, 2022-05-04)
    assert any(t.startswith("5th summit, Dushanbe, 2019-06-15") for t in written)
    # Kazakhstan chaired CICA from 24 September 2020 (MFA of Tajikistan; MINA 2021-10-07)
    assert any(t.startswith("Kazakhstan: chair 2020-09-24") for t in written)
    assert "Tajikistan" in written


def test_organisation_membership_chart_counts_members_over_time(server):
    html = server.get("/id/organisation/cica", headers={"Accept": "text/html"}).text
    chart = svg_of(html, "membership")
    series = [node for node in chart.iter(SVG + "polyline")]
    assert {node.get("class") for node in series} >= {"series full", "series observer"}
    assert any(t.startswith("full members (now") for t in texts(chart))


def test_pages_of_other_kinds_have_no_pictures(server):
    html = server.get("/id/country/kz", headers={"Accept": "text/html"}).text
    assert '<svg class="timeline"' not in html


def test_membership_chart_draws_what_is_only_possible_apart(server):
    # chinadaily-2014-05-20: Iraq and Vietnam joined at the Istanbul summit of June 2010 (a month, not a day),
    # and the 1999 founders are counted 15 by some sources and 16 by another: between the certain and
    # the possible count of full members there is a gap, drawn as a dashed line of its own
    html = server.get("/id/organisation/cica", headers={"Accept": "text/html"}).text
    chart = svg_of(html, "membership")
    classes = [node.get("class") for node in chart.iter(SVG + "polyline")]
    assert "series full" in classes and "series full possible" in classes
    assert any(t.startswith("full members, possibly (now") for t in texts(chart))


def test_timeline_shades_a_chair_term_known_only_to_the_month(server):
    # theicaf-2022-02-09 and chinadaily-2014-05-20: Turkey chaired CICA from the June 2010 summit to May 2014,
    # known to the month at both ends
    html = server.get("/id/organisation/cica", headers={"Accept": "text/html"}).text
    timeline = svg_of(html, "timeline")
    turkey = next(group for group in timeline.iter(SVG + "g")
                  if any("chair 2010-06-01..2010-06-30 to 2014-05-01..2014-05-31" in t for t in texts(group)))
    assert len([rect for rect in turkey.iter(SVG + "rect") if rect.get("class") == "uncertain"]) == 2
