"""The shapes' SPARQL translation (the build's one SHACL path, at every size) finds exactly what pySHACL finds.

Builds validate shapes only through the translation, so it is held to pySHACL, the reference, here: the
test facts and the curated facts (facts/), broken one way per case at the triple level (the YAML loader
would refuse most of these before a shape saw them), are validated by both engines, and both must report
the same results, severities included. Every kind of target, sh:severity, and a shape the translation
does not know (validated by pySHACL, never skipped) are checked the same way.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Graph, URIRef
from rdflib.namespace import PROV, Namespace

from kgbuild.facts import FactsError, load_facts
from kgbuild.graph.build import build, load_ontology
from kgbuild.graph.closure import materialise
from kgbuild.graph.mapping import map_records
from kgbuild.graph.ntriples import nt_term, to_graph
from kgbuild.graph.reasoning import infer_types_of
from kgbuild.graph.shapes import Untranslatable, check_shapes, check_shapes_on_store, translate_shapes
from kgbuild.vocab import KG, short_name

from .conftest import ONTOLOGY, ROOT, SMALL_FACTS

ID = "https://w3id.org/kgbuild/id/"
KZ = f"<{ID}membership/cica-kz>"
COMPONENT = f"<{ID}component/asean-culture-of-prevention-%d>"
TYPE, LABEL, SOURCE = nt_term(RDF.type), nt_term(RDFS.label), nt_term(PROV.wasDerivedFrom)


def _t(term) -> str:
    return nt_term(term)


CURATED_FACTS = ROOT / "facts"


@lru_cache(maxsize=2)
def _curated(facts: Path = SMALL_FACTS):
    ontology, shapes = load_ontology(ONTOLOGY)
    mapped = map_records(load_facts(facts))
    inferred = materialise(ontology, mapped.triples, infer_types_of(ontology, mapped.triples, lambda t: None))
    return shapes, mapped, [*mapped.triples, *inferred]


def _store(triples) -> ox.Store:
    store = ox.Store()
    store.load("".join(f"{s} {p} {o} .\n" for s, p, o in triples), format=ox.RdfFormat.N_TRIPLES)
    return store


def _both(shapes, triples, mapped):
    """(pySHACL's results, the translation's results) on the same triples; untranslated shapes go to pySHACL."""
    by_pyshacl = check_shapes(shapes, to_graph(triples), mapped)
    by_translation = check_shapes_on_store(
        translate_shapes(shapes), _store(triples).query, mapped, data=lambda: to_graph(triples)
    )
    return by_pyshacl, by_translation


def _replace(triples, match, new):
    return [new(triple) if match(triple) else triple for triple in triples]


def _position_of_second_component_is_1(triples):
    return _replace(
        triples,
        lambda t: t[0] == COMPONENT % 2 and t[1] == _t(KG.position),
        lambda t: (t[0], t[1], f'"1"^^{_t(XSD.integer)}'),
    )


def _end_before_start(triples):
    return [*triples, (KZ, _t(KG.endDate), f'"1990-01-01"^^{_t(XSD.date)}'), (KZ, _t(KG.endDatePrecision), _t(KG.Day))]


def _second_membership_over_the_same_years(triples):
    again = f"<{ID}membership/cica-kz-again>"
    return [*triples, *((again, p, o) for s, p, o in triples if s == KZ)]


BREAKAGES = {
    "membership without an English label": lambda ts: [
        t for t in ts if not (t[0] == KZ and t[1] == LABEL and t[2].endswith("@en"))
    ],
    "membership with two English labels": lambda ts: [*ts, (KZ, LABEL, '"Kazakhstan, again"@en')],
    "membership with two statuses": lambda ts: [*ts, (KZ, _t(KG.status), _t(KG.Observer))],
    "membership without a member": lambda ts: [t for t in ts if not (t[0] == KZ and t[1] == _t(KG.member))],
    "membership without a source": lambda ts: [t for t in ts if not (t[0] == KZ and t[1] == SOURCE)],
    "start date as plain text": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.startDate), lambda t: (t[0], t[1], t[2].split("^^")[0])
    ),
    "member that is a source": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.member), lambda t: (t[0], t[1], f"<{ID}source/kemlu-cica>")
    ),
    "status outside the value set": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.status), lambda t: (t[0], t[1], _t(KG.Day))
    ),
    "day precision on a year": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.startDate), lambda t: (t[0], t[1], f'"1999"^^{_t(XSD.gYear)}')
    ),
    "two components at one position, none at the next": _position_of_second_component_is_1,
    "membership that ends before it starts": _end_before_start,
    "two memberships of one member in one organisation at once": _second_membership_over_the_same_years,
    # cases of one grouped count query (shapes._counted), broken on the same membership at once
    "membership without an organisation, with two start dates": lambda ts: [
        *(t for t in ts if not (t[0] == KZ and t[1] == _t(KG.organisation))),
        (KZ, _t(KG.startDate), f'"1993-01-01"^^{_t(XSD.date)}'),
    ],
    # the date-precision shapes, one per dated property: CICA's Kazakhstan joined in 1992 (a year)
    "year precision on a date that is not 1 January": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.startDate), lambda t: (t[0], t[1], f'"1992-06-15"^^{_t(XSD.date)}')
    ),
    "month precision on a date that is not the 1st": lambda ts: _replace(
        _replace(ts, lambda t: t[0] == KZ and t[1] == _t(KG.startDatePrecision), lambda t: (t[0], t[1], _t(KG.Month))),
        lambda t: t[0] == KZ and t[1] == _t(KG.startDate),
        lambda t: (t[0], t[1], f'"1992-06-15"^^{_t(XSD.date)}'),
    ),
    "start precision without a start date": lambda ts: [t for t in ts if not (t[0] == KZ and t[1] == _t(KG.startDate))],
    "end precision without an end date": lambda ts: [*ts, (KZ, _t(KG.endDatePrecision), _t(KG.Day))],
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_translation_and_pyshacl_find_the_same_violations(breakage):
    shapes, mapped, triples = _curated()
    broken = BREAKAGES[breakage](triples)
    assert broken != triples
    by_pyshacl, by_translation = _both(shapes, broken, mapped)
    assert by_pyshacl, f"the case '{breakage}' breaks no shape: it tests nothing"
    assert [v.message for v in by_translation] == [v.message for v in by_pyshacl]
    assert by_translation == by_pyshacl


@pytest.mark.parametrize("facts", [SMALL_FACTS, CURATED_FACTS], ids=["test facts", "curated facts"])
def test_the_curated_triples_break_no_shape_on_either_engine(facts):
    shapes, mapped, triples = _curated(facts)
    assert translate_shapes(shapes).untranslated == [], "every shape of the ontology translates"
    assert _both(shapes, triples, mapped) == ([], [])


def test_a_graph_breaking_no_shape_has_kg_member_inferred():
    # the kg:Member shape targets an inferred class: without inferences it would check nothing
    _, _, triples = _curated()
    assert (f"<{ID}country/kz>", TYPE, _t(KG.Member)) in triples


# -- the curated facts (facts/), one planted breakage per shape the test facts do not exercise -----------


def _nth(triples, cls, index: int = 0) -> str:
    return sorted({s for s, p, o in triples if p == TYPE and o == _t(cls)})[index]


def _drop(cls, predicate, index=0, keep=lambda o: False):
    def broken(triples):
        node = _nth(triples, cls, index)
        return [t for t in triples if not (t[0] == node and t[1] == _t(predicate) and not keep(t[2]))]

    return broken


def _set(cls, predicate, value: str, index=0):
    def broken(triples):
        node = _nth(triples, cls, index)
        return [(s, p, value) if s == node and p == _t(predicate) else (s, p, o) for s, p, o in triples]

    return broken


def _add(cls, predicate, value: str, index=0):
    return lambda triples: [*triples, (_nth(triples, cls, index), _t(predicate), value)]


def _typed(node, cls):
    return lambda triples: [*triples, (_t(node), TYPE, _t(cls))]


A_SOURCE = f"<{ID}source/kemlu-cica>"
CURATED_BREAKAGES = {  # name: (the broken resource's class and index, or the IRI, breakage)
    "name kind outside its pattern": ((KG.Name, 0), _set(KG.Name, KG.nameKind, '"nickname"')),
    "name of nothing": ((KG.Name, 1), _drop(KG.Name, KG.nameOf, 1)),
    "statement ranked outside the ranks": ((KG.Statement, 0), _set(KG.Statement, KG.rank, _t(KG.Day))),
    "statement without a value": ((KG.Statement, 1), _drop(KG.Statement, KG.statementValue, 1)),
    "rank outside the ranks": (KG.Day, _typed(KG.Day, KG.Rank)),
    "outcome outside the outcomes": (KG.Month, _typed(KG.Month, KG.DecisionOutcome)),
    "participation with no participant nor group": ((KG.Participation, 0), _drop(KG.Participation, KG.participant)),
    "participation whose participant is a source": (
        (KG.Participation, 1),
        _add(KG.Participation, KG.participant, A_SOURCE, 1),
    ),
    "agenda item without a position": ((KG.AgendaItem, 0), _drop(KG.AgendaItem, KG.position)),
    "agenda item at a position given as text": ((KG.AgendaItem, 1), _set(KG.AgendaItem, KG.position, '"2"', 1)),
    "decision with an outcome outside the outcomes": (
        (KG.DocumentDecision, 0),
        _set(KG.DocumentDecision, KG.outcome, _t(KG.Day)),
    ),
    "decision on a source, not a document": (
        (KG.DocumentDecision, 1),
        _set(KG.DocumentDecision, KG.decidedDocument, A_SOURCE, 1),
    ),
    "initiative proposed on two days": (
        (KG.Initiative, 0),
        _add(KG.Initiative, KG.proposedOn, f'"1990-01-01"^^{_t(XSD.date)}'),
    ),
    "initiative proposed at a source": ((KG.Initiative, 1), _add(KG.Initiative, KG.proposedAt, A_SOURCE, 1)),
    "aim without an English label": ((KG.Aim, 0), _drop(KG.Aim, RDFS.label, keep=lambda o: not o.endswith("@en"))),
    "meeting neither somewhere nor online": ((KG.Meeting, 0), _drop(KG.Meeting, KG.location)),
}


def test_every_planted_breakage_of_the_curated_facts_is_found_alike_by_both_engines():
    # all at once, each on a resource of its own: one pySHACL run over the ~3k curated triples, not sixteen
    shapes, mapped, triples = _curated(CURATED_FACTS)
    broken = triples
    focus = {}
    for name, (where, breakage) in sorted(CURATED_BREAKAGES.items()):
        node = where if isinstance(where, URIRef) else URIRef(_nth(triples, *where)[1:-1])
        focus[name] = short_name(node)
        before = broken
        broken = breakage(broken)
        assert broken != before, f"the case '{name}' changes nothing: it tests nothing"
    assert len(set(focus.values())) == len(focus), "each case breaks a resource of its own"
    by_pyshacl, by_translation = _both(shapes, broken, mapped)
    for name, node in focus.items():
        assert any(v.message.startswith(f"{node}:") or v.message.startswith(f"{node} (") for v in by_pyshacl), (
            f"the case '{name}' breaks no shape: it tests nothing"
        )
    assert [v.message for v in by_translation] == [v.message for v in by_pyshacl]
    assert by_translation == by_pyshacl


# -- targets, severities, and a shape the translation does not know ------------------------------------

MADE_UP = Namespace(str(KG))  # terms of the shapes below, not of the ontology

SHAPE_PREFIXES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/kgbuild/ontology#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix prov: <http://www.w3.org/ns/prov#> .
"""

