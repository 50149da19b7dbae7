"""Fill a Verbatim database with a synthetic, realistic-looking corpus for benchmarks.

    VERBATIM_DATABASE_URL=sqlite:////tmp/bench-1m.db python bench/generate.py --statements 1000000

Why synthetic: real archives cannot be redistributed, and the read API's speed depends on
the *shape* of the data (a long tail of speakers, ~10 statements a document, dates spread
over years, a quarter direct quotes), not on what the words mean. Every row is consistent
with what ingestion would store: ``statement.text == document.text[start_char:end_char]``
(fragments joined by a space for interrupted quotes), mentions point at the speaker's name,
and all denormalised counters match the rows they summarise. A share of direct quotes
repeats an earlier quotation of the same speaker in a later document (verbatim, with other
punctuation or case, or in part), as outlets re-quote; each quote's ``quotation_id`` is the
one the planned repeat belongs to (accidental overlaps of the set phrases are not merged), and
its keys are in ``quote_key`` as grouping writes them. Each sentence carries a few words from a
20,000-word made-up vocabulary drawn with Zipf frequencies, as real news carries names and
specifics: without them every content word would be common and every posting list long.

Speed: the corpus is planned first (integers only: which speaker says how many things in
which document), which gives every counter before any row is written; then documents are
rendered chunk by chunk and written with SQLAlchemy core ``insert()`` executemany batches
(SQLite) or ``COPY`` (PostgreSQL, via psycopg), with explicit primary keys so nothing has to
be read back.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import sys
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import JSON, Table, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import app.models  # noqa: E402,F401  (registers the tables on SQLModel.metadata)
from app.db import make_engine  # noqa: E402
from app.provenance.candidates import key_text  # noqa: E402
from app.provenance.text import QuoteText, related  # noqa: E402

EXTRACTOR_VERSION = "bench-synthetic-1"

# ---------------------------------------------------------------------------------------
# Vocabulary. Invented combinations in the register of political news; no article text.
# ---------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna Maria Elena Sofia Laura Nadia Irina Leila Amira Sara Julia Clara Helena Mira Ines "
    "Olga Zara Nina Ada Lucia Marta Rosa Vera Hana Aylin Dana Lena Tamar Nora Eva Iris "
    "John Michael David Peter Thomas Daniel Samuel Mark Paul Lukas Jonas Ivan Pavel Omar "
    "Karim Rashid Ali Emil Viktor Andrei Tomas Marco Luca Hugo Felix Oscar Adam Anton Rafael "
    "Kenji Arjun Ravi Tariq Yusuf Mehmet Elias Simon Martin Henrik Georg Stefan Nikolai Otto"
).split()
LAST_NAMES = (
    "Novak Horvat Kowalski Nowak Petrov Ivanov Smirnov Popescu Ionescu Nagy Kovacs Szabo "
    "Fischer Weber Schulz Becker Wagner Hoffmann Richter Klein Wolf Schwarz Braun Keller "
    "Moreau Laurent Girard Bonnet Dupont Lambert Fontaine Rousseau Blanc Garnier Faure "
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
    "Garcia Martinez Lopez Sanchez Perez Gomez Diaz Torres Ramirez Flores Morales Ortiz "
    "Silva Santos Oliveira Souza Costa Pereira Almeida Carvalho Ribeiro Rocha Lima Barros "
    "Hansen Larsen Nielsen Jensen Berg Lind Holm Strand Dahl Lund Eriksen Vik Haugen "
    "Yilmaz Kaya Demir Celik Sahin Aydin Ozturk Arslan Dogan Kilic Aslan Cetin Kurt "
    "Mammadov Aliyev Hasanov Huseynov Guliyev Rahimov Karimov Nazarov Sultanov Ismayilov "
    "Tanaka Suzuki Sato Watanabe Kim Lee Park Choi Chen Wang Zhang Liu Singh Patel Sharma "
    "Gupta Khan Ahmed Hussein Haddad Mansour Nasser Farah Osman Mensah Owusu Okafor Adeyemi "
    "Murphy Kelly Walsh Byrne Ryan Brennan Carter Hughes Foster Bennett Reid Morgan Price"
).split()
MIDDLE_INITIALS = [f"{chr(c)}." for c in range(ord("A"), ord("Z") + 1)]

# (country, demonym); demonyms feed titles and descriptions such as "the Ruritanian leader".
COUNTRIES = [
    ("Azerbaijan", "Azerbaijani"), ("Georgia", "Georgian"), ("Armenia", "Armenian"),
    ("Turkey", "Turkish"), ("Kazakhstan", "Kazakh"), ("Uzbekistan", "Uzbek"),
    ("France", "French"), ("Germany", "German"), ("Italy", "Italian"), ("Spain", "Spanish"),
    ("Poland", "Polish"), ("Romania", "Romanian"), ("Hungary", "Hungarian"),
    ("Ukraine", "Ukrainian"), ("Moldova", "Moldovan"), ("Serbia", "Serbian"),
    ("Greece", "Greek"), ("Austria", "Austrian"), ("Netherlands", "Dutch"),
    ("Norway", "Norwegian"), ("Sweden", "Swedish"), ("Finland", "Finnish"),
    ("Japan", "Japanese"), ("India", "Indian"), ("Pakistan", "Pakistani"),
    ("Egypt", "Egyptian"), ("Nigeria", "Nigerian"), ("Kenya", "Kenyan"), ("Brazil", "Brazilian"),
    ("Mexico", "Mexican"), ("Canada", "Canadian"), ("Chile", "Chilean"),
    ("United States", "US"), ("United Kingdom", "British"), ("Ireland", "Irish"),
]
TITLES = [
    "President", "Prime Minister", "Foreign Minister", "Defence Minister", "Economy Minister",
    "Energy Minister", "Finance Minister", "spokesperson", "Ambassador", "Senator", "Mayor",
    "opposition leader", "Deputy Prime Minister", "Speaker of Parliament", "Governor",
]
DESCRIPTION_NOUNS = {
    "President": "leader", "Prime Minister": "premier", "Foreign Minister": "top diplomat",
    "Ambassador": "envoy", "Mayor": "mayor", "Governor": "governor",
}
ORG_AREAS = ["Foreign Affairs", "Defence", "Energy", "Economy", "Health", "Interior", "Justice"]

# (cue as written, share); "according to" only introduces reported speech.
DIRECT_CUES = [
    ("said", 40), ("told reporters", 8), ("added", 8), ("stressed", 6), ("noted", 5),
    ("said in a statement", 4), ("declared", 3), ("emphasized", 3), ("warned", 3),
    ("explained", 3), ("insisted", 2), ("told journalists", 2), ("wrote", 2), ("asked", 2),
    ("summed up", 1), ("recalled", 1), ("continued", 1), ("concluded", 1),
]
INDIRECT_CUES = [
    ("said", 30), ("noted", 8), ("stressed", 6), ("according to", 10), ("added", 5),
    ("announced", 5), ("expressed confidence", 3), ("pointed out", 4), ("warned", 3),
    ("argued", 3), ("claimed", 3), ("believes", 2), ("emphasized", 3), ("confirmed", 3),
    ("drew attention to the fact", 1), ("reiterated", 2), ("acknowledged", 2), ("denied", 1),
    ("expressed his hope", 1), ("underlined", 2), ("told lawmakers", 1),
]

SUBJECTS = [
    "we", "our government", "the ministry", "both sides", "the delegation", "our partners",
    "the region", "this agreement", "the new programme", "our country", "the parliament",
    "the international community", "the working group", "the people", "the negotiators",
    "our economy", "the central bank", "the committee", "the coalition", "the opposition",
]
VERBS = [  # past or modal forms, so they agree with singular and plural subjects
    "discussed", "will continue to support", "agreed on", "cannot accept", "welcomed",
    "will review", "will expand", "strongly opposed", "made progress on", "must strengthen",
    "will not abandon", "closely watched", "fully supported", "will finalise", "postponed",
    "looked forward to", "raised concerns about", "will invest in", "rejected", "prioritised",
]
OBJECTS = [
    "issues related to energy security", "the development of bilateral relations",
    "the reconstruction of the liberated territories", "trade and transport corridors",
    "the draft budget for next year", "reforms of the judicial system",
    "cooperation in the fields of education and culture", "the peace process",
    "the new gas pipeline", "measures against inflation", "the security of our borders",
    "humanitarian demining", "the visa-free regime", "investment in renewable energy",
    "the return of displaced persons", "regional stability", "the digital economy",
    "a ceasefire along the line of contact", "the modernisation of the armed forces",
    "support for small businesses", "the rights of national minorities",
    "climate commitments", "the construction of new schools", "railway links",
]
TAILS = [
    "", "", "", " in the coming months", " without preconditions", " as soon as possible",
    " this year", " at the highest level", " despite the difficulties", " step by step",
    " together with our neighbours", " in full compliance with international law",
    " for the benefit of both nations", " within the framework of the agreement",
]
CONNECTORS = ["", "", "", "At the same time, ", "Moreover, ", "However, ", "In particular, "]
NARRATION = [
    "The talks lasted for more than three hours.", "The meeting took place behind closed doors.",
    "Journalists were not allowed into the hall.", "The visit had been postponed twice.",
    "Officials did not give further details.", "The sides also exchanged views on regional issues.",
    "Several documents were signed after the talks.", "The ceremony was broadcast live.",
    "Markets reacted calmly to the announcement.", "The vote is expected next week.",
]
LOCATIONS = ["Baku", "Tbilisi", "Paris", "Berlin", "Rome", "Madrid", "Warsaw", "Ankara",
             "Astana", "Tokyo", "Cairo", "Nairobi", "Brasilia", "Ottawa", "Vienna", "Oslo"]
SOURCES = ["Wire service", "Press office", "Daily Herald", "Evening Courier", "News agency"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]

INSTRUMENTS = ["Declaration", "Agreement", "Memorandum of Understanding", "Treaty", "Joint Statement"]
INSTRUMENT_TOPICS = [
    "Allied Cooperation", "Strategic Partnership", "Energy Security", "Trade and Investment",
    "Friendship and Cooperation", "Transport Connectivity", "Cultural Exchange",
    "Mutual Legal Assistance", "Avoidance of Double Taxation", "Climate Action",
]
PRINCIPLES = [
    "sovereignty", "territorial integrity", "inviolability of borders",
    "non-interference in internal affairs", "peaceful settlement of disputes",
    "equality of states", "respect for human rights", "mutual benefit",
]
CLAUSE_BODIES = [
    "the parties will hold regular consultations at the level of foreign ministers",
    "the sides will expand cooperation in the energy sector",
    "the parties will refrain from the threat or use of force against each other",
    "the sides will support each other in international organisations",
    "the parties will simplify customs procedures for transit cargo",
    "a joint commission will meet at least once a year",
    "the sides will develop direct links between their universities",
    "the parties will cooperate in combating terrorism and organised crime",
]


def weighted(pairs: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Split (item, weight) pairs into values and cumulative weights for ``rng.choices``."""
    values = [value for value, _ in pairs]
    return values, list(itertools.accumulate(weight for _, weight in pairs))


