"""Serve -> the names of the time on a dated resource's page: a meeting of October 2021 was held in
Nur-Sultan, though the place is called Astana today (a former name possibly in force on the day, the
rule of kgbuild.temporal and of the stored queries)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ...iris import KG, RDFS
from ...store import Store

# What the resource points at, and that thing's former names in use on the resource's first day.
FORMER_NAMES = f"""PREFIX kg: <{KG}> PREFIX rdfs: <{RDFS}>
SELECT ?property ?other ?former ?day WHERE {{{{
  {{iri}} kg:startDate ?day ; ?property ?other .
  ?other kg:hasName ?name .
  ?name kg:nameKind "former" ; rdfs:label ?former .
  OPTIONAL {{{{ ?name kg:startDate ?start }}}}
  OPTIONAL {{{{ ?name kg:latestEndDate ?latestEnd }}}}
  FILTER((!BOUND(?start) || ?start <= ?day) && (!BOUND(?latestEnd) || ?day < ?latestEnd))
}}}}"""


@dataclass(frozen=True)
class NameThen:
    """`other` (reached by `property`) was called `name` on `day`."""

    property: ox.NamedNode
    other: ox.NamedNode
    name: ox.Literal
    day: str


def names_then(build: Store, iri: ox.NamedNode, language: str) -> list[NameThen]:
    """The former names, in the page's language (else English), of what a dated resource points at."""
    found: dict[tuple, NameThen] = {}
    for row in build.query(FORMER_NAMES.format(iri=iri)):
        name = row["former"]
        key = (row["property"], row["other"])
        if name.language == language or (name.language == "en" and key not in found):
            found[key] = NameThen(row["property"], row["other"], name, row["day"].value)
    return sorted(found.values(), key=lambda then: (then.property.value, then.other.value))