TARGET_SHAPES = (
    SHAPE_PREFIXES
    + """
    kg:ObjectsShape a sh:NodeShape ; sh:targetObjectsOf kg:member ; sh:nodeKind sh:BlankNode ;
      sh:message "objects of kg:member are to be blank (broken on purpose)" .
    kg:NodeShape a sh:NodeShape ; sh:targetNode <https://w3id.org/kgbuild/id/country/kz> ;
      sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:message "kz needs a theme (broken on purpose)" ] .
    kg:Special a rdfs:Class , sh:NodeShape ;
      sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:message "implicit class target (broken on purpose)" ] .
    kg:SubShape a sh:NodeShape ; sh:targetClass kg:Parent ;
      sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:message "instances of subclasses too (broken on purpose)" ] .
    kg:Off a sh:NodeShape ; sh:targetClass kg:Country ; sh:deactivated true ; sh:nodeKind sh:Literal .
"""
)


def test_every_kind_of_target_is_validated_as_pyshacl_validates_it():
    _, mapped, triples = _curated()
    shapes = Graph().parse(data=TARGET_SHAPES, format="turtle")
    planted = [
        *triples,
        (f"<{ID}country/tj>", TYPE, _t(MADE_UP.Special)),
        (f"<{ID}country/my>", TYPE, _t(MADE_UP.Child)),
        (_t(MADE_UP.Child), _t(RDFS.subClassOf), _t(MADE_UP.Parent)),
    ]
    by_pyshacl, by_translation = _both(shapes, planted, mapped)
    messages = {v.message.split(": ", 1)[1] for v in by_translation}
    assert messages == {
        "objects of kg:member are to be blank (broken on purpose)",
        "kz needs a theme (broken on purpose)",
        "implicit class target (broken on purpose)",
        "instances of subclasses too (broken on purpose)",
    }
    assert translate_shapes(shapes).untranslated == []
    assert by_translation == by_pyshacl