DIRECT_CUE_VALUES, DIRECT_CUE_CUM = weighted(DIRECT_CUES)
INDIRECT_CUE_VALUES, INDIRECT_CUE_CUM = weighted(INDIRECT_CUES)


def slugify(value: str) -> str:
    """Lower-case ASCII words joined by hyphens (what ingestion's slugs look like)."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def normalise(value: str) -> str:
    """The value stored in ``*_norm`` columns: case-folded, single-spaced."""
    return " ".join(value.casefold().split())


# ---------------------------------------------------------------------------------------
# Planning: integers only, so every counter is known before rows are written.
# ---------------------------------------------------------------------------------------

DIRECT, INDIRECT, INTERRUPTED = 1, 0, 2  # statement "shape" codes in the plan


@dataclass
class Plan:
    """How many statements each document has, and who says each one in what form."""

    doc_sizes: array = field(default_factory=lambda: array("l"))
    speaker: array = field(default_factory=lambda: array("l"))  # 0 = unattributed
    shape: bytearray = field(default_factory=bytearray)
    speaker_count: int = 0
    statement_counts: list[int] = field(default_factory=lambda: [0])
    quote_counts: list[int] = field(default_factory=lambda: [0])


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


def make_plan(rng: random.Random, statements: int, *, exponent: float = 1.1) -> Plan:
    """Distribute ``statements`` over documents (~10 each) and a long tail of speakers.

    Each document quotes one to four people drawn from a Zipf law over a large pool; the
    first of them says most. Speakers get ids in order of first appearance, so a speaker
    exists only once quoted, the head is quoted thousands of times, most once or twice.
    """
    plan = Plan()
    pool = max(50, statements // 3)
    cum = zipf_cum_weights(pool, exponent)
    rank_to_id: dict[int, int] = {}
    remaining = statements
    while remaining > 0:
        size = min(remaining, max(1, int(rng.gauss(10, 4))))
        remaining -= size
        plan.doc_sizes.append(size)
        cast: list[int] = []
        for rank in rng.choices(range(pool), cum_weights=cum, k=rng.choice((1, 2, 3, 3, 4, 5))):
            if rank not in rank_to_id:
                rank_to_id[rank] = len(rank_to_id) + 1
                plan.statement_counts.append(0)
                plan.quote_counts.append(0)
            cast.append(rank_to_id[rank])
        # The lead speaker says most; others in the cast get one or two statements each.
        speakers = [other for other in cast[1:] for _ in range(1 if rng.random() < 0.7 else 2)]
        speakers = speakers[: size - 1]
        speakers += [cast[0]] * (size - len(speakers))
        rng.shuffle(speakers)
        for speaker in speakers:
            if rng.random() < 0.03:
                speaker = 0  # unattributed ("officials said")
            kind_roll = rng.random()
            shape = INDIRECT if kind_roll >= 0.25 else (INTERRUPTED if kind_roll < 0.02 else DIRECT)
            plan.speaker.append(speaker)
            plan.shape.append(shape)
            if speaker:
                plan.statement_counts[speaker] += 1
                plan.quote_counts[speaker] += shape != INDIRECT
    plan.speaker_count = len(rank_to_id)
    return plan


# ---------------------------------------------------------------------------------------
# Rendering: text with exact character offsets.
# ---------------------------------------------------------------------------------------


@dataclass
class SpeakerInfo:
    id: int
    name: str
    last: str
    title: str | None
    demonym: str | None
    pronoun: str
    kind: str


class TextBuilder:
    """Appends text and returns the offsets of what was appended."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, value: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(value)
        self.length += len(value)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


