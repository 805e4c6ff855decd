"""Validate means build will not refuse it: what validate passes, the store's parser reads; what it would
refuse, validate reports at its YAML line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from kgbuild.facts import collect_facts
from kgbuild.graph.mapping import map_records

SOURCE = ("sources:\n  - id: odd\n    title: {title}\n    publisher: P\n    issued: 2020\n"
          "    language: {language}\n    url: {url}\n")
PLACE = "places:\n  - {{id: almaty, label: {{en: {label}, {tag}: Almaty}}, country: kz, source: odd}}\n"


def folder_with(tmp_path: Path, title="T", language="en", url="https://example.org/a", label="Almaty",
                tag="id") -> Path:
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "sources.yaml").write_text(SOURCE.format(title=title, language=language, url=url), "utf-8")
    (folder / "places.yaml").write_text(PLACE.format(label=label, tag=tag), "utf-8")
    return folder


@pytest.mark.parametrize("values", [
    {"title": "'Quotes \"inside\", a backslash \\ and a tab\t'", "label": "'Алматы 阿拉木图 🏙'"},
    {"url": "https://example.org/search?q=cica&lang=en#top", "language": "zh-Hant-TW"},
    {"url": "https://example.org/%E2%9C%93/path_(x)", "tag": "id-ID"},
    {"title": "\"line\\nbreak and \\r return\""},
], ids=["odd text", "query and script tag", "percent-encoded", "escaped line breaks"])
def test_what_validate_passes_the_store_parser_reads(tmp_path, values):
    facts, problems = collect_facts(folder_with(tmp_path, **values))
    assert problems == []
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in map_records(facts).triples)
    assert len(list(pyoxigraph.parse(text, pyoxigraph.RdfFormat.N_TRIPLES))) == len(map_records(facts).triples)


@pytest.mark.parametrize("values, line, words", [
    ({"url": "https://example.org/a>b"}, 7, "it holds '>'"),
    ({"url": "https://example.org/a{b}"}, 7, "it holds '{'"),
    ({"url": "https://example.org/100%"}, 7, "'%' is not followed by two hexadecimal digits"),
    ({"url": "https://[example.org/"}, 7, "host name is malformed"),
    ({"language": "en-12"}, 6, "not a well-formed BCP 47 language tag"),
], ids=["angle bracket", "braces", "bare percent", "bad host", "bad region"])
def test_what_the_store_would_refuse_is_reported_at_its_line(tmp_path, values, line, words):
    _, problems = collect_facts(folder_with(tmp_path, **values))
    assert [(Path(p.origin.file).name, p.origin.line) for p in problems] == [("sources.yaml", line)]
    assert words in problems[0].message


def test_a_label_tag_the_store_refuses_is_reported_at_its_line(tmp_path):
    _, problems = collect_facts(folder_with(tmp_path, tag="en-us-us"))
    assert [f"{Path(p.origin.file).name}:{p.origin.line}: {p.message}" for p in problems] == [
        "places.yaml:2: label: 'en-us-us' is not a well-formed BCP 47 language tag (after the language come a "
        "script such as Hant, a region such as US or 419, or a variant); write e.g. en, id or zh-Hant"]