SEVERITY_SHAPES = (
    SHAPE_PREFIXES
    + """
    kg:WarnShape a sh:NodeShape ; sh:targetClass kg:Membership ; sh:severity sh:Warning ;
      sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:severity sh:Warning ;
                    sh:message "a membership could have a theme" ] ;
      sh:property [ sh:path kg:member ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "a member, for the record" ] ;
      sh:property [ sh:path kg:status ; sh:maxCount 0 ; sh:message "a property shape's own severity: a violation" ] ;
      sh:sparql [ a sh:SPARQLConstraint ; sh:message "a warning from SPARQL" ;
                  sh:select "SELECT $this WHERE { $this a <https://w3id.org/kgbuild/ontology#Membership> }" ] .
"""
)


def test_severities_are_kept_as_pyshacl_keeps_them():
    _, mapped, triples = _curated()
    shapes = Graph().parse(data=SEVERITY_SHAPES, format="turtle")
    no_member = [t for t in triples if not (t[0] == KZ and t[1] == _t(KG.member))]
    by_pyshacl, by_translation = _both(shapes, no_member, mapped)
    severities = {(v.message.split(": ", 1)[1], v.severity) for v in by_translation}
    assert severities == {
        ("a membership could have a theme", "Warning"),
        ("a warning from SPARQL", "Warning"),
        ("a member, for the record", "Info"),
        ("a property shape's own severity: a violation", "Violation"),
    }
    assert by_translation == by_pyshacl


