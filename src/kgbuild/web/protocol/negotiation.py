"""Serve -> content negotiation: one of the offered formats, by format= or by Accept (werkzeug's ranking)."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ...queryrun.formats import Format


class NotAcceptable(Exception):
    """Nothing offered fits the request; the message lists what is offered (406, with Vary: Accept)."""

    @classmethod
    def listing(cls, offered: tuple[Format, ...], asked: str) -> NotAcceptable:
        types = ", ".join(f.media_type for f in offered)
        return cls(f"none of the offered types fits {asked}; offered: {types}")


class UnknownFormat(ValueError):
    """format= names no offered format; the message lists the good names."""

    def __init__(self, asked: str, offered: tuple[Format, ...]) -> None:
        names = ", ".join(f"{f.name} ({f.media_type})" for f in offered)
        super().__init__(f"format={asked!r} is not offered here; use one of: {names}")


def choose_format(offered: tuple[Format, ...], accept: str | None, override: str | None = None) -> Format:
    """Pick the representation to send.

    format= wins when given; otherwise werkzeug's MIMEAccept ranks the offers by the quality the most
    specific matching range gives (so `text/*;q=0, text/csv` still allows CSV), then by how specific
    that range is, then by the order of the offers. No or empty Accept means the first offer.

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
    by_type: dict[str, Format] = {}
    for candidate in offered:  # content_type too: a client may ask for the charset we send
        for media_type in (candidate.media_type, candidate.content_type, *candidate.also_accepted):
            by_type.setdefault(media_type, candidate)
    best = parse_accept_header(accept, MIMEAccept).best_match(by_type)
    if best is None:
        raise NotAcceptable.listing(offered, f"Accept: {accept}")
    return by_type[best]


def format_by_extension(offered: tuple[Format, ...], extension: str) -> Format | None:
    """The offered format whose file suffix is extension ('ttl', 'jsonld' ...), or None."""
    return next((f for f in offered if f.extension == extension), None)
