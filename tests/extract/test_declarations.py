"""Table-driven tests of stage 6: instruments, references back, clauses, principles, parties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.extract.declarations import find_declarations
from app.extract.principles import find_principles
from app.extract.types import Declaration, Span, Speaker

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_7dc904b87ea3e2fe.txt"
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?][\"”]?(?=\s|$)|$)", re.MULTILINE)


def sentences(text: str) -> list[Span]:
    """A plain splitter for tests (no abbreviations in our examples)."""
    return [Span(m.start() + len(m.group()) - len(m.group().lstrip()), m.end())
            for m in _SENTENCE.finditer(text) if m.group().strip()]


def speaker(text: str, name: str, title: str | None, country: str | None, surface: str) -> Speaker:
    start = text.index(surface)
    return Speaker(slug=name.lower().replace(" ", "-"), name=name, title=title, country=country,
                   mentions=[Span(start, start + len(surface))])


def run(text: str, speakers: list[Speaker] | None = None) -> list[Declaration]:
    return find_declarations(text, sentences(text), speakers or [])


# --- named instruments ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Paris Agreement entered into force in 2016.", [("Paris Agreement", "agreement")]),
        ("They signed the Treaty on the Non-Proliferation of Nuclear Weapons in 1968.",
         [("Treaty on the Non-Proliferation of Nuclear Weapons", "treaty")]),
        ("The leaders signed the Declaration on Allied Cooperation in Moscow.",
         [("Declaration on Allied Cooperation", "declaration")]),
        ("The ministers signed a memorandum of understanding on energy cooperation in Baku.",
         [("Memorandum of Understanding on Energy Cooperation", "memorandum")]),
        ("The two presidents adopted a joint statement.", [("Joint Statement", "joint_statement")]),
        ("The Good Friday Agreement ended the conflict.", [("Good Friday Agreement", "agreement")]),
        ("NATO invoked the North Atlantic Treaty and the UN Charter.",
         [("North Atlantic Treaty", "treaty"), ("UN Charter", "charter")]),
        ("The Geneva Conventions protect civilians.", [("Geneva Conventions", "convention")]),
        ("Israel and Bahrain signed the Abraham Accords.", [("Abraham Accords", "agreement")]),
        ("Both sides praised the Minsk Protocol on Tuesday.", [("Minsk Protocol", "protocol")]),
        # the same instrument named twice, once in lower case: one declaration
        ("They signed the Declaration on Allied Cooperation. He praised the declaration on allied cooperation.",
         [("Declaration on Allied Cooperation", "declaration")]),
        # a past verb after "and" ends a lower-case topic; the next name is an instrument of its own
        ("Norland and Sudmark signed an agreement on visa exemption for students and exchanged instruments of "
         "ratification of the Agreement on the Northern Rail Corridor.",
         [("Agreement on Visa Exemption for Students", "agreement"),
          ("Agreement on the Northern Rail Corridor", "agreement")]),
        # not named instruments
        ("Azerbaijan is ready to start working on a peace treaty.", []),
        ("The agreement was welcomed by both sides.", []),
        ("The Declaration was signed on Monday.", []),
        ("Agreement was reached late on Friday.", []),
        ("The firms reached agreement on prices.", []),
        ("Russia And Azerbaijan Sign Declaration", []),
        ("Officials discussed a possible trade agreement.", []),
        ("", []),
    ],
)
def test_named_instruments(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(d.title, d.kind) for d in run(text)] == expected


def test_declaration_span_is_its_first_naming() -> None:
    text = "Leaders met. They signed the Paris Agreement. The Paris Agreement works."
    (d,) = run(text)
    assert text[d.start_char : d.end_char] == "Paris Agreement"
    assert d.start_char == text.index("Paris")


# --- clauses, one construction per row --------------------------------------------------

NAMING = "Armenia and Georgia signed the Treaty of Friendship. "


@pytest.mark.parametrize(
    ("sentence", "clause", "ordinal"),
    [
        # a numbered part is the subject: the clause is the complement, the part the ordinal
        ("The first paragraph of the document postulates respect for sovereignty and territorial integrity.",
         "respect for sovereignty and territorial integrity", 1),
        ("Article 5 of the treaty states that an attack on one is an attack on all.",
         "an attack on one is an attack on all", 5),
        ("Paragraph 3 of the treaty says the border will be demilitarised.",
         "the border will be demilitarised", 3),
        ("Point two of the document provides for a joint commission.", "a joint commission", 2),
        ("Article IV of the treaty guarantees free transit.", "free transit", 4),
        ("The third article of the treaty obliges both sides to share data.", "both sides to share data", 3),
        ("The 2nd section of the treaty establishes a court.", "a court", 2),
        # the instrument itself is the subject: the whole predication
        ("In addition, the document provides for the exchange of students.",
         "the document provides for the exchange of students", None),
        ("The treaty commits both countries to refrain from the use of force.",
         "The treaty commits both countries to refrain from the use of force", None),
        ("The Treaty of Friendship also calls for a free trade zone.",
         "The Treaty of Friendship also calls for a free trade zone", None),
        ("The treaty envisages joint patrols, the minister said.", "The treaty envisages joint patrols", None),
        ("Article 3 sets the boundary along the river.", "the boundary along the river", 3),
        ("The treaty also calls on both governments to open consulates.",
         "The treaty also calls on both governments to open consulates", None),
        # the instrument frames the clause
        ("Thus, in accordance with the signed treaty, the border will be reopened.",
         "the border will be reopened", None),
        ("Under the treaty, Armenia will supply gas to Georgia.", "Armenia will supply gas to Georgia", None),
        ("Under the treaty signed on Monday, the border will be reopened.", "the border will be reopened", None),
        ("Georgia will open a consulate in Yerevan under the treaty.",
         "Georgia will open a consulate in Yerevan", None),
        ("He said that tariffs will fall under the treaty.", "tariffs will fall", None),
        ("\u201cUnder the treaty, trade will double,\u201d the minister said.", "trade will double", None),
        # the instrument frames what the signatories agreed
        ("In the treaty, the parties agreed to hold annual summits.", "the parties agreed to hold annual summits", None),
    ],
)
def test_clause_constructions(sentence: str, clause: str, ordinal: int | None) -> None:
    text = NAMING + sentence
    (d,) = run(text)
    assert d.title == "Treaty of Friendship"
    assert [(c.text, c.ordinal) for c in d.clauses] == [(clause, ordinal)]
    c = d.clauses[0]
    assert text[c.start_char : c.end_char] == c.text


@pytest.mark.parametrize(
    ("text", "title", "clause", "ordinal"),
    [
        ("Article 2 of the Charter of the United Nations prohibits the use of force.",
         "Charter of the United Nations", "the use of force", 2),
        ("The New START Treaty limits each side to 1,550 warheads.",
         "New START Treaty", "The New START Treaty limits each side to 1,550 warheads", None),
        ("The Paris Agreement, signed in 2015, commits countries to limit warming.",
         "Paris Agreement", "The Paris Agreement, signed in 2015, commits countries to limit warming", None),
    ],
)
def test_clause_of_a_named_subject(text: str, title: str, clause: str, ordinal: int | None) -> None:
    (d,) = run(text)
    assert (d.title, [(c.text, c.ordinal) for c in d.clauses]) == (title, [(clause, ordinal)])


@pytest.mark.parametrize(
    "sentence",
    [
        "The norms enshrined in the document would broaden cooperation.",
        "He commented on the signing of the treaty.",
        "The treaty was signed in Tbilisi.",
        "He spoke about cooperation under the treaty.",
        "Critics say the treaty is too vague.",
        "The two countries have long-standing ties.",
        # outcomes of the talks are no provisions of the instrument
        "The parties agreed to hold annual summits.",
        "At the talks, both sides pledged to respect the ceasefire.",
    ],
)
def test_no_clause(sentence: str) -> None:
    (d,) = run(NAMING + sentence)
    assert d.clauses == []


@pytest.mark.parametrize(
    "text",
    [
        "The document provides for joint patrols.",  # nothing named to refer back to
        "The parties agreed to hold talks.",
        "Under the agreement, Russia will supply gas.",
    ],
)
def test_clauses_need_a_named_instrument(text: str) -> None:
    assert run(text) == []


def test_numbered_part_needs_a_recent_instrument() -> None:
    far = NAMING + "It rained. It rained. It rained. It rained. Under Article 4, the border will open."
    (d,) = run(far)
    assert d.clauses == []


# --- references back --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "owner"),
    [
        # "the treaty" skips the more recent agreement: kinds must be compatible
        ("Armenia signed the Treaty of Friendship. The Paris Agreement was discussed. "
         "The treaty provides for joint patrols.", "Treaty of Friendship"),
        # "the document" goes to the most recent instrument of any kind
        ("Armenia signed the Treaty of Friendship. Georgia signed the Paris Agreement. "
         "The document provides for joint patrols.", "Paris Agreement"),
        ("Armenia signed the Treaty of Friendship. Georgia signed the Paris Agreement. "
         "The accord provides for joint patrols.", "Paris Agreement"),
        ("Armenia signed the Declaration on Peace. Under the signed Declaration, patrols will stop.",
         "Declaration on Peace"),
        # a word of the title before the kind picks that one over a more recent one of its kind
        ("Norland signed the Agreement on Visa Exemption and the Agreement on the Rail Corridor. "
         "The visa agreement allows stays of 90 days.", "Agreement on Visa Exemption"),
        ("Norland signed the Agreement on Visa Exemption and the Agreement on the Rail Corridor. "
         "The corridor agreement, the ministry of transport said, commits both sides to build a bridge.",
         "Agreement on the Rail Corridor"),
        # "its article 5" frames a clause of the instrument last spoken of
        ("Norland signed the Agreement on Visa Exemption. Under its article 5, either party may suspend it.",
         "Agreement on Visa Exemption"),
    ],
)
def test_references_back(text: str, owner: str) -> None:
    with_clauses = [d.title for d in run(text) if d.clauses]
    assert with_clauses == [owner]


# --- principles ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("clause", "principles"),
    [
        ("the principle of cooperation based on mutual respect for independence, state sovereignty, "
         "territorial integrity, inviolability of borders and non-interference in each other\u2019s internal affairs",
         ["independence", "state sovereignty", "territorial integrity", "inviolability of borders",
          "non-interference in each other\u2019s internal affairs"]),
        ("respect for sovereignty and territorial integrity", ["sovereignty", "territorial integrity"]),
        ("the principles of equality, mutual benefit, and non-interference, enshrined in the UN Charter",
         ["equality", "mutual benefit", "non-interference"]),
        ("values such as democracy, human rights as well as the rule of law",
         ["democracy", "human rights", "rule of law"]),
        ("the parties reaffirmed the principles: sovereignty, equality and good faith",
         ["sovereignty", "equality", "good faith"]),
        # not principles
        ("Russia will build roads, schools and hospitals", []),
        ("respect for international law", []),
        ("the development of trade, energy and transport", []),
        ("", []),
        # a cue inside the list is one of its items
        ("the sides reaffirmed the principles of democracy, the rule of law, respect for human rights and "
         "equality", ["democracy", "rule of law", "respect for human rights", "equality"]),
    ],
)
def test_principles(clause: str, principles: list[str]) -> None:
    assert find_principles(clause) == principles


# --- parties ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "people", "parties"),
    [
        ("Armenia and Georgia signed the Treaty of Friendship.", [], ["Armenia", "Georgia"]),
        ("The Treaty of Friendship between the Republic of Armenia and Georgia was praised.", [],
         ["Armenia", "Georgia"]),
        ("The Russian-Azerbaijani Declaration was signed.", [], ["Azerbaijan", "Russia"]),
        ("The leaders held talks in Baku. They signed the Declaration on Peace.",
         [("Ilham Aliyev", "President", "Azerbaijan", "The leaders held talks")], ["Azerbaijan"]),
        # a commenting leader is no party when the text names the signatories
        ("Israel and the United Arab Emirates signed the Abraham Accords. "
         "French President Emmanuel Macron welcomed the Abraham Accords.",
         [("Emmanuel Macron", "President", "France", "French President Emmanuel Macron")],
         ["Israel", "United Arab Emirates"]),
        # a speaker without a leadership title is no party
        ("The spokesman praised the Declaration on Peace.",
         [("Ivan Petrov", "spokesman", "Russia", "The spokesman")], []),
    ],
)
def test_parties(text: str, people: list[tuple[str, str, str, str]], parties: list[str]) -> None:
    speakers = [speaker(text, name, title, country, surface) for name, title, country, surface in people]
    (d,) = run(text, speakers)
    assert d.parties == parties


# --- robustness ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("", []),
        ("treaty", [Span(0, 6)]),
        ("The Paris Agreement.", [Span(5, 500), Span(-3, 2)]),  # out-of-range spans are ignored
        ("Under the Paris Agreement, \u201c", []),
        ("The Paris Agreement provides for", [Span(0, 32)]),
    ],
)
def test_never_raises(text: str, spans: list[Span]) -> None:
    for d in find_declarations(text, spans, []):
        for c in d.clauses:
            assert text[c.start_char : c.end_char] == c.text


# --- the seed, end to end -----------------------------------------------------------------

def test_seed_article() -> None:
    text = SEED.read_text(encoding="utf-8")
    speakers = [
        speaker(text, "Ilham Aliyev", "President", "Azerbaijan", "Azerbaijani President Ilham Aliyev"),
        speaker(text, "Vladimir Putin", "President", "Russia", "Russian President Vladimir Putin"),
    ]
    (d,) = find_declarations(text, sentences(text), speakers)
    assert (d.title, d.kind, d.parties) == ("Declaration on Allied Cooperation", "declaration", ["Azerbaijan", "Russia"])
    assert [(c.ordinal, c.start_char, c.end_char) for c in d.clauses] == [
        (1, 356, 547), (None, 1993, 2157), (None, 2172, 2262)
    ]
    assert all(text[c.start_char : c.end_char] == c.text for c in d.clauses)
    assert d.clauses[0].principles == [
        "independence", "state sovereignty", "territorial integrity", "inviolability of borders",
        "non-interference in each other\u2019s internal affairs",
    ]
    assert [c.principles for c in d.clauses[1:]] == [[], []]
    assert d.clauses[2].text.startswith("the document provides for")


# --- long titles: signing checks stay linear -------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        # a long masked title followed by words the gap check rejects once blew up the regex
        "The two premiers signed the Protocol Amending the Agreement between the Government of the "
        "Republic of Norland and the Government of the Kingdom of Sudmark on Border Traffic and Customs, "
        "together with a Memorandum of Understanding on Energy Storage.",
        "Norland and Sudmark signed the Convention on the Avoidance of Double Taxation and the Prevention of "
        "Fiscal Evasion with Respect to Taxes on Income and on Capital Gains from Shipping, alongside the "
        "Protocol on Cooperation in the Field of Pharmaceutical Inspections.",
    ],
)
def test_long_titles_finish_and_keep_status(text: str) -> None:
    found = run(text)
    assert len(found) == 2
    assert found[0].status == "signed"
    assert found[0].title.startswith(("Protocol Amending", "Convention on"))


@pytest.mark.parametrize(
    "participle", ["adopted", "issued", "released", "published", "approved"],
)
def test_joint_statement_frame_with_any_participle(participle: str) -> None:
    text = f"In a joint statement {participle} after the talks, the leaders pledged to double trade by 2030."
    (d,) = run(text)
    assert d.kind == "joint_statement"
    assert [c.text for c in d.clauses] == ["the leaders pledged to double trade by 2030"]


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        # a second instrument joined by "together with" / "along with" is signed by the same subject
        ("Chilean and Peruvian ministers signed the Treaty on Fisheries, together with a Memorandum on Ports.",
         {"Treaty on Fisheries": ["Chile", "Peru"], "Memorandum on Ports": ["Chile", "Peru"]}),
        ("Chile and Peru signed the Treaty on Fisheries along with the Protocol on Ports.",
         {"Treaty on Fisheries": ["Chile", "Peru"], "Protocol on Ports": ["Chile", "Peru"]}),
        # "signed in <place> by …" after the instrument names its signatories
        ("The Treaty on Fisheries, signed in Lima by the Chilean and Peruvian ministers, opens the ports.",
         {"Treaty on Fisheries": ["Chile", "Peru"]}),
    ],
)
def test_parties_of_joined_and_placed_signings(text: str, parties: dict[str, list[str]]) -> None:
    assert {d.title: d.parties for d in run(text)} == parties
