"""Search: how a name and a query are made comparable (case, diacritics, punctuation folded away).

>>> fold("Türkiye")
'turkiye'
>>> fold("  Nur-Sultan ")
'nur sultan'
>>> fold("Kazakhstan's")
'kazakhstans'
>>> fold("İSTANBUL") == fold("ıstanbul") == "istanbul"
True
"""

from __future__ import annotations

import re
import unicodedata

# letters NFKD leaves whole: Turkish dotless i, and the Latin letters with a stroke or ligature
_LETTERS = str.maketrans({"ı": "i", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ð": "d", "þ": "th"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_WORD = re.compile(r"[\W_]+")
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ][sS]\b")


def _strip_marks(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower-case, diacritic-free, punctuation as single spaces: the form names are compared in."""
    if text.isascii():  # most names: nothing to decompose
        folded = text.lower()
    else:  # casefold can bring marks back (İ -> i + combining dot), so marks are stripped after it as well
        folded = _strip_marks(_strip_marks(text.translate(_LETTERS)).casefold())
    folded = _APOSTROPHES.sub("", folded)
    return _NOT_WORD.sub(" ", folded).strip()


def without_possessives(text: str) -> str:
    """text with the English possessive 's dropped: what "Kazakhstan's" is said of.

    >>> fold(without_possessives("Kazakhstan's")), fold(without_possessives("Côte d'Ivoire"))
    ('kazakhstan', 'cote divoire')
    """
    return _POSSESSIVE.sub("", text)


def letters(folded: str) -> int:
    """How many letters and digits a folded text holds (what makes a query 'short')."""
    return sum(1 for char in folded if char != " ")