def made_up_vocabulary(size: int) -> list[str]:
    """``size`` distinct pronounceable words (fixed, whatever the seed): names of places,
    programmes, sectors and other specifics that news quotes are full of."""
    rng = random.Random("vocabulary")
    onsets, vowels, codas = "b c d f g h k l m n p r s t v z br tr st pl gr ch sh".split(), "aeiou", ["", "n", "r", "s", "l", "m"]
    found: dict[str, None] = {}
    while len(found) < size:
        syllables = rng.choice((2, 2, 3, 3, 4))
        found["".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables))] = None
    return list(found)


# Real news has tens of thousands of word types with Zipf-distributed frequencies; the fixed
# phrases above have ~150 content words, which would make every word common and every
# full-text posting list long. Each sentence adds a few specifics drawn from this vocabulary.
VOCABULARY = made_up_vocabulary(20_000)
VOCABULARY_CUM = zipf_cum_weights(len(VOCABULARY), 1.0)


def specifics(rng: random.Random) -> str:
    """Two to five vocabulary words, Zipf-distributed (a few common, most rare)."""
    return " ".join(rng.choices(VOCABULARY, cum_weights=VOCABULARY_CUM, k=rng.randint(2, 5)))


def sentence(rng: random.Random) -> str:
    body = (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"for {specifics(rng)}{rng.choice(TAILS)}")
    connector = rng.choice(CONNECTORS)
    body = connector + body if connector else body
    return body[0].upper() + body[1:] + "."


