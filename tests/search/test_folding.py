"""Search folding: the forms a newcomer types meet the names the sources spell."""

from __future__ import annotations

import pytest

from kgbuild.search import fold


@pytest.mark.parametrize(("typed", "spelled"), [
    ("turkiye", "Türkiye"),  # the country's own spelling (UN renaming, 2022)
    ("TURKIYE", "Türkiye"),
    ("nur sultan", "Nur-Sultan"),  # Astana's name 2019-2022
    ("NUR-SULTAN", "Nur-Sultan"),
    ("korea selatan", "Korea  Selatan"),
    ("istanbul", "İstanbul"),  # Turkish dotted capital I
    ("istanbul", "ıstanbul"),  # Turkish dotless small i
    ("kazakhstans chairmanship", "Kazakhstan’s Chairmanship"),  # typographic apostrophe
    ("viet nam", "Việt Nam"),  # stacked diacritics
])
def test_what_a_user_types_folds_like_the_name(typed, spelled):
    assert fold(typed) == fold(spelled)


@pytest.mark.parametrize("different", ["Turki", "Turkey", "Tiongkok"])
def test_folding_keeps_different_names_apart(different):
    assert fold("Türkiye") != fold(different)


def test_punctuation_alone_folds_to_nothing():
    assert fold(" -/ ") == ""
