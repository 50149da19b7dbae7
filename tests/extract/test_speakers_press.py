"""Speaker attribution in official press texts, one table per construction.

Every example is written for these tests (invented people and events); each row checks
who is credited, not just that something was found.
"""

from __future__ import annotations

import pytest

from app.extract.layout import analyse_layout, find_dateline
from app.extract.names import anchored_people
from app.extract.quotes import find_quotes
from app.extract.roles import FOREIGN_MINISTER, HEAD_OF_GOVERNMENT, HEAD_OF_STATE, LEADER, SPOKESPERSON, parse_description
from app.extract.transcript import find_turns


def _names(result) -> dict[str, str]:
    return {s.slug: s.name for s in result.speakers}


def _speaker_names(result) -> list[str | None]:
    names = _names(result)
    return [names.get(st.speaker) if st.speaker else None for st in result.statements]


# 9. Layout: press-agency datelines -------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "dateline", "location", "source"),
    [
        ("TBILISI, Oct. 4 (GNA) — The talks ended.", "TBILISI, Oct. 4 (GNA) —", "Tbilisi", "GNA"),
        ("MINSK, May 9 /BelTA/. The talks ended.", "MINSK, May 9 /BelTA/.", "Minsk", "BelTA"),
        ("Yerevan, 2 February: The talks ended.", "Yerevan, 2 February:", "Yerevan", None),
        ("MUSCAT, 7 March (ONA) – The talks ended.", "MUSCAT, 7 March (ONA) –", "Muscat", "ONA"),
        ("Tashkent, 1 July\n\nThe talks ended.", "Tashkent, 1 July", "Tashkent", None),
        ("Nur-Sultan, 12 Sept. (Kazinform).\n\nThe talks ended.", "Nur-Sultan, 12 Sept. (Kazinform).", "Nur-Sultan", "Kazinform"),
        ("LIMA, Peru, Jan 3 (EFE) - The talks ended.", "LIMA, Peru, Jan 3 (EFE) -", "Lima", "EFE"),
        ("The talks ended in Lima on 3 January.", None, None, None),
    ],
)
def test_press_agency_datelines(text: str, dateline: str | None, location: str | None, source: str | None) -> None:
    span, parts = find_dateline(text)
    assert (text[span.start:span.end] if span else None) == dateline
    assert parts.get("location") == location
    assert parts.get("source") == source


@pytest.mark.parametrize(
    ("text", "dateline", "speaker"),
    [
        ("Port Deal Signed\n\nLIMA -- President Tomás Vera said on Monday that the port would open.",
         "LIMA --", "Tomás Vera"),
        ("RIGA — President Ilze Ozola said on Monday that the port would open.", "RIGA —", "Ilze Ozola"),
    ],
)
def test_dateline_without_date_after_a_headline(run_extract, text: str, dateline: str, speaker: str) -> None:
    result = run_extract(text)
    assert result.document.dateline == dateline
    assert _speaker_names(result) == [speaker]
    assert result.statements[0].speaker_mention.startswith("President")


def test_dateline_agency_fills_source_and_is_never_a_speaker(run_extract) -> None:
    result = run_extract("SOFIA, 5 May (BTA) – Foreign Minister Elena Petrova said that the border would reopen.")
    assert result.document.source == "BTA"
    assert [s.name for s in result.speakers] == ["Elena Petrova"]


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        # one paragraph per line when lines are full paragraphs
        ("The minister arrived in the capital on Monday for two days of talks with officials.\n"
         "She met the prime minister and the speaker of parliament on the first day of the visit.\n"
         "Talks continue tomorrow.", 3),
        # a hard-wrapped paragraph stays one
        ("The minister arrived in the capital\non Monday for two days of talks\nwith her hosts.", 1),
        ("First paragraph.\n\nSecond paragraph.", 2),
    ],
)
def test_single_newline_paragraphs(text: str, paragraphs: int) -> None:
    layout, _ = analyse_layout(text, lambda paras: find_quotes(text, paras))
    assert len(layout.paragraphs) == paragraphs


# 1. Transcript turns ---------------------------------------------------------------------

TRANSCRIPT = """Talks between President of Latvia Ilze Ozola and Chilean President Tomás Vera took place in Riga.

Ilze Ozola: Dear Tomás Andrés, welcome to Riga. Our ports are ready to serve your exporters.

We will also open a direct flight next spring.

Tomás Vera: Thank you, Ilze. I am sure our trade will double within three years.

Question (LETA): When will the flight start?

Ozola: In April, I hope.

The visit ends on Friday."""


