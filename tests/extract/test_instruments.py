"""Table-driven tests of diplomatic constructions: instruments of every kind, signed or only
referenced, references back, provisions, parties and principles. Short examples of our own."""

from __future__ import annotations

import pytest

from app.extract.declarations import find_declarations
from app.extract.principles import find_principles
from app.extract.types import Declaration
from tests.extract.test_declarations import sentences


def run(text: str) -> list[Declaration]:
    return find_declarations(text, sentences(text), [])


def only(text: str) -> Declaration:
    (d,) = run(text)
    return d


# --- instruments of every kind, capitalised or not ---------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chile and Peru approved a Roadmap for 2026–2028.", [("Roadmap for 2026–2028", "roadmap")]),
        ("The sides approved the Action Plan on Port Development for 2026–2027.",
         [("Action Plan on Port Development for 2026–2027", "action_plan")]),
        ("The leaders approved a plan of action for 2025-2028.", [("Plan of Action for 2025-2028", "action_plan")]),
        ("Both governments signed the Programme of Cultural Exchanges.",
         [("Programme of Cultural Exchanges", "programme")]),
        ("In a joint statement adopted on Monday, the sides called for calm.",
         [("Joint Statement", "joint_statement")]),
        ("In a joint statement, Chile and Peru called for calm.", [("Joint Statement", "joint_statement")]),
        ("They signed a financing agreement for the renovation of the port.",
         [("Financing Agreement for the Renovation of the Port", "agreement")]),
        ("The ministers signed an agreement on fisheries and a memorandum on tourism and culture.",
         [("Agreement on Fisheries", "agreement"), ("Memorandum on Tourism and Culture", "memorandum")]),
        ("Ministers signed a memorandum on cooperation in education and science.",
         [("Memorandum on Cooperation in Education and Science", "memorandum")]),
        ("The ministers signed a memorandum.", [("Memorandum", "memorandum")]),
        # long and nested titles kept whole
        ("They signed the Agreement between the Government of Chile and the Government of Peru on Air Services.",
         [("Agreement between the Government of Chile and the Government of Peru on Air Services", "agreement")]),
        ("They signed the Protocol Amending the Convention on Double Taxation.",
         [("Protocol Amending the Convention on Double Taxation", "protocol")]),
        ("They signed the Protocol on Ports and the Protocol on Railways.",
         [("Protocol on Ports", "protocol"), ("Protocol on Railways", "protocol")]),
        ("Talks built on the Comprehensive and Enhanced Partnership Agreement.",
         [("Comprehensive and Enhanced Partnership Agreement", "agreement")]),
        # the parties after the name are not part of it; a year in front dates it
        ("It builds on the Partnership Agreement between the EU and Chile.", [("Partnership Agreement", "agreement")]),
        ("The border follows the 1921 Treaty of Kars.", [("Treaty of Kars", "treaty")]),
        # nothing concrete is named
        ("Chile never signed an agreement with Peru.", []),
        ("Chile has not signed an agreement on fishing.", []),
        ("On 5 May the ministers signed a memorandum on tourism.", [("Memorandum on Tourism", "memorandum")]),
        ("The leaders, who discussed trade, signed a memorandum on tourism.",
         [("Memorandum on Tourism", "memorandum")]),
        ("They witnessed the exchange of five documents. The documents include an agreement on fishing and a "
         "protocol on ports.", [("Agreement on Fishing", "agreement"), ("Protocol on Ports", "protocol")]),
        ("The sides hope to conclude an agreement on visas next year.", []),
        ("The World Food Programme delivered aid to the region.", []),
        ("They signed the Agreement on Cooperation in the Construction of a Power Plant in Lima.",
         [("Agreement on Cooperation in the Construction of a Power Plant", "agreement")]),
        ("Chile and Peru signed an action plan for 2025-2026 on cooperation in the energy sector.",
         [("Action Plan for 2025-2026 on Cooperation in the Energy Sector", "action_plan")]),
        ("They signed a Joint Statement on Trade and an Agreement on Ports.",
         [("Joint Statement on Trade", "joint_statement"), ("Agreement on Ports", "agreement")]),
        ("Officials expect to sign an agreement soon.", []),
        ("Chile and Peru signed two agreements.", []),
        ("The sides discussed a possible agreement on visas.", []),
    ],
)
def test_instruments(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(d.title, d.kind) for d in run(text)] == expected


# --- signed in the event or only referenced ------------------------------------------------

