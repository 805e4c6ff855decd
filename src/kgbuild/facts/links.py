"""Facts stage: links out to Wikidata: no two resources may claim the same Wikidata entity."""

from __future__ import annotations

from collections.abc import Iterator

from .collection import Facts
from .problems import Origin, Problem


def wikidata_ids(facts: Facts) -> Iterator[tuple[str, str, Origin]]:
    """(Q-id, the resource as kind/slug, where the id is written) for every link out the facts give."""
    for link in facts.country_links.values():
        yield link.wikidata, f"country/{link.code}", link.origin_of("wikidata")
    for kind, table in (("organisation", facts.organisations), ("place", facts.places)):
        for slug, record in table.items():
            if record.wikidata is not None:
                yield record.wikidata.id, f"{kind}/{slug}", record.origin_of("wikidata")


def check_wikidata_ids(facts: Facts) -> Iterator[Problem]:
    """Each Wikidata entity is linked from one resource at most: owl:sameAs from two would say they are one."""
    first: dict[str, tuple[str, Origin]] = {}
    for qid, resource, origin in sorted(wikidata_ids(facts), key=lambda link: link[2]):
        if qid in first:
            other, where = first[qid]
            yield Problem(origin, f"wikidata: {qid} is already the Wikidata entity of {other} (at {where}); "
                                  "two resources cannot be the same entity, so correct one of the ids")
        else:
            first[qid] = (resource, origin)
