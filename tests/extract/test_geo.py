"""Table-driven tests of the country and demonym tables."""

from __future__ import annotations

import pytest

from app.extract.geo import (
    COUNTRIES,
    MONARCHIES,
    canonical_country,
    canonical_party,
    country_for_demonym,
    is_country,
    is_republic,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Azerbaijani", "Azerbaijan"),
        ("azerbaijani", "Azerbaijan"),
        ("Azeri", "Azerbaijan"),
        ("Russian", "Russia"),
        ("RUSSIAN", "Russia"),
        ("American", "United States"),
        ("U.S.", "United States"),
        ("US", "United States"),
        ("British", "United Kingdom"),
        ("Chinese", "China"),
        ("South Korean", "South Korea"),
        ("North Korean", "North Korea"),
        ("Dutch", "Netherlands"),
        ("Swiss", "Switzerland"),
        ("Ivorian", "Ivory Coast"),
        ("Emirati", "United Arab Emirates"),
        ("Palestinian", "Palestine"),
        ("Taiwanese", "Taiwan"),
        ("Kosovar", "Kosovo"),
        ("Polish", "Poland"),
        ("Azerbaijanis", "Azerbaijan"),
        ("Russians", "Russia"),
        ("Filipinos", "Philippines"),
        # not demonyms, or not in this case
        ("polish", None),
        ("us", None),
        ("Us", None),
        ("Russia", None),
        ("Moscow", None),
        ("European", None),
        ("Korean", None),
        ("Congolese", None),
        ("Swis", None),
        ("", None),
        ("   ", None),
        ("President", None),
    ],
)
def test_country_for_demonym(word: str, expected: str | None) -> None:
    assert country_for_demonym(word) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Russia", "Russia"),
        ("Russian Federation", "Russia"),
        ("the Russian Federation", "Russia"),
        ("the United States", "United States"),
        ("US", "United States"),
        ("U.S.", "United States"),
        ("USA", "United States"),
        ("America", "United States"),
        ("United States of America", "United States"),
        ("Republic of Azerbaijan", "Azerbaijan"),
        ("the Republic of Azerbaijan", "Azerbaijan"),
        ("UK", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("Great Britain", "United Kingdom"),
        ("Kingdom of the Netherlands", "Netherlands"),
        ("The Netherlands", "Netherlands"),
        ("Republic of Korea", "South Korea"),
        ("Democratic People's Republic of Korea", "North Korea"),
        ("Democratic People’s Republic of Korea", "North Korea"),
        ("People's Republic of China", "China"),
        ("Republic of China", "Taiwan"),
        ("Democratic Republic of the Congo", "Democratic Republic of the Congo"),
        ("DRC", "Democratic Republic of the Congo"),
        ("Islamic Republic of Iran", "Iran"),
        ("Federal Republic of Germany", "Germany"),
        ("Côte d’Ivoire", "Ivory Coast"),
        ("Türkiye", "Turkey"),
        ("Czechia", "Czech Republic"),
        ("State of Palestine", "Palestine"),
        ("Kosovo", "Kosovo"),
        ("Holy See", "Vatican City"),
        ("  Azerbaijan  ", "Azerbaijan"),
        # not countries
        ("Moscow", None),
        ("Caucasus", None),
        ("turkey", None),
        ("us", None),
        ("Republic of Moscow", None),
        ("European Union", None),
        ("Azerbaijani", None),
        ("", None),
    ],
)
def test_canonical_country(name: str, expected: str | None) -> None:
    assert canonical_country(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("EU", "European Union"), ("the European Union", "European Union"), ("Russia", "Russia"),
     ("eu", None), ("Brussels", None)],
)
def test_canonical_party(name: str, expected: str | None) -> None:
    assert canonical_party(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Azerbaijan", True), ("Russian Federation", True), ("Taiwan", True), ("Moscow", False),
     ("European Union", False), ("", False)],
)
def test_is_country(name: str, expected: bool) -> None:
    assert is_country(name) is expected


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("Azerbaijan", True),
        ("Russia", True),
        ("Republic of Azerbaijan", True),
        ("France", True),
        ("Barbados", True),  # a republic since 2021
        ("United Kingdom", False),
        ("Britain", False),
        ("Saudi Arabia", False),
        ("Japan", False),
        ("Canada", False),
        ("Vatican City", False),
        ("Moscow", False),  # not a country at all
    ],
)
def test_is_republic(country: str, expected: bool) -> None:
    assert is_republic(country) is expected


def test_tables_are_consistent() -> None:
    assert len(COUNTRIES) == len(set(COUNTRIES)) >= 197
    assert MONARCHIES <= set(COUNTRIES)
    assert all(canonical_country(name) == name for name in COUNTRIES)
    assert list(COUNTRIES) == sorted(COUNTRIES)


@pytest.mark.parametrize("junk", [None, 42, "\x00", "the", "The"])
def test_never_raises(junk: object) -> None:
    assert canonical_country(junk) is None  # type: ignore[arg-type]
    assert country_for_demonym(junk) is None  # type: ignore[arg-type]