@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("Chile and Peru signed the Treaty on Fisheries.", ["signed"]),
        ("The Treaty on Fisheries was signed by the two ministers.", ["signed"]),
        ("In a joint statement adopted at the summit, the sides called for calm.", ["signed"]),
        ("He welcomed the signing of the Declaration on Peace.", ["signed"]),
        ("In a joint statement, Chile and Peru called for calm.", ["signed"]),
        ("They signed two protocols, the Protocol on Ports and the Protocol on Railways.", ["signed", "signed"]),
        ("They signed the Protocol on Ports in the spirit of the Charter of Lima.", ["signed", "referenced"]),
        ("The border was fixed under the 1921 Treaty of Kars.", ["referenced"]),
        ("The new documents build on the Agreement on Friendship.", ["referenced"]),
        ("The Agreement on Friendship, signed in 1993, remains in force.", ["referenced"]),
        ("The countries remain bound by the 2017 Treaty on Neighbourliness.", ["referenced"]),
        ("Chile and Peru signed the Treaty of Amity in 1977.", ["referenced"]),
        ("After the talks, documents were signed, including a Joint Statement on Trade and an Agreement on Ports.",
         ["signed", "signed"]),
        ("They recalled the Declaration on Peace, signed by the presidents in 2021.", ["referenced"]),
        ("They witnessed the exchange of five documents. The documents include an agreement on fishing.",
         ["signed"]),
    ],
)
def test_status(text: str, statuses: list[str]) -> None:
    assert [d.status for d in run(text)] == statuses


# --- references back: recency, kind, ordinal, pronouns -----------------------------------

SIGNING = "Chile and Peru signed the Protocol on Ports and the Protocol on Railways. "


@pytest.mark.parametrize(
    ("text", "owner", "clause", "ordinal"),
    [
        (SIGNING + "The second protocol provides for free port calls.", "Protocol on Railways",
         "The second protocol provides for free port calls", None),
        (SIGNING + "The first protocol envisages new berths.", "Protocol on Ports",
         "The first protocol envisages new berths", None),
        (SIGNING + "Paragraph 3 of the second protocol provides for night trains.", "Protocol on Railways",
         "night trains", 3),
        (SIGNING + "The text fixes common tariffs.", "Protocol on Railways", "The text fixes common tariffs", None),
        ("They signed an agreement on double taxation. Under the double taxation agreement, income is taxed once.",
         "Agreement on Double Taxation", "income is taxed once", None),
        ("They signed the Treaty on Trade. In it, the parties pledge to cut tariffs.", "Treaty on Trade",
         "the parties pledge to cut tariffs", None),
        ("They signed the Treaty on Trade. Under the treaty, tariffs will fall. It also envisages a customs union.",
         "Treaty on Trade", "It also envisages a customs union", None),
        ("They signed the Treaty on Trade. The treaty cuts tariffs. In addition, it provides for a customs union.",
         "Treaty on Trade", "it provides for a customs union", None),
        ("They approved the Action Plan on Ports. The plan envisages two new terminals.", "Action Plan on Ports",
         "The plan envisages two new terminals", None),
        ("The two leaders issued a joint statement, which calls for a ceasefire.", "Joint Statement",
         "calls for a ceasefire", None),
        ("The sides adopted a joint statement. The statement also instructs the ministers to meet yearly.",
         "Joint Statement", "The statement also instructs the ministers to meet yearly", None),
    ],
)
def test_references(text: str, owner: str, clause: str, ordinal: int | None) -> None:
    owners = [(d.title, c.text, c.ordinal) for d in run(text) for c in d.clauses if c.text == clause]
    assert owners == [(owner, clause, ordinal)]


def test_an_unnamed_instrument_in_between_stops_the_reference() -> None:
    d = only("Chile signed the Agreement on Trade. Unions reached an agreement on wages. "
             "Under the agreement, pay will rise.")
    assert d.clauses == []


def test_it_said_is_no_reference() -> None:
    d = only("They signed the Treaty on Trade. It said the talks went well.")
    assert d.clauses == []


# --- provisions: verbs of content, frames, numbered parts, look-alikes ---------------------

NAMING = "Chile and Peru signed the Treaty on Fisheries. "


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        ("The treaty describes the rules for quotas.", [("The treaty describes the rules for quotas", None)]),
        ("The treaty sets aside two marine reserves.", [("The treaty sets aside two marine reserves", None)]),
        ("The treaty updates the quota regime.", [("The treaty updates the quota regime", None)]),
        ("The treaty, they noted, provides for joint patrols.",
         [("The treaty, they noted, provides for joint patrols", None)]),
        ("Its eighth article stipulates that disputes go to arbitration.", [("disputes go to arbitration", 8)]),
        ("Under Article 4, the fleets will share data.", [("the fleets will share data", 4)]),
        ("According to its third article, quotas are reviewed yearly.", [("quotas are reviewed yearly", 3)]),
        ("Under paragraph 2 of Article 4, fleets will share data.", [("fleets will share data", 2)]),
        ("The first article of the treaty describes the quotas, while the second article provides for "
         "joint patrols.", [("the quotas", 1), ("joint patrols", 2)]),
        ("The treaty's Article 3 stipulates that quotas are shared.", [("quotas are shared", 3)]),
        ("The treaty is aimed at protecting anchovy stocks.",
         [("The treaty is aimed at protecting anchovy stocks", None)]),
        ("Under the terms of the treaty, fleets will share data.", [("fleets will share data", None)]),
        ("As stated in the treaty, the sea is a common heritage.", [("the sea is a common heritage", None)]),
        # look-alikes: outcomes of the talks, evaluations
        ("The treaty's provisions were praised.", []),
        ("At the talks, the sides also agreed to hold the next meeting in Lima.", []),
        ("The treaty opens a new stage in relations.", []),
    ],
)
def test_provisions(sentence: str, clauses: list[tuple[str, int | None]]) -> None:
    d = only(NAMING + sentence)
    assert [(c.text, c.ordinal) for c in d.clauses] == clauses