def test_transcript_turns(run_extract) -> None:
    result = run_extract(TRANSCRIPT)
    turns = [st for st in result.statements if st.form == "transcript"]
    assert [(_names(result)[st.speaker], st.kind, st.cue) for st in turns] == [
        ("Ilze Ozola", "direct", None), ("Tomás Vera", "direct", None), ("Ilze Ozola", "direct", None)]
    # the unlabelled first-person paragraph continues the first turn; the narrative does not
    assert turns[0].fragments is not None and turns[0].text.endswith("next spring.")
    assert not any("When will" in st.text for st in result.statements)
    assert not any("visit ends" in st.text for st in result.statements)
    # a form of address is not a speaker
    assert "Tomás Andrés" not in {s.name for s in result.speakers}


INTRO = "Ministers Anna Berg and Olaf Lind spoke to the press.\n\n"


@pytest.mark.parametrize(
    ("text", "turns"),
    [
        (f"{INTRO}Anna Berg: We agreed.\n\nOlaf Lind: We did.", 2),
        (f"{INTRO}Berg: We agreed.\n\nLind: We did.", 2),  # surnames of people named before
        ("Note: figures are provisional.\n\nUpdate: the vote was delayed.", 0),  # headings
        ("Trade Gap Widens Again: exports fell.\n\nThe Outlook Is Grim: imports rose.", 0),  # subheads
        ("Anna Berg: We agreed.\n\nOlaf Lind: We did.", 0),  # labels naming nobody in the text
        (f"{INTRO}Anna Berg: We agreed.", 0),  # a single label is no transcript
        (f"{INTRO}Question: Is it true?\n\nAnna Berg: Yes.\n\nOlaf Lind: Indeed it is.", 2),
    ],
)
def test_turn_labels(text: str, turns: int) -> None:
    layout, _ = analyse_layout(text, lambda paras: find_quotes(text, paras))
    assert len(find_turns(text, layout.paragraphs)) == turns


# 2. Names anchored by an office title ----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "name", "title", "country"),
    [
        ("Latvian President Ilze Ozola arrived.", "Ilze Ozola", "President", "Latvia"),
        ("President of Chile Tomás Vera arrived.", "Tomás Vera", "President", "Chile"),
        ("Minister of Foreign Affairs of Peru Ana Quispe arrived.", "Ana Quispe", "Minister of Foreign Affairs", "Peru"),
        ("Uzbek Foreign Minister Bakhtiyor G‘ulomov arrived.", "Bakhtiyor G‘ulomov", "Foreign Minister", "Uzbekistan"),
        ("Qatari Foreign Minister Sheikh Hamad bin Ali Al Thani arrived.", "Hamad bin Ali Al Thani", "Foreign Minister", "Qatar"),
        ("Dutch Prime Minister Jan-Willem van der Berg arrived.", "Jan-Willem van der Berg", "Prime Minister", "Netherlands"),
        ("Kremlin spokesman Pavel Orlov arrived.", "Pavel Orlov", "Kremlin Spokesman", None),
        ("Peru's foreign minister Ana Quispe's visit began.", "Ana Quispe", "Foreign Minister", "Peru"),
        ("European Commissioner for Trade Lena Holm arrived.", "Lena Holm", "European Commissioner for Trade", None),
    ],
)
def test_title_anchored_names(text: str, name: str, title: str, country: str | None) -> None:
    [m] = anchored_people(text, [])
    assert (m.name, m.title, m.country) == (name, title, country)


@pytest.mark.parametrize(
    ("text", "speaker", "title", "country"),
    [
        # apposition gives the office and country
        ("Talks were held with Ana Quispe, the Peruvian foreign minister, on Monday.\n\n"
         "The Peruvian minister said that the talks had been useful.", "Ana Quispe", "Foreign Minister", "Peru"),
        # "his counterpart" holds the other party's office
        ("Chilean Foreign Minister Tomás Vera received his Peruvian counterpart Ana Quispe.\n\n"
         "The Peruvian minister said that a new border crossing would open.", "Ana Quispe", "Foreign Minister", "Peru"),
        # particles, capitalised at a sentence start, join the full name
        ("Dutch Prime Minister Jan-Willem van der Berg arrived in Oslo.\n\n"
         "Van der Berg said that the two countries would cooperate.", "Jan-Willem van der Berg", "Prime Minister", "Netherlands"),
        # an Arabic name is shortened to title + first name
        ("Qatari Foreign Minister Sheikh Hamad bin Ali Al Thani arrived in Oslo.\n\n"
         "Sheikh Hamad said that the talks had been frank.", "Hamad bin Ali Al Thani", "Foreign Minister", "Qatar"),
    ],
)
def test_name_variants_and_offices_resolve(run_extract, text: str, speaker: str, title: str, country: str) -> None:
    result = run_extract(text)
    assert _speaker_names(result) == [speaker]
    sp = next(s for s in result.speakers if s.name == speaker)
    assert (sp.title, sp.country) == (title, country)
    assert len([s for s in result.speakers if s.kind == "person" and speaker.split()[-1] in s.name]) == 1


