"""Planted slips: copy the curated facts/, make one realistic mistake, expect exactly one message, at the
line of the mistake, in the maintainer's words.

Each slip names a file, a line to find (an anchor: text that occurs on exactly one line) and what to do
there. The expected line is computed from the planted text (the edited line, or the line of `at`),
never copied from kgbuild's output.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from kgbuild.cli import cli

from ..conftest import REAL_FACTS

LOCATED = re.compile(r"^(?P<warning>warning: )?(?P<file>\S+\.yaml):(?P<line>\d+): (?P<message>.+)$")
LIBRARY_WORDING = ("Input should", "Field required", "Extra inputs", "String should", "Value error", "[key]",
                   "NoneType", "type=", "pydantic", "Traceback", "cannot start any token", "scanning",
                   "while parsing", "could not determine a constructor", "subtag", "code point")


@dataclass(frozen=True)
class Slip:
    """One mistake: in `file`, on the line holding `anchor`, replace `old` by `new` (or insert `new` as a line
    after it, or delete the line, or empty the file); the message holds `words`, at the edited line or at
    the line holding `at` in the planted text."""

    kind: str
    file: str
    anchor: str
    old: str = ""
    new: str = ""
    words: str = ""
    action: str = "replace"  # replace | insert | delete (a line) | cut (a list entry) | empty
    at: str = ""  # the message's line, when it is not the edited one
    at_file: str = ""  # the file of `at`, when it is not `file`
    first: bool = False  # `at` occurs on several lines: the message belongs at the first
    warning: bool = False  # a warning, not an error: validate still passes


SLIPS = [
    # --- syntax -----------------------------------------------------------------------------------------
    Slip("a tab in the indentation", "cica.yaml", "    since: 2020-09-24", "    since", "\tsince",
         words="tab character"),
    Slip("a flow map left unclosed", "cica.yaml", "{member: kr, since: 2006-06-17", "kazembus-2006-06-20}",
         "kazembus-2006-06-20", words="not closed"),
    Slip("an apostrophe inside single quotes", "sources.yaml", "publisher: Mi'raj News Agency (MINA)",
         "publisher: Mi'raj News Agency (MINA)", "publisher: 'Mi'raj News Agency (MINA)'", words="double a '"),
    Slip("a key indented too little", "cica.yaml", "    until: 2022-10\n", "    until", "   until",
         words="indented"),
    Slip("a key written twice in one record", "cica.yaml", "    since: 2020-09-24", new="    since: 2020-09-25",
         action="insert", words="appears twice"),
    Slip("a section written twice", "asean.yaml", "    source: kemlu-2018-soc-com-13\n\nclaims:", action="insert",
         new="memberships:\n  - {member: ge, status: observer, since: 2025-03-01, source: ians-2025-10-26}",
         words="key 'memberships' appears twice"),
    Slip("a second YAML document (---)", "asean.yaml", "meetings:", new="---", action="insert",
         words="a second YAML document"),
    Slip("a stray ': ' in unquoted text", "cica.yaml", "theme: {en: Security and Sustainable Development",
         "theme: {en: Security", "theme: {en: Agenda: Security", words="quote"),
    Slip("a misspelt key inside an agenda item", "asean.yaml", "        about: [ascc-blueprint-2025]",
         new="        descripton: {en: planted}", action="insert",
         words="unknown key 'descripton' (did you mean 'description'?); an agenda item takes: about, description"),
    Slip("an initiative dated in the future", "cica.yaml", "    proposed_on: 1992-10-05", "1992-10-05", "2092-10-05",
         words="is after today"),
    # --- types ------------------------------------------------------------------------------------------
    Slip("an ordinal in words", "cica.yaml", "    ordinal: 6\n", "6", "sixth", words="expected a whole number"),
    Slip("an ordinal of zero", "cica.yaml", "{series: summit, ordinal: 4,", "ordinal: 4", "ordinal: 0",
         words="at least 1"),
    Slip("a label that is not a map", "places.yaml", "{id: almaty, label: {en: Almaty, id: Almaty}",
         "label: {en: Almaty, id: Almaty}", "label: Almaty", words="expected a map"),
    Slip("a label without English", "places.yaml", "{id: istanbul,", "label: {en: Istanbul, id: Istanbul}",
         "label: {id: Istanbul}", words="needs English"),
    Slip("a language tag in capitals", "places.yaml", "{id: jakarta,", "id: Jakarta}", "ID: Jakarta}",
         words="is not a language tag"),
    Slip("a language tag the store refuses", "places.yaml", "{id: beijing,", "id: Beijing}", "id-12: Beijing}",
         words="not a well-formed BCP 47 language tag"),
    Slip("a source language the store refuses", "sources.yaml", "language: en\n    url: https://www.rferl.org",
         "language: en", "language: en-12", words="not a well-formed BCP 47 language tag"),
    Slip("a url ending in '>'", "sources.yaml", "url: https://www.rferl.org/a/1343399.html",
         "1343399.html", "1343399.html>", words="not a web address the store accepts"),
    Slip("a url with a space", "sources.yaml", "url: https://astanatimes.com/2023/12/saudi",
         "saudi-arabia-becomes", "saudi arabia-becomes", words="holds a space; write a space in a web address as %20"),
    Slip("a url without its scheme", "sources.yaml", "url: https://www.rferl.org/a/1343399.html",
         "https://www.rferl", "www.rferl", words="starting with https://"),
    Slip("a title read as a number", "sources.yaml", "title: About CICA", "About CICA", "1999",
         words="expected text"),
    Slip("a misspelt status", "cica.yaml", "{member: sa, status: observer", "status: observer",
         "status: observr", words="'observr' is not allowed"),
    Slip("an unknown document kind", "cica.yaml", "id: cica-almaty-act\n    kind: document", "kind: document",
         "kind: treaty", words="'treaty' is not allowed"),
    Slip("an empty list entry", "cica.yaml", "memberships:", new="  -", action="insert",
         words="empty list entry"),
    Slip("a yes/no that is neither", "cica.yaml", "value: 9, as_of: 2021-10-07", "source: mina-2021-10-07}",
         "complete: perhaps, source: mina-2021-10-07}", words="expected true or false"),
    Slip("an empty source list", "cica.yaml", "{member: kh, since: 2011", "source: chinadaily-2014-05-20",
         "source: []", words="source: is empty"),
    Slip("a negative claimed figure", "cica.yaml", "value: 16, as_of: 2002-06-04", "value: 16", "value: -16",
         words="too small"),
    Slip("norway read as false", "cica.yaml", "{member: sa, status: observer", new=(
        "  - {member: no, status: observer, attested: 2024-12-17, source: astanatimes-2024-12-17}"),
         action="insert", words="YAML read this as false"),
    # --- references -------------------------------------------------------------------------------------
    Slip("a misspelt source id", "cica.yaml", "{member: kr, since: 2006-06-17", "kazembus-2006", "kazembsu-2006",
         words="unknown source id 'kazembsu-2006-06-20'"),
    Slip("a place deleted", "places.yaml", "{id: almaty,", action="delete", at="place: almaty", at_file="cica.yaml",
         first=True, words="unknown place 'almaty'; declare it in facts/places.yaml (the same at cica.yaml:"),
    Slip("a misspelt place", "cica.yaml", "{series: summit, ordinal: 2,", "place: almaty", "place: almatty",
         words="did you mean 'almaty'"),
    Slip("an unknown country code", "cica.yaml", "{member: pk, since:", "member: pk", "member: pq",
         words="unknown country code 'pq'"),
    Slip("an undeclared organisation as member", "cica.yaml", "{member: iom,", "member: iom", "member: ioom",
         words="neither a declared organisation nor an ISO 3166-1 country code"),
    Slip("an organisation as a place's country", "places.yaml", "{id: dushanbe,", "country: tj", "country: un",
         words="'un' is an organisation"),
    Slip("an organisation as chair", "cica.yaml", "{chair: tj, since: 2018-09-24", "chair: tj", "chair: un",
         words="'un' is an organisation"),
    Slip("a meeting id written another way", "cica.yaml", "adopted_at: cica-6", "cica-6", "cica-summit-6",
         words="unknown meeting 'cica-summit-6' (did you mean 'cica-6'?"),
    Slip("a claim about an unknown document", "cica.yaml", "{count: components, document: cica-catalogue-of-cbms",
         "document: cica-catalogue-of-cbms", "document: cica-catalogue", words="unknown document 'cica-catalogue'"),
    Slip("a misspelt organisation section", "asean.yaml", "organisation:\n", "organisation:", "organisaton:",
         words="unknown section 'organisaton' (did you mean 'organisation'?)"),
    Slip("a misspelt section", "asean.yaml", "claims:", "claims:", "claim:", words="did you mean 'claims'"),
    Slip("a misspelt key", "sources.yaml", "issued: 2002-06-04", "issued:", "isued:",
         words="unknown key 'isued' (did you mean 'issued'?)"),
    # --- dates --------------------------------------------------------------------------------------------
    Slip("an impossible month", "cica.yaml", "{member: iq, since: 2010-06", "since: 2010-06", "since: 2010-13",
         words="not a real date"),
    Slip("a date in words", "cica.yaml", "{series: summit, ordinal: 5,", "start: 2019-06-15",
         "start: 15 June 2019", words="is not a date"),
    Slip("a meeting decades ahead", "cica.yaml", "{series: summit, ordinal: 2,", "start: 2006", "start: 2096",
         words="is after today"),
    Slip("a membership decades ahead", "cica.yaml", "{member: kw, since: 2022-10-13", "since: 2022", "since: 2092",
         words="is after today"),
    Slip("a source issued ahead", "sources.yaml", "issued: 2025-10-26", "2025-10-26", "2095-10-26",
         words="a source cannot be dated ahead"),
    Slip("a document adopted on another day than its meeting", "asean.yaml", "    adopted_on: 2017-11-13",
         "2017-11-13", "2017-12-13", words="is not during asean-31"),
    Slip("a misspelt series", "cica.yaml", "{series: ministerial, ordinal: 2,", "series: ministerial",
         "series: ministeral", words="series: 'ministeral' (did you mean 'ministerial'?)"),
    # --- periods and overlaps ----------------------------------------------------------------------------
    Slip("a period ending before it begins", "cica.yaml", "{member: bd, status: observer", "until: 2014-05-20",
         "until: 2004-05-20", words="is before since"),
    Slip("a meeting ending before it starts", "cica.yaml", "{series: ministerial, ordinal: 5,",
         "end: 2016-04-28", "end: 2016-04-26", words="is before start"),
    Slip("overlapping statuses of one member", "cica.yaml", "{member: qa, status: observer", "until: 2014-05",
         "until: 2015-05", at="{member: qa, since: 2014-05", words="overlaps"),
    Slip("overlapping chairmanships", "cica.yaml", "{chair: cn, since: 2014-05", "until: 2018-09-24",
         "until: 2019-09-24", at="{chair: tj, since: 2018-09-24", words="overlaps the one by 'cn'"),
    Slip("a chair that is no member", "cica.yaml", "  - chair: az\n", "chair: az", "chair: am",
         words="is not a full member of cica"),
    Slip("a chair before it joined", "cica.yaml", "{chair: tj, since: 2018-09-24", "chair: tj", "chair: kw",
         words="'kw' (Kuwait) is not a full member of cica when its term starts (2018-09-24)"),
    # --- claims ------------------------------------------------------------------------------------------
    Slip("a claimed figure off by one", "cica.yaml", "value: 16, as_of: 2002-06-04", "value: 16", "value: 15",
         words="claim of 15 (s-cica-first-summit) disagrees"),
    Slip("a component deleted", "cica.yaml", "{en: Human dimension,", action="delete",
         at="{count: components, document: cica-catalogue-of-cbms", words="lists 4 components"),
    Slip("a claim without its day", "cica.yaml", "value: 24, as_of: 2012-09-12", "as_of: 2012-09-12, ", "",
         words="needs `as_of: <date>`"),
    # --- sources -----------------------------------------------------------------------------------------
    Slip("a source pasted twice", "sources.yaml", "sources:\n", action="insert", at="  - id: ians-2025-10-26",
         new="  - {id: ians-2025-10-26, title: again, publisher: IANS, issued: 2025-10-26, language: en}",
         words="source id 'ians-2025-10-26' is declared twice"),
    Slip("a cited source deleted", "sources.yaml", "  - id: rferl-2002-06-04", action="cut", at="rferl-2002-06-04",
         at_file="cica.yaml", first=True, words="unknown source id 'rferl-2002-06-04'; declare it in "
         "facts/sources.yaml or cite a declared one (the same at cica.yaml:"),
    Slip("a source without its title", "sources.yaml", 'title: "4 June 2002: CICA summit in Almaty"',
         action="delete", at="  - id: rferl-2002-06-04", words="missing required key 'title'"),
    Slip("a fact without a source", "cica.yaml", "{member: bh, since: 2011", ", source: chinadaily-2014-05-20", "",
         words="missing required key 'source'"),
    Slip("a source older than the fact it dates", "sources.yaml", "issued: 2022-10-13\n    language: en\n    url: "
         "https://www.inform.kz/en/kuwait", "issued: 2022-10-13", "issued: 2022-10-01", warning=True,
         at="{member: kw, since: 2022-10-13", at_file="cica.yaml",
         words="every dated source appeared before since: 2022-10-13"),
    # --- ids ---------------------------------------------------------------------------------------------
    Slip("an organisation id that is a country code", "organisations.yaml", "organisations:\n", action="insert",
         new="  - {id: au, acronym: AU, label: {en: African Union}, source: s-cica-external-relations}",
         words="also the ISO 3166-1 code of Australia"),
    Slip("an id shared by an organisation and a person", "people.yaml", "people:", action="insert",
         new="  - {id: osce, label: {en: OSCE}, source: kemlu-2018-soc-com-13}",
         words="is already the id of the organisation"),
    Slip("one meeting written twice", "cica.yaml", "{series: summit, ordinal: 4,", "ordinal: 4", "ordinal: 2",
         words="meeting 'cica-2' is declared twice"),
    # --- files -------------------------------------------------------------------------------------------
    Slip("a file emptied but for its comments", "people.yaml", action="empty", anchor="",
         words="holds no facts"),
    Slip("a section emptied", "asean.yaml", "{count: components, document: asean-culture-of-prevention, value: 6, "
         "source: kemlu-2018-soc-com-13}\n  - {count: members",
         "  - {count: components, document: asean-culture-of-prevention, value: 6, source: kemlu-2018-soc-com-13}\n"
         "  - {count: members, status: full, kind: country, value: 11, as_of: 2025-10-26, source: ians-2025-10-26}",
         "", at="claims:", warning=True, words="'claims' is empty"),
    # --- links out to Wikidata --------------------------------------------------------------------------
    Slip("a Wikidata id in lower case", "organisations.yaml", "{id: Q7172, source: supraverden-all-bodies}",
         "Q7172", "q7172", words="is not a Wikidata id; write Q and its digits"),
    Slip("a Wikidata id pasted as its address", "wikidata-countries.yaml", "{code: kz, wikidata: Q232,",
         "wikidata: Q232", "wikidata: http://www.wikidata.org/entity/Q232", words="is not a Wikidata id"),
    Slip("one Wikidata id on two organisations", "organisations.yaml", "{id: Q7172, source: supraverden-all-bodies}",
         "Q7172", "Q81299", words="Q81299 is already the Wikidata entity of organisation/osce"),
    Slip("a country's Wikidata row pasted twice", "wikidata-countries.yaml", "{code: kz, wikidata: Q232,",
         new="  - {code: kz, wikidata: Q232, label: Kazakhstan, source: owid-countries-regions}", action="insert",
         words="the Wikidata entity of country 'kz' is declared twice"),
    Slip("a city given its country's Wikidata id", "places.yaml", "{id: Q956, source: natural-earth-populated-places}",
         "Q956", "Q148", at="{code: cn, wikidata: Q148,", at_file="wikidata-countries.yaml",
         words="Q148 is already the Wikidata entity of place/beijing"),
]


def _line_of(text: str, anchor: str, first: bool = False) -> int:
    """The 1-based line holding anchor (an anchor may span lines: its first line)."""
    start = text.index(anchor)
    assert first or text.count(anchor) == 1, f"anchor {anchor!r} is not unique"
    return text.count("\n", 0, start) + 1


def plant(slip: Slip, folder: Path) -> int:
    """Make the slip in folder; return the line the message belongs at."""
    path = folder / slip.file
    text = path.read_text("utf-8")
    if slip.action == "empty":
        path.write_text("".join(line + "\n" for line in text.splitlines() if line.startswith("#")), "utf-8")
        return 1
    number = _line_of(text, slip.anchor)
    if slip.action == "replace":  # within the anchor's lines; the edited line is the one holding `old`
        start = text.rindex("\n", 0, text.index(slip.anchor)) + 1
        end = text.index("\n", text.index(slip.anchor) + len(slip.anchor.rstrip("\n")))
        region = text[start:end]
        assert slip.old in region, f"{slip.old!r} is not on the anchor's lines"
        number += region[:region.index(slip.old)].count("\n")
        planted = text[:start] + region.replace(slip.old, slip.new, 1) + text[end:]
    else:
        lines = text.splitlines(keepends=True)
        if slip.action == "insert":
            lines.insert(number, slip.new + "\n")
            number += 1
        elif slip.action == "cut":  # the entry and its indented lines, up to the next entry
            end = next(index for index in range(number, len(lines)) if not lines[index].startswith("    "))
            del lines[number - 1:end]
        else:
            del lines[number - 1]
        planted = "".join(lines)
    path.write_text(planted, "utf-8")
    if not slip.at:
        return number
    return _line_of((folder / (slip.at_file or slip.file)).read_text("utf-8"), slip.at, slip.first)


def validate(runner, folder: Path) -> tuple[int, list[tuple[bool, str, int, str]], str]:
    result = runner.invoke(cli, ["validate", str(folder)])
    found = [(bool(m["warning"]), Path(m["file"]).name, int(m["line"]), m["message"])
             for m in map(LOCATED.match, result.output.splitlines()) if m]
    return result.exit_code, found, result.output


@pytest.fixture(scope="module")
def baseline_warnings(tmp_path_factory) -> list[str]:
    """What validate says of the curated facts as they are: warnings only, which each slip leaves as they were."""
    from click.testing import CliRunner

    code, found, output = validate(CliRunner(), REAL_FACTS)
    assert code == 0, output
    return sorted(message for warning, _, _, message in found if warning)


def test_there_are_at_least_forty_kinds_of_slip():
    assert len({slip.kind for slip in SLIPS}) >= 40


@pytest.mark.parametrize("slip", SLIPS, ids=[slip.kind for slip in SLIPS])
def test_one_slip_gives_one_message_at_its_line(slip, tmp_path, runner, baseline_warnings):
    folder = tmp_path / "facts"
    shutil.copytree(REAL_FACTS, folder)
    line = plant(slip, folder)
    code, found, output = validate(runner, folder)
    new = [entry for entry in found if not (entry[0] and entry[3] in baseline_warnings)]
    assert len(new) == 1, f"expected one message, got:\n{output}"
    warning, name, reported_line, message = new[0]
    assert (warning, name, reported_line) == (slip.warning, slip.at_file or slip.file, line), output
    assert slip.words in message, message
    assert not any(phrase in message for phrase in LIBRARY_WORDING), message
    assert code == (0 if slip.warning else 1) and "Traceback" not in output