def quote_text(rng: random.Random) -> str:
    """One to five sentences, so lengths run from ~40 to ~600 characters."""
    count = min(5, max(1, int(rng.expovariate(0.7)) + 1))
    return " ".join(sentence(rng) for _ in range(count))


REPEAT_SHARE = 0.3  # direct quotes that repeat something the speaker said in an earlier document
REMEMBERED = 8  # earlier quotations per speaker that may be repeated


def variant(rng: random.Random, original: str) -> str:
    """How another outlet quotes the same words: verbatim, other punctuation or case, or a
    part of at least six words. Never longer than the original, so the original stays the
    quotation's longest text; a part that the grouping rule would not join is not used."""
    roll = rng.random()
    if roll < 0.4:
        return original
    if roll < 0.55:
        return original.replace(".", "!")
    if roll < 0.65:
        return original[0].lower() + original[1:]
    words = original.split()
    if len(words) < 8:
        return original
    size = rng.randrange(6, len(words))
    start = rng.randrange(0, len(words) - size + 1)
    part = " ".join(words[start:start + size])
    return part if related(QuoteText(part), QuoteText(original)) else original


def reported_clause(rng: random.Random) -> str:
    """A complement clause ("the ministry will review ..."), optionally two joined by "and"."""
    first = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}"
    if rng.random() < 0.3:
        first += f" and that {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return first