UNKNOWN_SHAPES = (
    SHAPE_PREFIXES
    + """
    kg:ShortLabels a sh:NodeShape ; sh:targetClass kg:Membership ;
      sh:property [ sh:path rdfs:label ; sh:maxLength 5 ; sh:message "labels of at most five characters (maxLength)" ] .
    kg:KnownShape a sh:NodeShape ; sh:targetClass kg:Membership ;
      sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:message "a membership needs a theme" ] .
"""
)


def test_a_shape_with_a_constraint_the_translation_does_not_know_is_validated_by_pyshacl_not_skipped():
    _, mapped, triples = _curated()
    shapes = Graph().parse(data=UNKNOWN_SHAPES, format="turtle")
    translation = translate_shapes(shapes)
    assert translation.untranslated == [MADE_UP.ShortLabels] and "maxLength" in translation.reasons[MADE_UP.ShortLabels]
    with pytest.raises(Untranslatable):  # without the data for pySHACL, it fails loudly
        check_shapes_on_store(translation, _store(triples).query, mapped)
    by_pyshacl, by_translation = _both(shapes, triples, mapped)
    assert any("(maxLength)" in v.message for v in by_translation)
    assert any("a membership needs a theme" in v.message for v in by_translation)
    assert by_translation == by_pyshacl


def test_the_build_fails_on_violations_only_and_reports_warnings(facts_dir, tmp_path):
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    (ontology / "kgbuild.ttl").write_bytes((ONTOLOGY / "kgbuild.ttl").read_bytes())
    (ontology / "shapes.ttl").write_text(
        SHAPE_PREFIXES
        + """
        kg:WarnShape a sh:NodeShape ; sh:targetClass kg:Membership ; sh:property [
          sh:path kg:theme ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "a membership could have a theme" ] .
        kg:ShortLabels a sh:NodeShape ; sh:targetClass kg:Membership ; sh:property [
          sh:path rdfs:label ; sh:maxLength 5 ; sh:severity sh:Info ; sh:message "labels of at most five characters" ] .
    """,
        "utf-8",
    )
    said: list[str] = []
    build(facts_dir, tmp_path / "dist", ontology, None, progress=said.append)
    assert (tmp_path / "dist").exists(), "warnings and infos do not fail the build"
    assert any(line.startswith("warning (warning):") and "a membership could have a theme" in line for line in said)
    assert any(line.startswith("warning (info):") and "labels of at most five characters" in line for line in said)
    assert any("pySHACL validates it" in line and "ShortLabels" in line for line in said)
    (ontology / "shapes.ttl").write_text(
        SHAPE_PREFIXES
        + """
        kg:ShortLabels a sh:NodeShape ; sh:targetClass kg:Membership ;
          sh:property [ sh:path rdfs:label ; sh:maxLength 5 ; sh:message "labels of at most five characters" ] .
    """,
        "utf-8",
    )
    with pytest.raises(FactsError) as error:  # the same untranslated shape as a violation: the build fails
        build(facts_dir, tmp_path / "dist2", ontology, None)
    assert all("labels of at most five characters" in problem.message for problem in error.value.problems)
    assert error.value.problems


