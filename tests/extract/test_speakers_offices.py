"""Offices written out in full, an agency's own officials, and "said in a statement that".

Press releases name offices with complements ("Foreign Minister of Ghana", "Minister of State
for Foreign Affairs Dr. X", "President of Côte d'Ivoire"), often leave out the country of the
agency's own officials, and put short quotations inside reported clauses. Every example is
invented for these tests.
"""

from __future__ import annotations

import pytest

from app.extract.names import anchored_people, apposition


def _speaker_names(result) -> list[str | None]:
    names = {s.slug: s.name for s in result.speakers}
    return [names.get(st.speaker) if st.speaker else None for st in result.statements]


@pytest.mark.parametrize(
    ("text", "name", "title", "country"),
    [
        # a title word before the office stays in it ("Foreign" is no country and no name)
        ("Foreign Minister of Ghana Kofi Mensah arrived.", "Kofi Mensah", "Foreign Minister", "Ghana"),
        # a country with an elided particle closes the complement
        ("President of Côte d'Ivoire Awa Traoré arrived.", "Awa Traoré", "President", "Ivory Coast"),
        # "for" inside the office; an honorific with its full stop belongs to the name, then goes
        ("Minister of State for Foreign Affairs Dr. Salem bin Nasser Al-Harthy arrived.",
         "Salem bin Nasser Al-Harthy", "Minister of State for Foreign Affairs", None),
        ("Minister of Trade and Industry Rosa Lima arrived.", "Rosa Lima", "Minister of Trade and Industry", None),
        # "and" after the name starts another person
        ("President of Ghana Kofi Mensah and his delegation arrived.", "Kofi Mensah", "President", "Ghana"),
    ],
)
def test_offices_with_complements(text: str, name: str, title: str, country: str | None) -> None:
    [m] = anchored_people(text, [])
    assert (m.name, m.title, m.country) == (name, title, country)


@pytest.mark.parametrize(
    ("text", "title", "country"),
    [
        (", the Kenyan Cabinet Secretary for Foreign Affairs, said", "Cabinet Secretary for Foreign Affairs", "Kenya"),
        (", the Peruvian foreign minister, said", "Foreign Minister", "Peru"),
        (", Ghana's Minister for Trade and Industry, said", "Minister for Trade and Industry", "Ghana"),
        (", the head of the delegation, said", None, None),
    ],
)
def test_apposed_offices(text: str, title: str | None, country: str | None) -> None:
    assert apposition(text, 0) == (title, country)


def test_apposed_office_makes_a_person_of_a_mislabelled_name(run_extract) -> None:
    text = ("Talks were held with Njeri Wambui-Otieno, the Kenyan Cabinet Secretary for Foreign Affairs, "
            "in Oslo.\n\nWambui-Otieno said that the two countries would sign a labour agreement.")
    result = run_extract(text)
    assert _speaker_names(result) == ["Njeri Wambui-Otieno"]
    sp = next(s for s in result.speakers if s.name == "Njeri Wambui-Otieno")
    assert (sp.kind, sp.country) == ("person", "Kenya")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the agency's own minister has no country; the other party's country does not fit
        ("MUSCAT, 2 May (ONA) – Minister of State Dr. Salem Al-Harthy met Kenyan Foreign Minister "
         "Njeri Wambui in Muscat.\n\nThe Omani minister said that the talks had covered fisheries.",
         "Salem Al-Harthy"),
        ("BRUSSELS, 2 May – High Representative Lena Holm met Peruvian Foreign Minister Ana Quispe.\n\n"
         "The EU's top diplomat said that the trade agreement would enter into force in June.", "Lena Holm"),
        # two holders of unknown country: no guess
        ("Minister of State Salem Al-Harthy met Minister of Trade Omar Said in Muscat.\n\n"
         "The Omani minister said that the talks had covered fisheries.", None),
        # a holder of the described country wins over one of unknown country
        ("Minister of State Salem Al-Harthy met Kenyan Foreign Minister Njeri Wambui in Muscat.\n\n"
         "The Kenyan minister said that the talks had covered fisheries.", "Njeri Wambui"),
    ],
)
def test_description_of_an_official_without_country(run_extract, text: str, speaker: str | None) -> None:
    result = run_extract(text)
    assert _speaker_names(result) == [speaker]
    assert result.statements[0].speaker_mention is not None


@pytest.mark.parametrize(
    "sentence",
    [
        # "the truth" is no addressee: "that" opens a relative clause
        "This archive tells the truth that the old regime wanted to hide from its own citizens.",
        # a participle opening the sentence is no cue with an adjunct
        "Writing for a regional paper that all readers trusted, Ana Quispe covered the floods.",
    ],
)
def test_that_after_an_object_is_no_content(run_extract, sentence: str) -> None:
    assert run_extract(sentence).statements == []