class Renderer:
    """Turns the plan into row dicts, one document at a time, with consistent ids."""

    def __init__(self, rng: random.Random, plan: Plan, speakers: dict[int, SpeakerInfo],
                 first_ids: dict[str, int]) -> None:
        self.rng = rng
        self.plan = plan
        self.speakers = speakers
        self.next_id = dict(first_ids)
        self.cursor = 0  # position in the plan's statement arrays
        self.first_document_id = first_ids["document"]
        self.seen_hashes: set[str] = set()
        self.start = datetime(2008, 1, 1, tzinfo=timezone.utc)
        self.span_seconds = int((datetime(2025, 6, 30, tzinfo=timezone.utc) - self.start).total_seconds())
        self.now = datetime.now(timezone.utc)
        self.said: dict[int, list[tuple[int, str]]] = {}  # speaker -> recent (quotation id, text)

    def quotation(self, speaker_id: int, rows: dict[str, list[dict[str, Any]]]) -> tuple[str, int]:
        """A direct quote's words and quotation: often a variant of an earlier quotation of the
        speaker (repeated across documents), else new words, a new quotation. Counts and dates
        are filled in from the statements at the end (``summarise_quotations``)."""
        rng = self.rng
        earlier = self.said.get(speaker_id)
        if earlier and rng.random() < REPEAT_SHARE:
            quotation_id, original = rng.choice(earlier)
            return variant(rng, original), quotation_id
        content = quote_text(rng)
        quotation_id = self.take_id("quotation")
        rows["quotation"].append({"id": quotation_id, "speaker_id": speaker_id or None, "text": content,
                                  "first_seen": None, "occurrence_count": 0, "document_count": 0})
        if speaker_id:
            self.said.setdefault(speaker_id, []).append((quotation_id, content))
            del self.said[speaker_id][:-REMEMBERED]
        return content, quotation_id

    def take_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def mention_for(self, info: SpeakerInfo, introduced: set[int]) -> str:
        """Full title and name on first mention, then the surname, a pronoun or a description."""
        if info.id not in introduced:
            introduced.add(info.id)
            if info.title and info.demonym and info.kind == "person":
                return f"{info.demonym} {info.title} {info.name}"
            return info.name
        roll = self.rng.random()
        if info.kind != "person":
            return "the ministry" if roll < 0.5 else info.name
        if roll < 0.45:
            return info.pronoun
        if roll < 0.8 or not (info.title and info.demonym):
            return info.last if roll < 0.7 else f"{info.title} {info.last}"
        return f"the {info.demonym} {DESCRIPTION_NOUNS.get(info.title, 'official')}"

    def document(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        rng = self.rng
        doc_id = self.take_id("document")
        size = self.plan.doc_sizes[doc_id - self.first_document_id]
        published = None
        if rng.random() > 0.01:
            published = self.start + timedelta(seconds=rng.randrange(self.span_seconds))
        location = rng.choice(LOCATIONS)
        out = TextBuilder()
        dateline = f"{location}, {published.day if published else 1} {MONTHS[published.month - 1] if published else 'Jan.'} {rng.randrange(24):02d}:{rng.choice(('00', '15', '30', '45'))}"
        out.add(dateline + "\n\n")
        title = sentence(rng).rstrip(".")
        introduced: set[int] = set()
        mentions: dict[int, tuple[int, int, str]] = {}
        direct_count = 0
        for paragraph in range(1, size + 1):
            speaker_id = self.plan.speaker[self.cursor]
            shape = self.plan.shape[self.cursor]
            self.cursor += 1
            if rng.random() < 0.25:
                out.add(rng.choice(NARRATION) + " ")
            row = self.statement(out, doc_id, speaker_id, shape, introduced, mentions, published, rows)
            row["paragraph"] = paragraph
            rows["statement"].append(row)
            if row["speaker_id"] is not None:  # a speaker's statements are listed through this table
                rows["statement_speaker"].append({"statement_id": row["id"], "speaker_id": row["speaker_id"],
                                                  "position": 0, "published_at": published})
            if row["kind"] == "direct" and row["speaker_id"]:  # as ingestion's grouping writes them
                rows["quote_key"].extend({"statement_id": row["id"], "key": key_text(key), "speaker_id": row["speaker_id"],
                                          "quotation_id": row["quotation_id"]} for key in QuoteText(row["text"]).keys)
            direct_count += shape != INDIRECT
            out.add("\n\n")
        if rng.random() < 0.02:
            self.declaration(out, doc_id, rows)
        body = out.text().rstrip() + "\n"
        digest = hashlib.sha256(body.encode()).hexdigest()
        while digest in self.seen_hashes:  # practically never; keeps the unique column safe
            body += " "
            digest = hashlib.sha256(body.encode()).hexdigest()
        self.seen_hashes.add(digest)
        for speaker_id, (start, end, mention_text) in mentions.items():
            rows["mention"].append({
                "id": self.take_id("mention"), "document_id": doc_id, "speaker_id": speaker_id,
                "text": mention_text, "start_char": start, "end_char": end,
            })
        rows["document"].append({
            "id": doc_id, "sha256": digest, "title": title, "dateline": dateline,
            "published_at": published, "location": location, "source": rng.choice(SOURCES),
            "source_url": f"https://news.example.org/{doc_id}", "text": body,
            "word_count": len(body.split()), "statement_count": size, "quote_count": direct_count,
            "extractor_version": EXTRACTOR_VERSION, "created_at": self.now,
        })

    def statement(self, out: TextBuilder, doc_id: int, speaker_id: int, shape: int,
                  introduced: set[int], mentions: dict[int, tuple[int, int, str]],
                  published: datetime | None, rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        rng = self.rng
        info = self.speakers.get(speaker_id)
        mention = self.mention_for(info, introduced) if info else rng.choice(
            ("a spokesperson", "officials", "a source close to the talks", "the statement"))
        fragments = None
        quotation_id = None
        layout = rng.random()
        if shape == INDIRECT:
            cue = rng.choices(INDIRECT_CUE_VALUES, cum_weights=INDIRECT_CUE_CUM)[0]
            content = reported_clause(rng)
            if cue == "according to":
                cue = "According to"
                cue_span = out.add(cue)
                out.add(" ")
                if info and mention == info.pronoun:  # "According to he" is not English
                    mention = info.last
                mention_span = out.add(mention)
                out.add(", ")
            else:
                mention = mention[0].upper() + mention[1:]
                mention_span = out.add(mention)
                out.add(" ")
                cue_span = out.add(cue)
                out.add(" that ")
            span = out.add(content)
            out.add(".")
        elif shape == INTERRUPTED:
            cue = rng.choices(DIRECT_CUE_VALUES, cum_weights=DIRECT_CUE_CUM)[0]
            first, second = sentence(rng).rstrip("."), quote_text(rng)
            out.add("\u201c")
            first_span = out.add(first)
            out.add(",\u201d ")
            mention_span = out.add(mention)
            out.add(" ")
            cue_span = out.add(cue)
            out.add(". \u201c")
            second_span = out.add(second)
            out.add("\u201d")
            content = f"{first} {second}"
            quotation_id = self.take_id("quotation")  # an interrupted quote is never repeated here
            rows["quotation"].append({"id": quotation_id, "speaker_id": speaker_id or None, "text": content,
                                      "first_seen": None, "occurrence_count": 0, "document_count": 0})
            span = (first_span[0], second_span[1])
            fragments = [list(first_span), list(second_span)]
        else:
            cue = rng.choices(DIRECT_CUE_VALUES, cum_weights=DIRECT_CUE_CUM)[0]
            content, quotation_id = self.quotation(speaker_id, rows)
            if layout < 0.6:
                out.add("\u201c")
                span = out.add(content)
                out.add("\u201d ")
                mention_span = out.add(mention)
                out.add(" ")
                cue_span = out.add(cue)
                out.add(".")
            else:
                mention = mention[0].upper() + mention[1:]
                mention_span = out.add(mention)
                out.add(" ")
                cue_span = out.add(cue)
                out.add(": \u201c")
                span = out.add(content)
                out.add("\u201d")
        if info and info.id not in mentions:
            mentions[info.id] = (mention_span[0], mention_span[1], mention)
        return {
            "id": self.take_id("statement"), "document_id": doc_id,
            "speaker_id": speaker_id or None, "kind": "indirect" if shape == INDIRECT else "direct",
            "form": "reported" if shape == INDIRECT else "quote",
            "text": content, "start_char": span[0], "end_char": span[1], "fragments": fragments,
            "cue": cue, "cue_norm": normalise(cue), "cue_start": cue_span[0], "cue_end": cue_span[1],
            "speaker_mention": mention, "speaker_mention_start": mention_span[0],
            "speaker_mention_end": mention_span[1],
            "confidence": round(rng.uniform(0.55, 0.99), 2), "published_at": published,
            "quotation_id": quotation_id,
        }

    def declaration(self, out: TextBuilder, doc_id: int, rows: dict[str, list[dict[str, Any]]]) -> None:
        """A named instrument and two to six clauses, some enumerating principles."""
        rng = self.rng
        decl_id = self.take_id("declaration")
        kind = rng.choice(INSTRUMENTS)
        parties = rng.sample(COUNTRIES, rng.choice((2, 2, 2, 3)))
        title = f"{kind} on {rng.choice(INSTRUMENT_TOPICS)}"
        out.add("The parties signed the ")
        title_span = out.add(title)
        out.add(f" between {' and '.join(name for name, _ in parties)}.")
        clause_total = rng.randint(2, 6)
        ordinals = rng.random() < 0.5
        for ordinal in range(1, clause_total + 1):
            principles = rng.sample(PRINCIPLES, rng.randint(2, 3)) if rng.random() < 0.3 else []
            body = rng.choice(CLAUSE_BODIES)
            if principles:
                body += f" in accordance with the principles of {', '.join(principles[:-1])} and {principles[-1]}"
            out.add(f" The {self.ordinal_word(ordinal)} paragraph provides that " if ordinals else " The document provides that ")
            span = out.add(body)
            out.add(".")
            clause_id = self.take_id("clause")
            rows["clause"].append({
                "id": clause_id, "declaration_id": decl_id, "document_id": doc_id,
                "ordinal": ordinal if ordinals else None, "text": body,
                "start_char": span[0], "end_char": span[1],
            })
            for principle in principles:
                rows["clause_principle"].append(
                    {"clause_id": clause_id, "principle": principle, "principle_norm": normalise(principle)})
        rows["declaration"].append({
            "id": decl_id, "document_id": doc_id, "title": title, "kind": kind.split()[0].lower(),
            "start_char": title_span[0], "end_char": title_span[1], "clause_count": clause_total,
        })
        for name, _ in parties:
            rows["declaration_party"].append(
                {"declaration_id": decl_id, "party": name, "party_norm": normalise(name)})

    @staticmethod
    def ordinal_word(number: int) -> str:
        return ("first", "second", "third", "fourth", "fifth", "sixth")[number - 1]


def make_speakers(rng: random.Random, plan: Plan, first_id: int) -> tuple[dict[int, SpeakerInfo], list[dict[str, Any]], list[dict[str, Any]]]:
    """Invent one speaker per planned id: name, title, country, aliases, and their counters."""
    infos: dict[int, SpeakerInfo] = {}
    speaker_rows: list[dict[str, Any]] = []
    alias_rows: list[dict[str, Any]] = []
    used_names: set[str] = set()
    used_slugs: set[str] = set()
    for planned in range(1, plan.speaker_count + 1):
        country, demonym = rng.choice(COUNTRIES)
        if rng.random() < 0.04:
            kind, title, pronoun = "organization", None, "it"
            name = f"{country} Ministry of {rng.choice(ORG_AREAS)}"
            last = name
        else:
            kind, pronoun = "person", rng.choice(("he", "she"))
            title = rng.choice(TITLES) if rng.random() < 0.75 else None
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            while name in used_names:
                name = f"{first} {rng.choice(MIDDLE_INITIALS)} {last}"
                if name in used_names:
                    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                    name = f"{first} {last}"
        if name in used_names:  # organisations repeat; keep names unique like ingestion does
            name = f"{name} ({planned})"
        used_names.add(name)
        slug = base = slugify(name)
        suffix = 2
        while slug in used_slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        used_slugs.add(slug)
        speaker_id = first_id + planned - 1
        infos[planned] = SpeakerInfo(speaker_id, name, last, title, demonym, pronoun, kind)
        speaker_rows.append({
            "id": speaker_id, "slug": slug, "name": name, "name_norm": normalise(name), "kind": kind,
            "title": title, "country": country if kind == "person" or rng.random() < 0.5 else None,
            "statement_count": plan.statement_counts[planned], "quote_count": plan.quote_counts[planned],
        })
        aliases = {name, last}
        if title and kind == "person":
            aliases.add(f"{title} {last}")
            aliases.add(f"the {demonym} {DESCRIPTION_NOUNS.get(title, 'official')}")
        seen_norms: set[str] = set()
        for alias in sorted(aliases):
            if normalise(alias) not in seen_norms:
                seen_norms.add(normalise(alias))
                alias_rows.append({"id": 0, "speaker_id": speaker_id, "alias": alias, "alias_norm": normalise(alias)})
    return infos, speaker_rows, alias_rows


# ---------------------------------------------------------------------------------------
# Writing.
# ---------------------------------------------------------------------------------------

TABLES: dict[str, Table] = {
    name: SQLModel.metadata.tables[name]
    for name in ("speaker", "speaker_alias", "document", "mention", "quotation", "statement", "statement_speaker",
                 "quote_key", "declaration", "declaration_party", "clause", "clause_principle")
}


class Writer:
    """Bulk-writes row dicts: executemany batches on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection: Connection, batch: int) -> None:
        self.connection = connection
        self.batch = batch
        self.copy = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {name: 0 for name in TABLES}

    def write(self, name: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = TABLES[name]
        if self.copy:
            self._copy(table, rows)
        else:
            for start in range(0, len(rows), self.batch):
                self.connection.execute(insert(table), rows[start:start + self.batch])
        self.counts[name] += len(rows)

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        columns = list(rows[0])
        json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
        raw = self.connection.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([
                    json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                    for c in columns
                ])


def migrate(url: str) -> None:
    """Bring the schema up to date exactly as ``verbatim ingest`` does (Alembic, head)."""
    from app.migrate import migrate as upgrade

    upgrade(url)


def next_ids(connection: Connection) -> dict[str, int]:
    """The first free id of each table, so a second run appends instead of colliding."""
    result = {}
    for name in ("speaker", "speaker_alias", "document", "mention", "quotation", "statement", "declaration",
                 "clause"):
        table = TABLES[name]
        result[name] = (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return result


def reset_sequences(connection: Connection) -> None:
    """Explicit ids bypass PostgreSQL's sequences; move them past the rows just written."""
    for name in ("speaker", "speaker_alias", "document", "mention", "quotation", "statement", "declaration",
                 "clause"):
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def summarise_quotations(connection: Connection, first_id: int) -> None:
    """Occurrence and document counts and first_seen of the quotations just written, from
    their statements (one set-based UPDATE; repeats span chunks, so rows are written first)."""
    connection.execute(text(
        "UPDATE quotation SET occurrence_count = s.n, document_count = s.d, first_seen = s.f "
        "FROM (SELECT quotation_id, COUNT(*) AS n, COUNT(DISTINCT document_id) AS d, MIN(published_at) AS f "
        "      FROM statement WHERE quotation_id >= :first GROUP BY quotation_id) AS s "
        "WHERE quotation.id = s.quotation_id"), {"first": first_id})


def chunked(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def generate(url: str, statements: int, *, seed: int, chunk_docs: int, batch: int,
             analyze: bool) -> dict[str, int]:
    """Plan, render and write the corpus; return the row counts written per table."""
    rng = random.Random(seed)
    engine = make_engine(url)
    migrate(url)
    started = time.perf_counter()
    plan = make_plan(rng, statements)
    counts = sorted(plan.statement_counts[1:], reverse=True)
    print(f"plan: {len(plan.doc_sizes):,} documents, {plan.speaker_count:,} speakers "
          f"(top {counts[:3]}, median {counts[len(counts) // 2]}, "
          f"{sum(c <= 2 for c in counts) / len(counts):.0%} quoted once or twice) "
          f"in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size=-200000")
        first = next_ids(connection)
        writer = Writer(connection, batch)
        infos, speaker_rows, alias_rows = make_speakers(rng, plan, first["speaker"])
        for offset, alias in enumerate(alias_rows):
            alias["id"] = first["speaker_alias"] + offset
        writer.write("speaker", speaker_rows)
        writer.write("speaker_alias", alias_rows)
        renderer = Renderer(rng, plan, infos, first)
        done = 0
        for size in chunked(len(plan.doc_sizes), chunk_docs):
            rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
            for _ in range(size):
                renderer.document(rows)
            for name in ("document", "mention", "quotation", "statement", "statement_speaker", "quote_key", "declaration",
                         "declaration_party", "clause", "clause_principle"):
                writer.write(name, rows[name])
            done += len(rows["statement"])
            elapsed = time.perf_counter() - started
            print(f"  {done:,}/{statements:,} statements, {done / elapsed:,.0f} statements/s",
                  file=sys.stderr)
        summarise_quotations(connection, first["quotation"])
        if connection.dialect.name == "postgresql":
            reset_sequences(connection)
    write_seconds = time.perf_counter() - started
    if analyze:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    total_rows = sum(writer.counts.values())
    print(f"wrote {total_rows:,} rows ({writer.counts['statement']:,} statements) in "
          f"{write_seconds:.1f}s: {total_rows / write_seconds:,.0f} rows/s, "
          f"{writer.counts['statement'] / write_seconds:,.0f} statements/s"
          + (f"; ANALYZE {time.perf_counter() - started - write_seconds:.1f}s" if analyze else ""))
    engine.dispose()
    return writer.counts


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None,
                        help="defaults to VERBATIM_DATABASE_URL (the app's own setting)")
    parser.add_argument("--chunk-docs", type=int, default=5000, help="documents rendered per write")
    parser.add_argument("--batch", type=int, default=20000, help="rows per executemany call")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false",
                        help="skip ANALYZE (planner statistics) after loading")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.database_url is None:
        from app.config import get_settings

        args.database_url = get_settings().database_url
    generate(args.database_url, args.statements, seed=args.seed, chunk_docs=args.chunk_docs,
             batch=args.batch, analyze=args.analyze)


if __name__ == "__main__":
    main()
