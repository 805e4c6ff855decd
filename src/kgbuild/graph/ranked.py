"""Graph stage: other names (with their periods) and ranked statements where sources disagree, as
Wikidata ranks them: the preferred value is the plain triple; every value is also a kg:Statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import vocab
from ..facts.models import Alternative, Name, PartialDate
from ..vocab import KG
from .emitter import _DATE, _INTEGER, _T, DATE_KEYS, PRECISION, Emitter
from .ntriples import k, nt_literal

RANK = {"preferred": k(KG.PreferredRank), "normal": k(KG.NormalRank), "deprecated": k(KG.DeprecatedRank)}
RANK_WORDS = {"preferred": ("preferred", "diutamakan"), "normal": ("normal", "normal"),
              "deprecated": ("deprecated", "usang")}
TEXT_KEYS = {"theme": KG.theme}



class RankedValues(Emitter):
    """Names, ranked statements and stated aims of the record being written."""

    def names(self, owner_kind: str, owner: str, names: list[Name]) -> None:
        """Other names: each text as skos:altLabel of the owner (search finds it), and a kg:Name
        resource with its kind, period and sources (the name in force on a date)."""
        subject = self._subject
        for name in names:
            for language, text in sorted(name.label.items()):
                self._emit((subject, _T["altLabel"], nt_literal(text, language)))
        for name in names:
            first_text = name.label.get("en") or next(iter(name.label.values()))
            iri = self.iri("name", vocab.name_slug(owner_kind, owner, first_text))
            self.add(k(KG.hasName), iri, subject=subject)
            self.start(iri, self._origin, k(KG.Name))
            self.labels(name.label)
            self.add(k(KG.nameOf), subject)
            self.add(k(KG.nameKind), nt_literal(name.kind))
            self.date("since", name.since)
            self.date("until", name.until)
            self.sources(name.source)
        self._subject = subject

    def statements(self, kind: str, slug: str, record, alternatives: Sequence[Alternative]) -> None:
        """Where sources disagree: every value of a disputed key as a ranked statement with its sources.

        The record's own value is preferred and stays the plain triple every simple query sees; each
        alternative is a `normal` or `deprecated` statement beside it (Wikidata's ranks)."""
        if not alternatives:
            return
        subject = self._subject
        keys = [key for key in type(alternatives[0]).model_fields if any(key in alt.values() for alt in alternatives)]
        for key in keys:
            others = [alt for alt in alternatives if key in alt.values()]
            # a source the record cites for an alternative value supports that one, not the preferred value
            against = {source for alt in others for source in alt.source}
            preferred_sources = [source for source in record.source if source not in against] or record.source
            ranked: list[tuple[str, Any, list[str], str | None]] = [
                ("preferred", getattr(record, key, None), preferred_sources, None)]
            ranked += [(alt.rank, alt.values()[key], alt.source, alt.note) for alt in others]
            for index, (rank, value, source_ids, note) in enumerate(ranked):
                if value is None:
                    continue
                iri = self.iri("statement", vocab.statement_slug(kind, slug, key, index))
                self.add(k(KG.hasStatement), iri, subject=subject)
                self.start(iri, self._origin, k(KG.Statement))
                english, indonesian = RANK_WORDS[rank]
                shown = str(value) if isinstance(value, PartialDate) else value.get("en", next(iter(value.values())))
                self.add(_T["label"], nt_literal(f"{kind}/{slug} {key}: {shown} ({english})", "en"))
                self.add(_T["label"], nt_literal(f"{kind}/{slug} {key}: {shown} ({indonesian})", "id"))
                self.add(k(KG.statementAbout), subject)
                self.add(k(KG.rank), RANK[rank])
                if isinstance(value, PartialDate):
                    first, _, _ = DATE_KEYS[key]
                    self.add(k(KG.statementProperty), k(first))
                    self.add(k(KG.statementValue), nt_literal(value.value.isoformat(), datatype=_DATE))
                    self.add(k(KG.statementValuePrecision), PRECISION[value.precision])
                else:
                    self.add(k(KG.statementProperty), k(TEXT_KEYS[key]))
                    for language, text in sorted(value.items()):
                        self.add(k(KG.statementValue), nt_literal(text, language))
                if note:
                    self.add(_T["comment"], nt_literal(note, "en"))
                self.sources(source_ids)
        self._subject = subject

    def aims(self, owner: str, aims) -> None:
        subject = self._subject
        for position, aim in enumerate(aims, start=1):
            iri = self.iri("aim", f"{owner}-{position}")
            self.add(k(KG.hasAim), iri, subject=subject)
            self.start(iri, self._origin, k(KG.Aim))
            self.labels(aim.label)
            self.add(k(KG.position), nt_literal(str(position), datatype=_INTEGER))
            self.sources(aim.source)
        self._subject = subject