@pytest.mark.parametrize(
    ("sentence", "content", "speaker"),
    [
        ('The Ministry of Foreign Affairs of Peru said in a statement that the sides had "agreed in principle" '
         "on the border crossing.", 'the sides had "agreed in principle" on the border crossing',
         "Ministry of Foreign Affairs of Peru"),
        ('Foreign Minister Ana Quispe said on Monday that the port had "lost its way" under the old board.',
         'the port had "lost its way" under the old board', "Ana Quispe"),
        ('Foreign Minister Ana Quispe said that the embassy had been "fully reopened" after the floods.',
         'the embassy had been "fully reopened" after the floods', "Ana Quispe"),
        # an addressee and an adjunct between "told" and "that"
        ("Foreign Minister Ana Quispe told Andina after the ceremony that the embassy would reopen in May.",
         "the embassy would reopen in May", "Ana Quispe"),
    ],
)
def test_reported_clause_with_a_quotation_inside(run_extract, sentence: str, content: str, speaker: str) -> None:
    result = run_extract(sentence)
    assert [sentence[st.start_char:st.end_char] for st in result.statements] == [content]
    assert [st.kind for st in result.statements] == ["indirect"]
    assert _speaker_names(result) == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "his" is the latest person; the counterpart holds his office in another country
        ("Ghanaian Foreign Minister Kofi Mensah received his Peruvian counterpart Tomás Vera in Accra.\n\n"
         "Vera said that the visit was long overdue. Asked about visas, his counterpart replied that "
         "Accra was studying the question.", "Kofi Mensah"),
        ("Ghanaian Foreign Minister Kofi Mensah and Peruvian Foreign Minister Tomás Vera met in Accra. "
         "Interior Minister Ana Quispe joined them.\n\n"
         "Mensah said that visas would be abolished. His counterpart said that Lima agreed with the plan.",
         "Tomás Vera"),
        # a place the model took for a person holds no office: it is never the possessor
        ("Ghanaian Foreign Minister Kofi Mensah received his Peruvian counterpart Tomás Vera in Accra.\n\n"
         "Vera said that the visit was long overdue. Asked about troops for the Sahel, his counterpart "
         "replied that Accra was studying the question.", "Kofi Mensah"),
        # nobody holds the possessor's office elsewhere: unresolved
        ("Ghanaian Foreign Minister Kofi Mensah met Peruvian Interior Minister Tomás Vera in Accra.\n\n"
         "His counterpart said that Lima agreed with the plan.", None),
    ],
)
def test_counterpart_resolves_to_the_other_party(run_extract, text: str, speaker: str | None) -> None:
    result = run_extract(text)
    assert _speaker_names(result)[-1] == speaker


@pytest.mark.parametrize(
    ("sentence", "speaker", "via"),
    [
        ("President Tomás Vera told Xinhua that the port would open in May.", "Tomás Vera", "Xinhua"),
        ("President Tomás Vera told the state news agency Andina that the port would open in May.",
         "Tomás Vera", "Andina"),
        ("President Tomás Vera told parliament that the port would open in May.", "Tomás Vera", None),
    ],
)
def test_wire_services_relay(run_extract, sentence: str, speaker: str, via: str | None) -> None:
    result = run_extract(sentence)
    assert _speaker_names(result) == [speaker]
    assert [st.via for st in result.statements] == [via]


@pytest.mark.parametrize(
    ("sentence", "speakers"),
    [
        ("The Kenyan Ministry of Foreign and Diaspora Affairs said that the envoy had been summoned.",
         ["Kenyan Ministry of Foreign and Diaspora Affairs"]),
        ("The Ministry of Trade and Industry said that exports had grown.", ["Ministry of Trade and Industry"]),
        ("The Ministry of Defence and the army said that the exercise had ended.", ["Ministry of Defence"]),
    ],
)
def test_office_names_with_and(run_extract, sentence: str, speakers: list[str]) -> None:
    result = run_extract(sentence)
    assert [[s.name for s in result.speakers if s.slug in st.speakers] for st in result.statements] == [speakers]


def test_courtesy_title_makes_a_person(run_extract) -> None:
    result = run_extract('According to Ms Quispe, the talks were "frank and useful".')
    [sp] = result.speakers
    assert (sp.name, sp.kind) == ("Quispe", "person")


def test_speakers_list_leaves_out_buildings_and_relaying_media(run_extract) -> None:
    text = ("President Kofi Mensah received President Ana Quispe at Jubilee House on Monday.\n\n"
            "Mensah was quoted by Radio Gold as saying that the talks had gone well.")
    result = run_extract(text)
    assert [st.via for st in result.statements] == ["Radio Gold"]
    assert sorted(s.name for s in result.speakers) == ["Ana Quispe", "Kofi Mensah"]


def test_two_offices_joined_by_and_are_two_people() -> None:
    text = "President of the Republic of Ghana Kofi Mensah and President of Peru Ana Quispe arrived."
    found = [(m.name, m.title, m.country) for m in anchored_people(text, [])]
    assert found == [("Kofi Mensah", "President", "Ghana"), ("Ana Quispe", "President", "Peru")]


@pytest.mark.parametrize(
    ("title", "classes"),
    [("Presidential Spokeswoman", {"spokesperson"}), ("President", {"head_of_state", "leader"})],
)
def test_presidential_is_no_president(title: str, classes: set[str]) -> None:
    from app.extract.roles import title_classes

    assert title_classes(title) == classes


def test_anchor_does_not_reach_across_lines() -> None:
    [first, second] = anchored_people("Lima, 4 May\n\nPresident Rosa Huamán met President Diego Carrión.", [])
    assert (first.name, first.title) == ("Rosa Huamán", "President")
    assert (second.name, second.title) == ("Diego Carrión", "President")
