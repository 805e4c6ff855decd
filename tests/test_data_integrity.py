"""Data-integrity rules over the curated facts/, one rule each, naming the file and record that breaks it."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from kgbuild.facts import collect_facts, load_facts
from kgbuild.facts.checks import count_for_claim

from .conftest import REAL_FACTS, ROOT

FACT_FILES = sorted(REAL_FACTS.glob("*.yaml"))


@pytest.fixture(scope="module")
def facts():
    return load_facts(REAL_FACTS)


def test_curated_facts_validate():
    _, problems = collect_facts(REAL_FACTS)
    assert [str(problem) for problem in problems] == []


@pytest.mark.parametrize("path", FACT_FILES, ids=[path.name for path in FACT_FILES])
def test_file_points_editors_at_the_schema(path):
    assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=../schema/facts.schema.json\n")


@pytest.mark.parametrize("path", FACT_FILES, ids=[path.name for path in FACT_FILES])
def test_file_matches_the_json_schema_editors_use(path):
    schema = json.loads((ROOT / "schema" / "facts.schema.json").read_text("utf-8"))
    document = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)  # all scalars as text, as an editor sees them
    errors = [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(_typed(document))]
    assert errors == []


def _typed(value):
    """BaseLoader reads numbers as text; give ordinals and values back their numbers, as YAML would."""
    if isinstance(value, dict):
        return {
            key: (
                int(item)
                if key in ("ordinal", "value")
                else (item == "true")
                if key in ("complete", "online")
                else _typed(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return value


def _cited(record) -> set[str]:
    """The sources a record cites, and those of the records nested in it (names, alternatives, ...)."""
    cited = set(getattr(record, "source", None) or [])
    for name in type(record).model_fields:
        value = getattr(record, name)
        for inner in value if isinstance(value, list) else [value]:
            if isinstance(inner, BaseModel):
                cited |= _cited(inner)
    return cited


def test_every_declared_source_is_cited(facts):
    cited = set()
    for group in (facts.places, facts.organisations, facts.people, facts.meetings, facts.documents,
                  facts.initiatives, facts.country_overrides, facts.country_links):
        for record in group.values():
            cited |= _cited(record)
    for group in (facts.memberships, facts.chairmanships, facts.claims):
        for record in group:
            cited |= _cited(record)
    unused = [f"{source.origin}: {source.id}" for source in facts.sources.values() if source.id not in cited]
    assert unused == []


def test_every_country_is_named_in_english_and_indonesian(facts):
    missing = [code for code, country in facts.countries.items() if not {"en", "id"} <= set(country.label)]
    assert missing == []


def test_every_organisation_is_named_in_english_and_indonesian(facts):
    missing = [f"{record.origin}: {record.id}" for record in facts.organisations.values() if "id" not in record.label]
    assert missing == []


def test_every_source_says_who_published_it_and_when(facts):
    undated = [
        f"{source.origin}: {source.id}" for source in facts.sources.values() if source.issued is None and not source.url
    ]
    assert undated == []


def test_claims_hold_on_the_curated_facts(facts):
    # a claim holds when the certain count is at most the figure and the possible count at least it
    counts = [(claim, *count_for_claim(claim, facts)) for claim in facts.claims]
    wrong = [f"{claim.origin}: {claim.value} outside {certain}..{possible}" for claim, certain, possible in counts
             if claim.complete and not certain <= claim.value <= possible]
    assert wrong == []
    too_many = [f"{claim.origin}: {claim.value} < {certain}" for claim, certain, _ in counts if certain > claim.value]
    assert too_many == []
    assert len(facts.claims) >= 6  # 27 members, 6 components, 5 headings, 9 + 5 observers, 5 partners


def test_claims_fail_on_an_altered_copy(real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    lines = cica.read_text("utf-8").splitlines(keepends=True)
    member_line = next(index for index, line in enumerate(lines) if "{member: jo, since: 2008-08-25" in line)
    del lines[member_line]  # Jordan leaves: 26 member states, while the source says 27
    cica.write_text("".join(lines), "utf-8")
    _, problems = collect_facts(real_facts_copy)
    assert any("claim of 27" in problem.message and "disagrees" in problem.message for problem in problems)


def test_cica_has_27_member_states_on_the_articles_date(facts):
    # MINA, 7 October 2021: "Jumlah anggotanya telah mencapai 27 negara Asia"
    from datetime import date

    from kgbuild.facts.checks import in_force

    members = {m.member for m in facts.memberships if m.organisation == "cica" and m.status == "full"
               and m.member not in facts.organisations and in_force(m, date(2021, 10, 11))[0]}
    assert len(members) == 27
    assert {"kz", "tj"} <= members  # the chair, and the 5th summit's host


def test_a_month_precise_accession_is_possible_not_certain_on_the_first_of_the_month(facts):
    # chinadaily-2014-05-20: Iraq and Vietnam were admitted at the Istanbul summit of June 2010, which
    # met on 8 June (cica-declaration-2010): on 1 June 2010 they were possibly, not certainly, members
    from datetime import date

    from kgbuild.facts.checks import in_force

    iraq = next(m for m in facts.memberships if m.organisation == "cica" and m.member == "iq")
    assert in_force(iraq, date(2010, 6, 1)) == (False, True)
    assert in_force(iraq, date(2010, 7, 1)) == (True, True)
    assert in_force(iraq, date(2010, 5, 31)) == (False, False)
