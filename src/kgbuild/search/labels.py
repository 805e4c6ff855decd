"""Search -> which of a resource's labels to show: the one rule for search hits and every served page."""

from __future__ import annotations

from collections.abc import Iterable


def preferred_label(labels: Iterable[tuple[str, str]], language: str | None) -> str | None:
    """The label to show of (language tag, text) pairs: in language, else English, else one without a
    language, else any; among several in the chosen language the first by text (the same on every run,
    whatever order the store gives them in). None when there is none.

    >>> preferred_label([("id", "Tiongkok"), ("en", "China")], "id"), preferred_label([("en", "B"), ("en", "A")], "en")
    ('Tiongkok', 'A')
    >>> preferred_label([("kk", "Қазақстан")], "en") is None, preferred_label([], "en")
    (False, None)
    """
    preference = (language or "en", "en", "")
    ranked = ((preference.index(tag) if tag in preference else len(preference), text) for tag, text in labels)
    best = min(ranked, default=None)
    return best[1] if best is not None else None