# 3. Descriptions ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("surface", "role", "country"),
    [
        ("the Latvian leader", LEADER, "Latvia"),
        ("the head of the Chilean state", HEAD_OF_STATE, "Chile"),
        ("the head of Peruvian diplomacy", FOREIGN_MINISTER, "Peru"),
        ("the Dutch premier", HEAD_OF_GOVERNMENT, "Netherlands"),
        ("the head of the Dutch government", HEAD_OF_GOVERNMENT, "Netherlands"),
        ("the EU's top diplomat", FOREIGN_MINISTER, "European Union"),
        ("the spokeswoman", SPOKESPERSON, None),
        ("the commissioner", "commissioner", None),
    ],
)
def test_description_roles(surface: str, role: str, country: str | None) -> None:
    desc = parse_description(surface)
    assert desc is not None and (desc.role, desc.country) == (role, country)


@pytest.mark.parametrize(("surface",), [("The Ministry",), ("the talks",), ("Moldovan",)])
def test_not_descriptions(surface: str) -> None:
    assert parse_description(surface) is None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Latvian President Ilze Ozola met Dutch Prime Minister Jan-Willem van der Berg in Riga.\n\n"
         "The head of the Latvian state said that the summit had been a success.", "Ilze Ozola"),
        ("Latvian President Ilze Ozola met Dutch Prime Minister Jan-Willem van der Berg in Riga.\n\n"
         "The Dutch premier said that the summit had been a success.", "Jan-Willem van der Berg"),
        ("Latvian President Ilze Ozola met Dutch Prime Minister Jan-Willem van der Berg in Riga.\n\n"
         "The head of the Dutch government said that the summit had been a success.", "Jan-Willem van der Berg"),
        ("Kremlin spokeswoman Irina Orlova met reporters.\n\n"
         "The spokeswoman said that no date had been set.", "Irina Orlova"),
        ("Latvian President Ilze Ozola met Dutch Prime Minister Jan-Willem van der Berg in Riga.\n\n"
         "The Chilean leader said that the summit had been a success.", None),  # unresolved stays null
    ],
)
def test_descriptions_resolve_by_role_and_country(run_extract, text: str, speaker: str | None) -> None:
    result = run_extract(text)
    assert _speaker_names(result) == [speaker]
    assert result.statements[0].speaker_mention is not None


# 4. Organisations ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("The Ministry of Foreign Affairs of Peru said that the ambassador had been recalled. "
         "The ministry added that consultations would continue.",
         ["Ministry of Foreign Affairs of Peru", "Ministry of Foreign Affairs of Peru"]),
        ("The Kremlin press service said that the call had lasted an hour. "
         "The press service noted that trade had been discussed.", ["Kremlin", "Kremlin"]),
        ("The ministry said that the ambassador had been recalled.", [None]),  # no antecedent: null
    ],
)
def test_organisations(run_extract, text: str, speakers: list[str | None]) -> None:
    result = run_extract(text)
    assert _speaker_names(result) == speakers
    assert all(s.kind == "organization" for s in result.speakers if s.name in speakers)


# 5. Relayed speech -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "via"),
    [
        ("Xinhua quoted Ozola as saying that the port would be expanded.", "Xinhua"),
        ("Ozola was quoted by LETA as saying that the port would be expanded.", "LETA"),
        ("Ozola told Reuters that the port would be expanded.", "Reuters"),
        ("Ozola told the Delfi news portal that the port would be expanded.", "Delfi news portal"),
        ("Ozola told reporters that the port would be expanded.", None),
    ],
)
def test_relayed_speech(run_extract, sentence: str, via: str | None) -> None:
    result = run_extract("Latvian President Ilze Ozola visited Ventspils on Monday.\n\n" + sentence)
    [st] = result.statements
    assert _names(result)[st.speaker] == "Ilze Ozola"
    assert st.via == via
    assert via is None or via not in {s.name for s in result.speakers}


# 6. Joint statements ---------------------------------------------------------------------

def test_coordinated_speakers(run_extract) -> None:
    result = run_extract("Latvian President Ilze Ozola and Chilean President Tomás Vera met in Riga.\n\n"
                         "Ozola and Vera announced that a trade council would be set up.")
    [st] = result.statements
    names = _names(result)
    assert [names[s] for s in st.speakers] == ["Ilze Ozola", "Tomás Vera"]
    assert st.speaker == st.speakers[0]


