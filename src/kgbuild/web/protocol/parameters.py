"""Serve -> reading a whole-number request parameter (limit=, cursor=): the one rule for every route."""

from __future__ import annotations

import re

# ASCII digits only: str.isdigit() accepts '²', which int() then refuses; nine digits keep it below a billion
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def whole_number(text: str) -> int | None:
    """The number text writes, or None when it is not a whole number below a billion.

    >>> whole_number(" 20 "), whole_number("²"), whole_number("-1"), whole_number("9" * 10)
    (20, None, None, None)
    """
    text = text.strip()
    return int(text) if WHOLE_NUMBER.fullmatch(text) else None
