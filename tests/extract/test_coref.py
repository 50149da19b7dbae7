"""Speakers: title patterns, name variants merged, pronouns and descriptions resolved."""

from __future__ import annotations

import pytest

from app.extract.coref import description_alias


@pytest.mark.parametrize(
    ("text", "speaker", "how_low", "how_high"),
    [
        # a pronoun goes to the salient person of the right gender
        ("Ms. Anna Berg met Mr. Olaf Lind on Monday. She said the talks had gone very well.",
         "anna-berg", 0.5, 0.85),
        ("Ms. Anna Berg met Mr. Olaf Lind on Monday. He said the talks had gone very well.",
         "olaf-lind", 0.5, 0.85),
        # descriptions by nationality and title
        ("Georgian President Nino Beridze met Chilean President Pablo Soto in Lima.\n\n"
         "The Georgian leader said the visit had opened a new chapter.", "nino-beridze", 0.6, 0.8),
        ("Georgian President Nino Beridze met the Danish King Frederik in Lima.\n\n"
         "The republican leader said the visit had opened a new chapter.", "nino-beridze", 0.6, 0.8),
        # a name variant is the same speaker
        ("Georgian President Nino Beridze arrived in Lima.\n\nBeridze said the visit would be short.",
         "nino-beridze", 0.85, 1.0),
    ],
)
def test_resolution(run_extract, text: str, speaker: str, how_low: float, how_high: float) -> None:
    [st] = run_extract(text).statements
    assert st.speaker == speaker
    assert how_low <= st.confidence <= how_high


def test_party_label_is_not_a_country(run_extract) -> None:
    text = ("President Joe Carter met Senator Mary Hill in Ohio.\n\n"
            "The Republican leader said the bill would pass this year.")
    [st] = run_extract(text).statements
    assert st.speaker is None
    assert st.speaker_mention == "The Republican leader"


def test_title_country_and_aliases(run_extract) -> None:
    text = ("Georgian President Nino Beridze arrived in Lima.\n\n"
            "President Beridze said the visit would be short. Ms. Beridze added that she would return.")
    result = run_extract(text)
    sp = result.speaker_by_slug()["nino-beridze"]
    assert (sp.name, sp.title, sp.country) == ("Nino Beridze", "President", "Georgia")
    assert "Georgian President Nino Beridze" in sp.aliases
    assert not {a.lower() for a in sp.aliases} & {"he", "she", "her", "his"}
    assert [s.speaker for s in result.statements] == ["nino-beridze", "nino-beridze"]


def test_organisation_speaker(run_extract) -> None:
    result = run_extract("The Kremlin said the meeting would take place in the spring.")
    [st] = result.statements
    sp = result.speaker_by_slug()[st.speaker]
    assert sp.kind == "organization" and sp.name == "Kremlin"


@pytest.mark.parametrize(
    ("surface", "alias"),
    [
        ("The Azerbaijani leader", "the Azerbaijani leader"),
        ("the republican leader", "the republican leader"),
        ("A senior official", "a senior official"),
        ("The minister’s", "the minister"),
        ("Another official", "Another official"),  # only a leading article is lowered
    ],
)
def test_description_alias_reads_mid_sentence(surface: str, alias: str) -> None:
    assert description_alias(surface) == alias