# 7. Questions and look-alikes ------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "statements"),
    [
        ("Asked whether the port would be sold, Ozola replied that it would not.", ["it would not"]),
        ("A journalist asked whether the port would be sold.", []),
        ("The sale was announced on Monday.", []),
        ("Ozola hopes to visit Chile next year.", []),
        ("Ozola plans to visit Chile next year.", []),
    ],
)
def test_questions_and_lookalikes(run_extract, sentence: str, statements: list[str]) -> None:
    result = run_extract("Latvian President Ilze Ozola visited Ventspils on Monday.\n\n" + sentence)
    assert [st.text for st in result.statements] == statements


# 8. A clean speakers list ----------------------------------------------------------------

def test_speakers_list_has_people_and_organisations_only(run_extract) -> None:
    result = run_extract("Latvian President Ilze Ozola visited Ventspils and Liepaja on Monday.\n\n"
                         "Ozola said that Ventspils would get a new terminal. President Ozola added that "
                         "the Moldovan side was interested.")
    assert [(s.name, s.kind) for s in result.speakers] == [("Ilze Ozola", "person")]


# Signed quotes ("…” ― Name) ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("“The port gives our town a future, and we are grateful for it.” ― Maria Lopez", "Maria Lopez"),
        ("“We are tired of the same promises every four years.” — Juan de la Cruz.", "Juan de la Cruz"),
        ("“We are tired of the same promises every four years,” she wrote — and left.", None),
    ],
)
def test_signed_quotes(run_extract, line: str, speaker: str | None) -> None:
    result = run_extract("Readers wrote to us after the debate.\n\n" + line + "\n")
    assert [_names(result).get(st.speaker) for st in result.statements if st.kind == "direct"][:1] == (
        [speaker] if speaker else [None])


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # the run-on quote's last paragraph names its own speaker: two quotes
        ("“We will not give up the port,” Mayor Ann Moore said. “It is our future and our jobs.\n"
         "“We have waited for this terminal for twenty years,” added Governor Tom Clay.\n",
         ["Ann Moore", "Tom Clay"]),
        # one attribution for a quote over two paragraphs: one quote
        ("Mayor Ann Moore spoke at the opening.\n\n“It is our future and our jobs.\n\n"
         "“We have waited for this terminal for twenty years,” the mayor said.\n", ["Ann Moore"]),
    ],
)
def test_multi_paragraph_quote_with_two_attributions(run_extract, text: str, speakers: list[str]) -> None:
    result = run_extract(text)
    assert [_names(result).get(st.speaker) for st in result.statements] == speakers


def test_plural_description_is_a_joint_statement(run_extract) -> None:
    result = run_extract("Latvian President Ilze Ozola and Chilean President Tomás Vera met in Riga.\n\n"
                         "The two presidents said in a joint statement that a trade council would be set up.")
    [st] = result.statements
    assert sorted(_names(result)[s] for s in st.speakers) == ["Ilze Ozola", "Tomás Vera"]


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # spellings of one first name, a demonym glued to the name, title + surname: one person
        ("Latvian Foreign Minister Sergei Ozols arrived. Latvia Sergey Ozols said that talks would go on. "
         "Minister Ozols added that a deal was near.", ["Sergei Ozols"]),
        # two different first names stay two people
        ("Anna Ozola met Ilze Ozola in Riga. Anna Ozola said that the talks went well.", ["Anna Ozola", "Ilze Ozola"]),
    ],
)
def test_one_record_per_person(run_extract, text: str, people: list[str]) -> None:
    result = run_extract(text)
    assert sorted(s.name for s in result.speakers if s.kind == "person") == people


@pytest.mark.parametrize(
    ("sentence",),
    [("The visit was reported by local media.",), ("The deal was announced by the ministry on Monday.",)],
)
def test_passive_reports_are_not_statements(run_extract, sentence: str) -> None:
    assert run_extract("Latvian President Ilze Ozola visited Ventspils.\n\n" + sentence).statements == []


# Attribution after the quote -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "speaker", "quote"),
    [
        # the parser takes the quote's last words for the subject: the name after it speaks
        ("“The port is ready. Fully ready,” said Ilze Ozola, the mayor.", "Ilze Ozola", "The port is ready. Fully ready"),
        ("“She would be a fine mayor. One of the best,” Sen. Tomás Vera (D-Riga) said on Monday.",
         "Tomás Vera", "She would be a fine mayor. One of the best"),
        # a quoted question is not the end of the sentence that attributes it
        ("“Who would have thought we would win this port?” Ilze Ozola said, looking at the crowd.",
         "Ilze Ozola", "Who would have thought we would win this port?"),
    ],
)
def test_attribution_after_the_quote(run_extract, text: str, speaker: str, quote: str) -> None:
    result = run_extract(text)
    assert [(_names(result).get(st.speaker), st.text) for st in result.statements] == [(speaker, quote)]