@pytest.mark.parametrize(
    "text",
    [
        "Both remain bound by the Treaty on Neighbourliness, under which they renounced the use of force.",
        "Both recalled the Treaty on Neighbourliness, signed in 2001, under which they renounced the use of force.",
    ],
)
def test_relative_frame_belongs_to_the_recalled_instrument(text: str) -> None:
    d = only(text)
    assert [c.text for c in d.clauses] == ["they renounced the use of force"]


# --- parties: how the text names them ------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("Presidents Ana Lopez of Chile and Juan Perez of Peru signed the Treaty on Fisheries.", [["Chile", "Peru"]]),
        ("After talks in Lima, the President of Chile, Ana Lopez, and the President of Peru, Juan Perez, "
         "adopted the Declaration on Peace.", [["Chile", "Peru"]]),
        ("The Treaty on Fisheries was signed by Presidents Ana Lopez of Chile and Juan Perez of Peru.",
         [["Chile", "Peru"]]),
        ("The Eurasian Economic Union and Mongolia signed the Agreement on Trade.",
         [["Eurasian Economic Union", "Mongolia"]]),
        ("Officials signed the Agreement on Trade. The agreement was signed on behalf of the EAEU by its chairman "
         "and on behalf of Mongolia by a minister.", [["Eurasian Economic Union", "Mongolia"]]),
        # "the sides", "the two leaders": the countries of the talks
        ("Chile and Peru signed the Treaty on Fisheries. The two leaders also signed a memorandum on mining.",
         [["Chile", "Peru"], ["Chile", "Peru"]]),
        ("Chile and Peru held talks in Lima. The sides adopted a joint statement.", [["Chile", "Peru"]]),
        ("Chile and Peru signed the Treaty on Fisheries. Both countries remain bound by the Convention on Whaling.",
         [["Chile", "Peru"], ["Chile", "Peru"]]),
        ("President of Chile Ana Lopez held talks with President of Peru Juan Perez. Documents were signed, "
         "including the Protocol on Ports.", [["Chile", "Peru"]]),
        ("Lopez noted that Chile and Peru are bound by the 1999 Treaty on Ports and the 2005 Treaty on Roads.",
         [["Chile", "Peru"], ["Chile", "Peru"]]),
        ("Chile, Peru and Bolivia signed the Treaty on Lakes. The three countries are parties to the "
         "Convention on Rivers.", [["Bolivia", "Chile", "Peru"], ["Bolivia", "Chile", "Peru"]]),
        # a border "between the two countries" does not make them parties of a recalled treaty
        ("Chile and Peru signed the Treaty on Fisheries. The border between the two countries follows the "
         "Treaty of Lima.", [["Chile", "Peru"], []]),
    ],
)
def test_parties(text: str, parties: list[list[str]]) -> None:
    assert [d.parties for d in run(text)] == parties


# --- principles: only enumerations of principles ------------------------------------------

@pytest.mark.parametrize(
    ("clause", "principles"),
    [
        ("they committed themselves to mutual respect, equality and non-interference",
         ["mutual respect", "equality", "non-interference"]),
        ("the sides reaffirmed their commitment to the principles of openness, fairness and mutual benefit",
         ["openness", "fairness", "mutual benefit"]),
        ("the parties proclaim peace, friendship and cooperation as the basis of their relations",
         ["peace", "friendship", "cooperation"]),
        ("the charter proclaims democracy, human rights and the rule of law as common values",
         ["democracy", "human rights", "rule of law"]),
        ("relations are built on respect for sovereignty, territorial integrity and inviolability of borders",
         ["sovereignty", "territorial integrity", "inviolability of borders"]),
        # lists that are not principles
        ("they committed themselves to building roads, schools and hospitals", []),
        ("a commitment to lower tariffs on meat, wool and cashmere", []),
        ("the plan is based on ports, railways and roads", []),
    ],
)
def test_principles(clause: str, principles: list[str]) -> None:
    assert find_principles(clause) == principles