# one constraint on shapes of different targets, messages and severities: the translation checks it in
# one query for them all (shapes._grouped), which must still find each shape's results, once per result
GROUPED_SHAPES = (
    SHAPE_PREFIXES
    + """
    kg:CountryLabels a sh:NodeShape ; sh:targetClass kg:Country ;
      sh:property [ sh:path rdfs:label ; sh:uniqueLang true ; sh:message "one label per language" ] .
    kg:MemberLabels a sh:NodeShape ; sh:targetClass kg:Member ;
      sh:property [ sh:path rdfs:label ; sh:uniqueLang true ; sh:message "one label per language" ] ;
      sh:property [ sh:path rdfs:label ; sh:uniqueLang true ; sh:severity sh:Warning ;
                    sh:message "one label per language" ] .
    kg:KazakhstanLabels a sh:NodeShape ; sh:targetNode <https://w3id.org/kgbuild/id/country/kz> ;
      sh:property [ sh:path rdfs:label ; sh:uniqueLang true ; sh:message "kz: one label per language" ] .
    kg:MembershipSources a sh:NodeShape ; sh:targetSubjectsOf kg:member ;
      sh:property [ sh:path prov:wasDerivedFrom ; sh:class kg:Source ; sh:message "derived from a source" ] .
    kg:ParentSources a sh:NodeShape ; sh:targetClass kg:Parent ;
      sh:property [ sh:path prov:wasDerivedFrom ; sh:class kg:Source ; sh:message "derived from a source" ] .
    kg:KazakhstanInFrench a sh:NodeShape ; sh:targetNode <https://w3id.org/kgbuild/id/country/kz> ;
      sh:property [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "fr" ) ] ;
                    sh:qualifiedMinCount 1 ; sh:message "a label in French" ] .
    kg:MembershipInFrench a sh:NodeShape ; sh:targetNode <https://w3id.org/kgbuild/id/membership/cica-kz> ;
      sh:property [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "fr" ) ] ;
                    sh:qualifiedMinCount 1 ; sh:message "a label in French for the membership" ] .
    kg:KazakhstanInEnglish a sh:NodeShape ; sh:targetNode <https://w3id.org/kgbuild/id/country/kz> ;
      sh:property [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ;
                    sh:qualifiedMinCount 3 ; sh:message "three labels in English" ] .
    kg:MalaysiaInEnglish a sh:NodeShape ; sh:targetNode <https://w3id.org/kgbuild/id/country/my> ;
      sh:property [ sh:path rdfs:label ; sh:qualifiedValueShape [ sh:languageIn ( "en" ) ] ;
                    sh:qualifiedMinCount 3 ; sh:message "three labels in English" ] .
"""
)


def test_one_constraint_shared_by_shapes_of_other_targets_finds_what_each_shape_finds():
    _, mapped, triples = _curated()
    shapes = Graph().parse(data=GROUPED_SHAPES, format="turtle")
    kazakhstan, malaysia = f"<{ID}country/kz>", f"<{ID}country/my>"
    planted = [
        *triples,
        (kazakhstan, LABEL, '"Kazakhstan, again"@en'),  # a Country, a Member and the target node
        (KZ, SOURCE, kazakhstan),  # a membership: a subject of kg:member
        (malaysia, TYPE, _t(MADE_UP.Child)),  # an instance of a subclass of kg:Parent
        (_t(MADE_UP.Child), _t(RDFS.subClassOf), _t(MADE_UP.Parent)),
        (malaysia, SOURCE, kazakhstan),
        # an instance of a subclass of kg:Source is a source: no result
        (_nth(triples, KG.Membership, 1), SOURCE, f"<{ID}source/planted>"),
        (f"<{ID}source/planted>", TYPE, _t(MADE_UP.Leaflet)),
        (_t(MADE_UP.Leaflet), _t(RDFS.subClassOf), _t(KG.Source)),
    ]
    by_pyshacl, by_translation = _both(shapes, planted, mapped)
    found = {(v.message, v.severity) for v in by_translation}
    assert found == {
        ("country/kz (label): one label per language", "Violation"),
        ("country/kz (label): one label per language", "Warning"),
        ("country/kz (label): kz: one label per language", "Violation"),
        ("membership/cica-kz (wasDerivedFrom): derived from a source", "Violation"),
        ("country/my (wasDerivedFrom): derived from a source", "Violation"),
        ("country/kz (label): a label in French", "Violation"),
        ("membership/cica-kz (label): a label in French for the membership", "Violation"),
        ("country/kz (label): three labels in English", "Violation"),  # kz has two (one planted above)
        ("country/my (label): three labels in English", "Violation"),
    }
    assert len(translate_shapes(shapes).constraints) == 4, "one query per shared constraint"
    assert by_translation == by_pyshacl
