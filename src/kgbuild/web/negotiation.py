"""Content negotiation: picking one of the offered formats by Accept (q-values) or format=."""

from __future__ import annotations

from dataclasses import dataclass

from ..queryrun.formats import Format


class NotAcceptable(Exception):
    """Nothing offered fits the request; the message lists what is offered."""

    def __init__(self, offered: tuple[Format, ...], asked: str) -> None:
        self.offered = offered
        types = ", ".join(f.media_type for f in offered)
        super().__init__(f"none of the offered types fits {asked}; offered: {types}")


class UnknownFormat(ValueError):
    """format= names no offered format; the message lists the good names."""

    def __init__(self, asked: str, offered: tuple[Format, ...]) -> None:
        names = ", ".join(f"{f.name} ({f.media_type})" for f in offered)
        super().__init__(f"format={asked!r} is not offered here; use one of: {names}")


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header, e.g. `text/*;q=0.5`."""

    type: str
    subtype: str
    params: frozenset[tuple[str, str]]
    quality: float

    def specificity(self, media_type: str) -> int:
        """How closely this range names media_type: -1 not at all, 0 `*/*` ... 3 type/subtype;params."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        return 3 if self.params else 2


def parse_accept(header: str) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, a malformed q counts as 1."""
    ranges = []
    for entry in header.split(","):
        parts = [part.strip() for part in entry.split(";")]
        media, params = parts[0].lower(), []
        if "/" not in media:
            if media != "*":
                continue
            media = "*/*"
        quality = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 1.0
            elif key:
                params.append((key, value))
        main, _, sub = media.partition("/")
        ranges.append(MediaRange(main, sub, frozenset(params), quality))
    return ranges


def quality_of(media_type: str, ranges: list[MediaRange]) -> tuple[float, int]:
    """The quality the most specific matching range gives media_type, with that specificity."""
    best_specificity, best_quality = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best_specificity or (
            specificity == best_specificity and specificity >= 0 and media_range.quality > best_quality
        ):
            best_specificity, best_quality = specificity, media_range.quality
    return (best_quality if best_specificity >= 0 else 0.0), best_specificity


def choose_format(offered: tuple[Format, ...], accept: str | None, override: str | None = None) -> Format:
    """Pick the representation to send.

    format= wins when given; otherwise the offered type with the highest quality in Accept
    (each judged by its most specific matching range, so `text/*;q=0` with `text/csv` still
    allows CSV), ties going to the earlier offer. No or empty Accept means the first offer.

    :raises UnknownFormat: format= names nothing offered.
    :raises NotAcceptable: Accept rules out every offer.
    """
    if override:
        wanted = override.strip().lower()
        for candidate in offered:
            if wanted in candidate.names():
                return candidate
        raise UnknownFormat(override, offered)
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    best, best_score = None, (0.0, -1)
    for position, candidate in enumerate(offered):
        score = max(quality_of(media, ranges) for media in (candidate.media_type, *candidate.also_accepted))
        if score[0] > 0 and (best is None or score[0] > best_score[0]):
            best, best_score = candidate, score
    if best is None:
        raise NotAcceptable(offered, f"Accept: {accept}")
    return best


def format_by_extension(offered: tuple[Format, ...], extension: str) -> Format | None:
    """The offered format whose file suffix is extension ('ttl', 'jsonld' ...), or None."""
    return next((f for f in offered if f.extension == extension), None)
