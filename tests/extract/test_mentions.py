"""Unit tests of ``app.extract.mentions``: names, titles, variants and merging."""

from __future__ import annotations

import pytest

from app.extract.mentions import (
    clean_alias,
    clean_name,
    gender_of_title,
    merge_people,
    name_variants,
    person_from_entity,
    rescan_names,
    slugify,
)
from app.extract.types import Span


def _person(text: str, name: str):  # the NER span of ``name`` in ``text``
    start = text.index(name)
    return person_from_entity(text, start, start + len(name))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("Sky's Anna Berg", "Anna Berg"), ("Latvia Ilze Ozola", "Ilze Ozola"), ("Peruvian Ana Quispe", "Ana Quispe")],
)
def test_names_lose_outlets_and_countries(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_names_lose_titles_honorifics_and_possessives() -> None:
    assert clean_name("Foreign Minister Anders Holm") == "Anders Holm"
    assert clean_name("Mr. Anders Holm’s") == "Anders Holm"


def test_slugs_are_ascii_and_never_empty() -> None:
    assert slugify("Søren  Ærø-Holm") == "sren-r-holm"
    assert slugify("!!!") == "speaker"


def test_title_and_nationality_before_the_name_widen_the_mention() -> None:
    text = "Swedish Foreign Minister Anders Holm arrived on Monday."
    mention = _person(text, "Anders Holm")
    assert (mention.name, mention.title, mention.country) == ("Anders Holm", "Foreign Minister", "Sweden")
    assert text[mention.surface.start:mention.surface.end] == "Swedish Foreign Minister Anders Holm"


def test_honorific_tells_the_gender() -> None:
    text = "The talks ended and Mrs. Karin Lund spoke first."
    mention = _person(text, "Karin Lund")
    assert (mention.gender, text[mention.surface.start:mention.surface.end]) == ("f", "Mrs. Karin Lund")


def test_a_country_is_no_person() -> None:
    assert _person("Georgia spoke first at the summit.", "Georgia") is None


@pytest.mark.parametrize(
    ("title", "gender"), [("Crown Princess", "f"), ("spokesman", "m"), ("Foreign Minister", None), (None, None)]
)
def test_gender_of_title(title: str | None, gender: str | None) -> None:
    assert gender_of_title(title) == gender


def test_name_variants() -> None:
    assert name_variants("Jan van der Berg") == {"Jan van der Berg", "Berg", "van der Berg", "Van der Berg"}
    assert {"Salem", "Al-Harthy", "al-Harthy"} <= name_variants("Salem bin Nasser Al-Harthy")
    assert name_variants("Holm") == {"Holm"}


def test_surname_and_spelling_variant_merge_into_one_speaker() -> None:
    text = "Sergei Volkov met Karin Lund. Later Sergey Volkov and Volkov left."
    mentions = [_person(text, "Sergei Volkov"), _person(text, "Karin Lund"), _person(text, "Sergey Volkov")]
    mentions.append(person_from_entity(text, text.rindex("Volkov"), text.rindex("Volkov") + len("Volkov")))
    speakers, assignment = merge_people(mentions, text)
    assert [s.slug for s in speakers] == ["sergei-volkov", "karin-lund"]
    assert assignment == {0: "sergei-volkov", 1: "karin-lund", 2: "sergei-volkov", 3: "sergei-volkov"}
    assert speakers[0].aliases == ["Sergei Volkov", "Sergey Volkov", "Volkov"]


def test_rescan_finds_surnames_the_model_missed_but_not_shared_ones() -> None:
    text = "Anders Holm met Karin Holm and Erik Lund. Holm and Lund spoke."
    mentions = [_person(text, "Anders Holm"), _person(text, "Karin Holm"), _person(text, "Erik Lund")]
    speakers, _ = merge_people(mentions, text)
    known = [(m.name_span, s) for m, s in zip(mentions, ("anders-holm", "karin-holm", "erik-lund"), strict=True)]
    found = rescan_names(text, speakers, known)
    assert [(text[span.start:span.end], slug) for span, slug in found] == [("Lund", "erik-lund")]


def test_clean_alias() -> None:
    assert clean_alias("  Holm’s, ") == "Holm"
