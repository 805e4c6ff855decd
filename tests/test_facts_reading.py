"""Reading a facts file: the data and the line of every key and list item, by either of the two readers
(libyaml's node tree for a well-formed file, the event scan for the rest), the same either way."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest
import yaml

from kgbuild.facts.yamlread import YamlDocument, YamlLimits, _scan, read_yaml
from kgbuild.facts.yamltree import TREE_MAX_CHARS, FactsLoader, read_tree

from .conftest import REAL_FACTS, ROOT, SMALL_FACTS

LIMITS = YamlLimits()

# YAML 1.1 as PyYAML's safe loader reads it, dates kept as text (the facts model parses them itself).
SCALARS = """\
decimal: 42
negative: -7
hex: 0x1F
octal: 017
grouped: 1_000
sexagesimal: 1:30
float: 1.5
exponent: 6.02e+23
infinite: -.inf
agreed: yes
switch: Off
true_word: true
tilde: ~
null_word: null
empty:
day: 2019-06-15
month: 2019-06
year_quoted: "2019"
single: 'it''s'
plain: Organisation of Islamic Cooperation
folded: >
  two
  lines
1: a number as a key
"""

EXPECTED_SCALARS = {
    "decimal": 42, "negative": -7, "hex": 31, "octal": 15, "grouped": 1000, "sexagesimal": 90, "float": 1.5,
    "exponent": 6.02e23, "infinite": -math.inf, "agreed": True, "switch": False, "true_word": True, "tilde": None,
    "null_word": None, "empty": None, "day": "2019-06-15", "month": "2019-06", "year_quoted": "2019",
    "single": "it's", "plain": "Organisation of Islamic Cooperation",
    "folded": "two lines\n", 1: "a number as a key",
}


def scanned(text: str, path: Path = Path("scanned.yaml")) -> YamlDocument:
    """The document as the event scan reads it (the reader that reports every problem)."""
    document = YamlDocument(path=path, data=None)
    problems, fatal, data = _scan(text, document, LIMITS)
    assert (problems, fatal) == ([], False)
    document.data = data
    return document


def test_scalars_read_as_yaml_1_1_says_and_dates_stay_text(tmp_path):
    path = tmp_path / "scalars.yaml"
    path.write_text(SCALARS, "utf-8")
    document, problems = read_yaml(path)
    assert problems == []
    assert document is not None and document.data == EXPECTED_SCALARS
    assert scanned(SCALARS).data == EXPECTED_SCALARS


def test_each_key_and_list_item_is_on_the_line_it_is_written(tmp_path):
    text = textwrap.dedent("""\
        # yaml-language-server: $schema=../schema/facts.schema.json
        organisation:
          id: cica
          label: {en: CICA,
                  id: KIKA}

        memberships:
          - {member: kz, since: 1992}
          - member: tj
            source:
              - mina-2021-10-07
              - kemlu-2022
        """)
    path = tmp_path / "cica.yaml"
    path.write_text(text, "utf-8")
    document, _ = read_yaml(path)
    assert document is not None

    def line_of(fragment: str) -> int:  # found in the text, not asked of the reader
        return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)

    expected = {
        ("organisation",): line_of("organisation:"),
        ("organisation", "label"): line_of("label:"),
        ("organisation", "label", "id"): line_of("id: KIKA"),
        ("memberships", 0): line_of("member: kz"),
        ("memberships", 0, "since"): line_of("member: kz"),
        ("memberships", 1): line_of("member: tj"),
        ("memberships", 1, "source"): line_of("source:"),
        ("memberships", 1, "source", 1): line_of("kemlu-2022"),
        ("memberships", 1, "nope"): line_of("member: tj"),  # no such key: the line of the item that holds it
        ("memberships", 9): line_of("memberships:"),  # no such item: the list's key
    }
    assert {at: document.origin(at).line for at in expected} == expected
    assert {at: scanned(text, path).origin(at).line for at in expected} == expected
    assert str(document.origin(("organisation", "id"))) == f"{document.name}:{line_of('id: cica')}"


@pytest.mark.parametrize("path", sorted(REAL_FACTS.glob("*.yaml")) + sorted(SMALL_FACTS.glob("*.yaml")),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_both_readers_give_the_same_data_and_lines(path):
    text = path.read_text("utf-8").replace("*", "+")  # an asterisk (maybe an alias) sends a file to the scan
    tree = read_tree(text, LIMITS.max_depth, LIMITS.max_scalar)
    assert tree is not None
    data, keys, items, root_line = tree
    document = scanned(text)
    assert data == document.data == yaml.load(text, Loader=FactsLoader)
    assert (keys, items, root_line) == (document.keys, document.items, document.root_line)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # an alias
    "a: 1\na: 2\n",  # a key written twice
    "<<: {a: 1}\n",  # a merge key
    "a: !!python/object:os.system x\n",  # a tag
    "a: !!int '1'\n",
    "? [a, b]\n: c\n",  # a list as a key
    "a: 1\n---\nb: 2\n",  # a second document
    "a: [1\n",  # not YAML
    "",  # empty
    "# only a comment\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",  # deeper than the limit
    "a: " + "x" * (LIMITS.max_scalar + 1) + "\n",  # longer than the limit
    "- a\n" * (TREE_MAX_CHARS // 4 + 1),  # a tree that large would take far more memory than the scan
])
def test_what_a_facts_file_should_not_hold_is_left_to_the_scan(text):
    assert read_tree(text, LIMITS.max_depth, LIMITS.max_scalar) is None
