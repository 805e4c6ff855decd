"""Every pydantic error the record models can raise reaches the maintainer in the maintainer's words."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from kgbuild.facts.models import SECTIONS
from kgbuild.facts.wording import describe_error

from ..conftest import REAL_FACTS

# Phrases of pydantic's own messages (and our catch-all, which means a type has no words of its own).
LIBRARY_WORDING = ("Input should", "Field required", "Extra inputs", "String should", "Value error", "[key]",
                   "NoneType", "type=", "pydantic", "validation error", "Assertion failed", "does not fit this key")
# Values a maintainer's slip can leave in any key: empty, wrong kinds, malformed tags and dates, numbers.
SLIPS = [None, "", "   ", "x y", "Bad_Id", 0, -1, 1.5, 1e999, True, "maybe", "fifth", [], ["x"], [None], [{}],
         {}, {"EN": "x"}, {"en": ""}, {"en": 5}, {"en-": "x"}, "2019-02-30", "15 June 2019", "http//x", 10**30]


def first_records() -> dict[str, dict]:
    """One valid record of each section, as the curated facts write it: the base each slip is planted in."""
    found: dict[str, dict] = {}
    for path in sorted(REAL_FACTS.glob("*.yaml")):
        for section, value in (yaml.safe_load(path.read_text("utf-8")) or {}).items():
            record = value[0] if isinstance(value, list) and value else value
            if section in SECTIONS and isinstance(record, dict):
                found.setdefault(section, {key: str(v) if hasattr(v, "isoformat") else v for key, v in record.items()})
    return found


BASES = first_records()


def errors_of(section: str) -> list[tuple[dict, str]]:
    """Plant every slip in every key of the section's base record (and drop each key, and add a stray one)."""
    model, _ = SECTIONS[section]
    base = BASES[section]
    variants = [{**base, key: slip} for key in model.model_fields for slip in SLIPS]
    variants += [{k: v for k, v in base.items() if k != key} for key in base]
    variants.append({**base, "sinse": 1992})
    found = []
    for variant in variants:
        try:
            model.model_validate(variant)
        except ValidationError as error:
            found += [(detail, describe_error(detail, model)) for detail in error.errors(include_url=False)]
    return found


def test_the_curated_facts_give_a_base_record_for_most_sections():
    assert len(BASES) >= 8, sorted(BASES)


@pytest.mark.parametrize("section", sorted(BASES))
def test_no_pydantic_error_reaches_the_user_in_library_wording(section):
    found = errors_of(section)
    assert found, f"no slip upset a {section} record"
    for detail, message in found:
        assert not any(phrase in message for phrase in LIBRARY_WORDING), (detail["type"], detail["loc"], message)
        assert "; " in message or message.startswith("a "), f"says what is wrong but not how to fix it: {message}"


def test_the_walk_meets_the_error_types_the_format_can_meet():
    seen = {detail["type"] for section in BASES for detail, _ in errors_of(section)}
    expected = {"missing", "extra_forbidden", "string_type", "string_pattern_mismatch", "int_parsing", "int_type",
                "int_from_float", "literal_error", "dict_type", "list_type", "value_error", "greater_than_equal",
                "too_short", "bool_parsing", "string_too_short"}
    assert expected <= seen, expected - seen


def test_a_malformed_language_tag_names_its_map_and_the_tag():
    model, _ = SECTIONS["places"]
    with pytest.raises(ValidationError) as error:
        model.model_validate({**BASES["places"], "label": {"en": "Almaty", "ID": "Almaty"}})
    messages = [describe_error(detail, model) for detail in error.value.errors(include_url=False)]
    assert messages == ["label: 'ID' is not a language tag; write a BCP 47 tag in lower case, such as en or id"]


def test_norway_read_as_false_says_to_quote_it():
    model, _ = SECTIONS["memberships"]
    with pytest.raises(ValidationError) as error:
        model.model_validate({"member": False, "since": 1999, "source": "s"})  # YAML 1.1 reads `member: no` so
    [message] = [describe_error(detail, model) for detail in error.value.errors(include_url=False)]
    assert message.startswith("member: YAML read this as false") and "put the value in quotes" in message
