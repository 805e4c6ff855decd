"""Benchmarks: synthetic facts in the real YAML format, shaped like facts/, deterministic from a seed.

One file per organisation (organisation, memberships, chairmanships, meetings, documents, claims), plus
sources.yaml, places.yaml, people.yaml and organisations.yaml (organisations that are only members),
in about the proportions of the curated facts: per organisation ~30 memberships, ~4 chairmanships,
~7 meetings, ~3.5 documents with ~5 components each over a third of them, ~25 sources, ~4 places.
Memberships of one member in one organisation never overlap, nor do chairmanships of one organisation;
ISO country codes are reused across organisations. Claims are computed from the generated records, so
the build's claim check passes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pycountry

# Measured: one generated organisation file (with its share of sources, places and people) builds to
# ~this many triples, inferences and ontology included. Used to pick the number of organisations.
TRIPLES_PER_ORGANISATION = 1000
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/facts.schema.json\n"
WORDS = ("security", "dialogue", "cooperation", "peace", "trade", "water", "energy", "culture", "youth",
         "health", "maritime", "digital", "climate", "food", "transport", "education", "tourism", "disaster")
CITIES = ("pura", "kota", "abad", "grad", "stan", "polis", "shahr", "ville", "burg", "nagar")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _day(rng: random.Random, start_year: int, end_year: int) -> date:
    return date(start_year, 1, 1) + timedelta(
        days=rng.randrange((date(end_year, 12, 31) - date(start_year, 1, 1)).days)
    )


def _written(rng: random.Random, day: date) -> str:
    """A date as maintainers write it: mostly to the day, sometimes to the month or the year."""
    roll = rng.random()
    if roll < 0.15:
        return str(day.year)
    if roll < 0.35:
        return day.isoformat()[:7]
    return day.isoformat()


def _first_day(text: str) -> date:
    parts = [int(part) for part in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _sources(rng: random.Random, pool: list[str], most: int = 3) -> str:
    chosen = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 1, 2, 2, most))))
    return chosen[0] if len(chosen) == 1 else "[" + ", ".join(chosen) + "]"


def organisations_for(triples: int) -> int:
    return max(1, round(triples / TRIPLES_PER_ORGANISATION))


def generate(folder: Path, triples: int, seed: int = 1) -> dict[str, int]:
    """Write a facts folder of about `triples` built triples into folder; return the record counts."""
    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # 'no' (Norway) reads as false in YAML 1.1: maintainers quote it, and so does the generator
    countries = sorted(f'"{code}"' if code == "no" else code
                       for code in (country.alpha_2.lower() for country in pycountry.countries))
    count = organisations_for(triples)
    org_ids = [f"org{index:05d}" for index in range(count)]
    member_orgs = [f"morg{index:04d}" for index in range(max(2, count // 20))]
    sources = [f"src-{index:06d}" for index in range(count * 25)]
    places = [(f"city-{index:05d}", rng.choice(countries)) for index in range(max(4, count * 4))]
    counts = {"organisations": count + len(member_orgs), "sources": len(sources), "places": len(places),
              "memberships": 0, "chairmanships": 0, "meetings": 0, "documents": 0, "components": 0, "claims": 0}

    lines = [SCHEMA_LINE, "sources:\n"]
    for index, source in enumerate(sources):
        lines.append(
            f"  - id: {source}\n    title: {_quote(f'Report {index} on {rng.choice(WORDS)} and {rng.choice(WORDS)}')}\n"
            f"    publisher: {_quote(f'Ministry of {rng.choice(WORDS).title()} {index % 97}')}\n"
            f"    issued: {_day(rng, 1990, 2024).isoformat()}\n    language: {rng.choice(('en', 'id', 'en'))}\n"
        )
        if rng.random() < 0.6:
            lines.append(f"    url: https://example.org/news/{source}\n")
    (folder / "sources.yaml").write_text("".join(lines), "utf-8")

    lines = [SCHEMA_LINE, "places:\n"]
    for index, (place, country) in enumerate(places):
        name = f"{rng.choice(WORDS).title()}{rng.choice(CITIES)} {index}"
        lines.append(f"  - {{id: {place}, label: {{en: {name}, id: {name}}}, country: {country}, "
                     f"source: {rng.choice(sources)}}}\n")
    (folder / "places.yaml").write_text("".join(lines), "utf-8")

    lines = [SCHEMA_LINE, "people:\n"]
    for index in range(max(1, count * 3 // 2)):
        lines.append(f"  - id: person-{index:05d}\n    label: {{en: Person {index}, id: Tokoh {index}}}\n"
                     f"    role: {{en: Minister of {rng.choice(WORDS).title()}, id: Menteri {rng.choice(WORDS)}}}\n"
                     f"    country: {rng.choice(countries)}\n    source: {rng.choice(sources)}\n")
    (folder / "people.yaml").write_text("".join(lines), "utf-8")

    lines = [SCHEMA_LINE, "organisations:\n"]
    for index, org in enumerate(member_orgs):
        lines.append(f"  - id: {org}\n    acronym: {org.upper()}\n    label: {{en: Member Organisation {index}, "
                     f"id: Organisasi Anggota {index}}}\n    source: {rng.choice(sources)}\n")
    (folder / "organisations.yaml").write_text("".join(lines), "utf-8")

    for number, org in enumerate(org_ids):
        own = sources[number * 25:(number + 1) * 25]
        _write_organisation(folder / f"{org}.yaml", rng, org, number, own, countries, member_orgs, places, counts)
    return counts


def _write_organisation(path: Path, rng: random.Random, org: str, number: int, own_sources: list[str],
                        countries: list[str], member_orgs: list[str], places: list, counts: dict[str, int]) -> None:
    founded = _day(rng, 1945, 2000)
    out = [SCHEMA_LINE, "organisation:\n", f"  id: {org}\n", f"  acronym: O{number:05d}\n",
           f"  label: {{en: Organisation {number} for {rng.choice(WORDS).title()}, id: Organisasi {number}}}\n",
           f"  founded: {_written(rng, founded)}\n", f"  source: {_sources(rng, own_sources)}\n"]
    if rng.random() < 0.5:
        out.append(f"  description: {{en: A forum on {rng.choice(WORDS)} and {rng.choice(WORDS)}}}\n")

    # memberships: distinct members, one or two non-overlapping status periods each
    out.append("\nmemberships:\n")
    members = rng.sample(countries, k=rng.randint(22, 36))
    if rng.random() < 0.3:
        members.append(rng.choice(member_orgs))
    full_periods: list[tuple[str, date, date | None, bool]] = []  # member, from, until, is a country
    for member in members:
        start = _day(rng, founded.year, 2023)
        roll = rng.random()
        if roll < 0.1:  # observer first, then full member from the day the observer status ended
            switch = _day(rng, start.year + 1, 2024)
            since, until = _written(rng, start), switch.isoformat()
            out.append(f"  - {{member: {member}, status: observer, since: {since}, until: {until}, "
                       f"source: {_sources(rng, own_sources)}}}\n")
            out.append(f"  - {{member: {member}, since: {until}, source: {_sources(rng, own_sources)}}}\n")
            full_periods.append((member, switch, None, not member.startswith("morg")))
            counts["memberships"] += 2
            continue
        status = "full" if roll < 0.8 else ("observer" if roll < 0.92 else "partner")
        fields = [f"member: {member}"]
        if status != "full":
            fields.append(f"status: {status}")
        if rng.random() < 0.05:
            written = start.isoformat()
            fields.append(f"attested: {written}")
        else:
            written = _written(rng, start)
            fields.append(f"since: {written}")
        until = None
        if rng.random() < 0.12:
            until = _day(rng, start.year + 1, 2025)
            fields.append(f"until: {until.isoformat()}")
        fields.append(f"source: {_sources(rng, own_sources)}")
        if rng.random() < 0.05:
            fields.append(f"note: {_quote('Date as given by the ' + rng.choice(WORDS) + ' ministry.')}")
        out.append("  - {" + ", ".join(fields) + "}\n")
        if status == "full":
            full_periods.append((member, _first_day(written), until, not member.startswith("morg")))
        counts["memberships"] += 1

    # chairmanships: consecutive terms, hand-over on one day
    out.append("\nchairmanships:\n")
    day = _day(rng, max(founded.year, 1990), 2005)
    for term in range(rng.randint(2, 6)):
        # a chair is a full member when its term starts (kgbuild validate checks it)
        eligible = sorted({member for member, since, until, is_country in full_periods
                           if is_country and since <= day and (until is None or day < until)})
        if not eligible:
            break
        chair = rng.choice(eligible)
        end = day + timedelta(days=rng.randint(400, 1500))  # never two terms starting in one year
        last = term > 0 and rng.random() < 0.2
        fields = [f"chair: {chair}", f"since: {day.isoformat()}"]
        if not last:
            fields.append(f"until: {end.isoformat()}")
        out.append("  - {" + ", ".join(fields) + f", source: {_sources(rng, own_sources)}}}\n")
        if rng.random() < 0.3:
            out[-1] = out[-1][:-2] + f", theme: {{en: {rng.choice(WORDS).title()} for All}}}}\n"
        counts["chairmanships"] += 1
        if last:
            break
        day = end

    # meetings: summits and ministerial meetings, sometimes another series
    out.append("\nmeetings:\n")
    meetings: list[tuple[str, str]] = []  # (id, its start as written)
    for series, how_many in (("summit", rng.randint(2, 5)), ("ministerial", rng.randint(2, 4)),
                             ("soc-com", rng.choice((0, 0, 1, 2)))):
        start = _day(rng, 1995, 2000)
        for ordinal in range(1, how_many + 1):
            start = start + timedelta(days=rng.randint(200, 1200))
            written = _written(rng, start)
            fields = [f"series: {series}", f"ordinal: {ordinal}", f"start: {written}"]
            if rng.random() < 0.4:
                fields.append(f"end: {(start + timedelta(days=rng.randint(1, 3))).isoformat()}")
            fields.append(f"place: {rng.choice(places)[0]}")
            if rng.random() < 0.25:
                fields.append(f"theme: {{en: {rng.choice(WORDS).title()} and {rng.choice(WORDS).title()}}}")
            if rng.random() < 0.1:
                fields.append("venue: {en: Convention Centre}")
            out.append("  - {" + ", ".join(fields) + f", source: {_sources(rng, own_sources)}}}\n")
            meetings.append((f"{org}-{ordinal}" if series == "summit" else f"{org}-{series}-{ordinal}", written))
            counts["meetings"] += 1

    # documents: some declarations with ordered components
    out.append("\ndocuments:\n")
    components_of: dict[str, int] = {}
    for index in range(rng.randint(2, 5)):
        document = f"{org}-doc-{index}"
        declaration = rng.random() < 0.35
        out.append(f"  - id: {document}\n    kind: {'declaration' if declaration else 'document'}\n"
                   f"    label: {{en: {rng.choice(WORDS).title()} Declaration {index}, id: Deklarasi {index}}}\n")
        if rng.random() < 0.8:
            meeting, held = rng.choice(meetings)  # adopted during the meeting (kgbuild validate checks it)
            out.append(f"    adopted_at: {meeting}\n    adopted_on: {held}\n")
        if declaration:
            out.append("    components:\n")
            how_many = rng.randint(2, 8)
            for position in range(1, how_many + 1):
                out.append(
                    f"      - {{en: Culture of {rng.choice(WORDS).title()} {position}, id: Budaya {position}}}\n"
                )
            components_of[document] = how_many
            counts["components"] += how_many
        out.append(f"    source: {_sources(rng, own_sources)}\n")
        counts["documents"] += 1

    # claims: figures a source states, computed from the records above so they hold
    out.append("\nclaims:\n")
    for _ in range(rng.randint(0, 2)):
        as_of = _day(rng, 2005, 2024)
        value = sum(1 for member, since, until, country in full_periods
                    if country and since <= as_of and (until is None or as_of < until))
        out.append(f"  - {{count: members, status: full, kind: country, value: {value}, as_of: {as_of.isoformat()}, "
                   f"source: {rng.choice(own_sources)}}}\n")
        counts["claims"] += 1
    for document, how_many in list(components_of.items())[:1]:
        out.append(
            f"  - {{count: components, document: {document}, value: {how_many}, source: {rng.choice(own_sources)}}}\n"
        )
        counts["claims"] += 1
    path.write_text("".join(out), "utf-8")
