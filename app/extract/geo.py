"""Country and demonym knowledge as plain Python tables.

Speakers are described by nationality ("the Azerbaijani leader") and declarations list
their parties by country, so both stages need one canonical name per country and a way
from demonyms, abbreviations and formal names ("Russian Federation", "U.S.") to it.
The tables cover every UN member state plus Taiwan, Kosovo, Palestine and the Vatican;
the European Union is kept apart as a bloc (a party, not a country).
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple


class CountryEntry(NamedTuple):
    """One row: canonical name, other names (lower-case lookup), demonyms."""

    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


# fmt: off
_TABLE: Final[tuple[CountryEntry, ...]] = (
    CountryEntry("Afghanistan", (), ("Afghan", "Afghani")),
    CountryEntry("Albania", (), ("Albanian",)),
    CountryEntry("Algeria", (), ("Algerian",)),
    CountryEntry("Andorra", (), ("Andorran",)),
    CountryEntry("Angola", (), ("Angolan",)),
    CountryEntry("Antigua and Barbuda", ("Antigua & Barbuda",), ("Antiguan",)),
    CountryEntry("Argentina", ("Argentine Republic",), ("Argentine", "Argentinian", "Argentinean")),
    CountryEntry("Armenia", (), ("Armenian",)),
    CountryEntry("Australia", ("Commonwealth of Australia",), ("Australian",)),
    CountryEntry("Austria", (), ("Austrian",)),
    CountryEntry("Azerbaijan", (), ("Azerbaijani", "Azeri")),
    CountryEntry("Bahamas", ("The Bahamas",), ("Bahamian",)),
    CountryEntry("Bahrain", (), ("Bahraini",)),
    CountryEntry("Bangladesh", (), ("Bangladeshi",)),
    CountryEntry("Barbados", (), ("Barbadian", "Bajan")),
    CountryEntry("Belarus", ("Byelorussia", "Belorussia"), ("Belarusian", "Belarussian", "Byelorussian")),
    CountryEntry("Belgium", (), ("Belgian",)),
    CountryEntry("Belize", (), ("Belizean",)),
    CountryEntry("Benin", (), ("Beninese",)),
    CountryEntry("Bhutan", (), ("Bhutanese",)),
    CountryEntry("Bolivia", ("Plurinational State of Bolivia",), ("Bolivian",)),
    CountryEntry("Bosnia and Herzegovina", ("Bosnia", "Bosnia-Herzegovina", "Bosnia & Herzegovina", "BiH"), ("Bosnian",)),
    CountryEntry("Botswana", (), ("Botswanan", "Motswana")),
    CountryEntry("Brazil", ("Federative Republic of Brazil",), ("Brazilian",)),
    CountryEntry("Brunei", ("Brunei Darussalam",), ("Bruneian",)),
    CountryEntry("Bulgaria", (), ("Bulgarian",)),
    CountryEntry("Burkina Faso", (), ("Burkinabe", "Burkinabè")),
    CountryEntry("Burundi", (), ("Burundian",)),
    CountryEntry("Cambodia", ("Kampuchea",), ("Cambodian",)),
    CountryEntry("Cameroon", (), ("Cameroonian",)),
    CountryEntry("Canada", (), ("Canadian",)),
    CountryEntry("Cape Verde", ("Cabo Verde",), ("Cape Verdean",)),
    CountryEntry("Central African Republic", ("CAR",), ("Central African",)),
    CountryEntry("Chad", (), ("Chadian",)),
    CountryEntry("Chile", (), ("Chilean",)),
    CountryEntry("China", ("People's Republic of China", "PRC", "Mainland China"), ("Chinese",)),
    CountryEntry("Colombia", (), ("Colombian",)),
    CountryEntry("Comoros", ("Union of the Comoros",), ("Comoran", "Comorian")),
    CountryEntry("Republic of the Congo", ("Congo", "Congo-Brazzaville", "Republic of Congo"), ()),
    CountryEntry("Democratic Republic of the Congo", ("DR Congo", "DRC", "D.R.C.", "Congo-Kinshasa", "Democratic Republic of Congo", "Zaire"), ()),
    CountryEntry("Costa Rica", (), ("Costa Rican",)),
    CountryEntry("Ivory Coast", ("Côte d'Ivoire", "Cote d'Ivoire"), ("Ivorian",)),
    CountryEntry("Croatia", (), ("Croatian", "Croat")),
    CountryEntry("Cuba", (), ("Cuban",)),
    CountryEntry("Cyprus", (), ("Cypriot",)),
    CountryEntry("Czech Republic", ("Czechia",), ("Czech",)),
    CountryEntry("Denmark", (), ("Danish", "Dane")),
    CountryEntry("Djibouti", (), ("Djiboutian",)),
    CountryEntry("Dominica", ("Commonwealth of Dominica",), ()),
    CountryEntry("Dominican Republic", (), ("Dominican",)),
    CountryEntry("Ecuador", (), ("Ecuadorian", "Ecuadorean")),
    CountryEntry("Egypt", ("Arab Republic of Egypt",), ("Egyptian",)),
    CountryEntry("El Salvador", (), ("Salvadoran", "Salvadorean")),
    CountryEntry("Equatorial Guinea", (), ("Equatoguinean", "Equatorial Guinean")),
    CountryEntry("Eritrea", (), ("Eritrean",)),
    CountryEntry("Estonia", (), ("Estonian",)),
    CountryEntry("Eswatini", ("Swaziland",), ("Swazi", "Eswatini")),
    CountryEntry("Ethiopia", (), ("Ethiopian",)),
    CountryEntry("Fiji", (), ("Fijian",)),
    CountryEntry("Finland", (), ("Finnish", "Finn")),
    CountryEntry("France", ("French Republic",), ("French",)),
    CountryEntry("Gabon", ("Gabonese Republic",), ("Gabonese",)),
    CountryEntry("Gambia", ("The Gambia",), ("Gambian",)),
    CountryEntry("Georgia", (), ("Georgian",)),
    CountryEntry("Germany", ("Federal Republic of Germany",), ("German",)),
    CountryEntry("Ghana", (), ("Ghanaian",)),
    CountryEntry("Greece", ("Hellenic Republic",), ("Greek",)),
    CountryEntry("Grenada", (), ("Grenadian",)),
    CountryEntry("Guatemala", (), ("Guatemalan",)),
    CountryEntry("Guinea", ("Guinea-Conakry",), ("Guinean",)),
    CountryEntry("Guinea-Bissau", ("Guinea Bissau",), ("Bissau-Guinean",)),
    CountryEntry("Guyana", (), ("Guyanese",)),
    CountryEntry("Haiti", (), ("Haitian",)),
    CountryEntry("Honduras", (), ("Honduran",)),
    CountryEntry("Hungary", (), ("Hungarian",)),
    CountryEntry("Iceland", (), ("Icelandic", "Icelander")),
    CountryEntry("India", ("Republic of India", "Bharat"), ("Indian",)),
    CountryEntry("Indonesia", (), ("Indonesian",)),
    CountryEntry("Iran", ("Islamic Republic of Iran", "Persia"), ("Iranian",)),
    CountryEntry("Iraq", (), ("Iraqi",)),
    CountryEntry("Ireland", ("Republic of Ireland", "Eire"), ("Irish",)),
    CountryEntry("Israel", ("State of Israel",), ("Israeli",)),
    CountryEntry("Italy", ("Italian Republic",), ("Italian",)),
    CountryEntry("Jamaica", (), ("Jamaican",)),
    CountryEntry("Japan", (), ("Japanese",)),
    CountryEntry("Jordan", ("Hashemite Kingdom of Jordan",), ("Jordanian",)),
    CountryEntry("Kazakhstan", (), ("Kazakh", "Kazakhstani")),
    CountryEntry("Kenya", (), ("Kenyan",)),
    CountryEntry("Kiribati", (), ("I-Kiribati",)),
    CountryEntry("North Korea", ("Democratic People's Republic of Korea", "DPRK", "D.P.R.K."), ("North Korean",)),
    CountryEntry("South Korea", ("Republic of Korea", "ROK", "R.O.K."), ("South Korean",)),
    CountryEntry("Kuwait", ("State of Kuwait",), ("Kuwaiti",)),
    CountryEntry("Kyrgyzstan", ("Kyrgyz Republic", "Kirghizia"), ("Kyrgyz", "Kyrgyzstani", "Kirghiz")),
    CountryEntry("Laos", ("Lao People's Democratic Republic", "Lao PDR"), ("Laotian", "Lao")),
    CountryEntry("Latvia", (), ("Latvian",)),
    CountryEntry("Lebanon", ("Lebanese Republic",), ("Lebanese",)),
    CountryEntry("Lesotho", (), ("Basotho", "Mosotho")),
    CountryEntry("Liberia", (), ("Liberian",)),
    CountryEntry("Libya", (), ("Libyan",)),
    CountryEntry("Liechtenstein", (), ("Liechtensteiner",)),
    CountryEntry("Lithuania", (), ("Lithuanian",)),
    CountryEntry("Luxembourg", (), ("Luxembourgish", "Luxembourger")),
    CountryEntry("Madagascar", (), ("Malagasy",)),
    CountryEntry("Malawi", (), ("Malawian",)),
    CountryEntry("Malaysia", (), ("Malaysian",)),
    CountryEntry("Maldives", ("The Maldives",), ("Maldivian",)),
    CountryEntry("Mali", (), ("Malian",)),
    CountryEntry("Malta", (), ("Maltese",)),
    CountryEntry("Marshall Islands", (), ("Marshallese",)),
    CountryEntry("Mauritania", (), ("Mauritanian",)),
    CountryEntry("Mauritius", (), ("Mauritian",)),
    CountryEntry("Mexico", ("United Mexican States",), ("Mexican",)),
    CountryEntry("Micronesia", ("Federated States of Micronesia",), ("Micronesian",)),
    CountryEntry("Moldova", ("Republic of Moldova",), ("Moldovan",)),
    CountryEntry("Monaco", (), ("Monegasque", "Monacan")),
    CountryEntry("Mongolia", (), ("Mongolian",)),
    CountryEntry("Montenegro", (), ("Montenegrin",)),
    CountryEntry("Morocco", (), ("Moroccan",)),
    CountryEntry("Mozambique", (), ("Mozambican",)),
    CountryEntry("Myanmar", ("Burma",), ("Burmese", "Myanmarese", "Myanma")),
    CountryEntry("Namibia", (), ("Namibian",)),
    CountryEntry("Nauru", (), ("Nauruan",)),
    CountryEntry("Nepal", (), ("Nepalese", "Nepali")),
    CountryEntry("Netherlands", ("The Netherlands", "Holland"), ("Dutch",)),
    CountryEntry("New Zealand", (), ("New Zealander",)),
    CountryEntry("Nicaragua", (), ("Nicaraguan",)),
    CountryEntry("Niger", (), ("Nigerien",)),
    CountryEntry("Nigeria", (), ("Nigerian",)),
    CountryEntry("North Macedonia", ("Macedonia", "Republic of North Macedonia"), ("Macedonian", "North Macedonian")),
    CountryEntry("Norway", (), ("Norwegian",)),
    CountryEntry("Oman", ("Sultanate of Oman",), ("Omani",)),
    CountryEntry("Pakistan", ("Islamic Republic of Pakistan",), ("Pakistani",)),
    CountryEntry("Palau", (), ("Palauan",)),
    CountryEntry("Palestine", ("State of Palestine", "Palestinian territories", "Palestinian Authority"), ("Palestinian",)),
    CountryEntry("Panama", (), ("Panamanian",)),
    CountryEntry("Papua New Guinea", ("PNG",), ("Papua New Guinean",)),
    CountryEntry("Paraguay", (), ("Paraguayan",)),
    CountryEntry("Peru", (), ("Peruvian",)),
    CountryEntry("Philippines", ("The Philippines",), ("Filipino", "Philippine", "Filipina")),
    CountryEntry("Poland", (), ("Polish", "Pole")),
    CountryEntry("Portugal", ("Portuguese Republic",), ("Portuguese",)),
    CountryEntry("Qatar", ("State of Qatar",), ("Qatari",)),
    CountryEntry("Romania", ("Rumania",), ("Romanian",)),
    CountryEntry("Russia", ("Russian Federation", "RF"), ("Russian",)),
    CountryEntry("Rwanda", (), ("Rwandan",)),
    CountryEntry("Saint Kitts and Nevis", ("St Kitts and Nevis", "St. Kitts and Nevis", "Saint Christopher and Nevis"), ("Kittitian",)),
    CountryEntry("Saint Lucia", ("St Lucia", "St. Lucia"), ("Saint Lucian", "St Lucian")),
    CountryEntry("Saint Vincent and the Grenadines", ("St Vincent and the Grenadines", "St. Vincent and the Grenadines", "Saint Vincent"), ("Vincentian",)),
    CountryEntry("Samoa", (), ("Samoan",)),
    CountryEntry("San Marino", (), ("Sammarinese",)),
    CountryEntry("Sao Tome and Principe", ("São Tomé and Príncipe",), ("Santomean",)),
    CountryEntry("Saudi Arabia", ("Kingdom of Saudi Arabia", "KSA"), ("Saudi", "Saudi Arabian")),
    CountryEntry("Senegal", (), ("Senegalese",)),
    CountryEntry("Serbia", (), ("Serbian", "Serb")),
    CountryEntry("Seychelles", (), ("Seychellois",)),
    CountryEntry("Sierra Leone", (), ("Sierra Leonean",)),
    CountryEntry("Singapore", (), ("Singaporean",)),
    CountryEntry("Slovakia", ("Slovak Republic",), ("Slovak", "Slovakian")),
    CountryEntry("Slovenia", (), ("Slovenian", "Slovene")),
    CountryEntry("Solomon Islands", (), ("Solomon Islander",)),
    CountryEntry("Somalia", (), ("Somali",)),
    CountryEntry("South Africa", (), ("South African",)),
    CountryEntry("South Sudan", (), ("South Sudanese",)),
    CountryEntry("Spain", ("Kingdom of Spain",), ("Spanish", "Spaniard")),
    CountryEntry("Sri Lanka", ("Ceylon",), ("Sri Lankan",)),
    CountryEntry("Sudan", ("The Sudan",), ("Sudanese",)),
    CountryEntry("Suriname", ("Surinam",), ("Surinamese",)),
    CountryEntry("Sweden", (), ("Swedish", "Swede")),
    CountryEntry("Switzerland", ("Swiss Confederation",), ("Swiss",)),
    CountryEntry("Syria", ("Syrian Arab Republic",), ("Syrian",)),
    CountryEntry("Taiwan", ("Republic of China", "Chinese Taipei"), ("Taiwanese",)),
    CountryEntry("Tajikistan", (), ("Tajik", "Tajikistani")),
    CountryEntry("Tanzania", ("United Republic of Tanzania",), ("Tanzanian",)),
    CountryEntry("Thailand", ("Siam",), ("Thai",)),
    CountryEntry("Timor-Leste", ("East Timor", "Timor Leste"), ("Timorese", "East Timorese")),
    CountryEntry("Togo", ("Togolese Republic",), ("Togolese",)),
    CountryEntry("Tonga", (), ("Tongan",)),
    CountryEntry("Trinidad and Tobago", ("Trinidad & Tobago", "Trinidad"), ("Trinidadian", "Tobagonian")),
    CountryEntry("Tunisia", (), ("Tunisian",)),
    CountryEntry("Turkey", ("Türkiye", "Turkiye"), ("Turkish", "Turk")),
    CountryEntry("Turkmenistan", (), ("Turkmen", "Turkmenistani")),
    CountryEntry("Tuvalu", (), ("Tuvaluan",)),
    CountryEntry("Uganda", (), ("Ugandan",)),
    CountryEntry("Ukraine", ("The Ukraine",), ("Ukrainian",)),
    CountryEntry("United Arab Emirates", ("UAE", "U.A.E.", "Emirates"), ("Emirati",)),
    CountryEntry("United Kingdom", ("UK", "U.K.", "Britain", "Great Britain",
                                    "United Kingdom of Great Britain and Northern Ireland"), ("British", "UK", "U.K.", "Briton")),
    CountryEntry("United States", ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America",
                                   "the States"), ("American", "US", "U.S.")),
    CountryEntry("Uruguay", ("Oriental Republic of Uruguay",), ("Uruguayan",)),
    CountryEntry("Uzbekistan", (), ("Uzbek", "Uzbekistani")),
    CountryEntry("Vanuatu", (), ("Ni-Vanuatu", "Vanuatuan")),
    CountryEntry("Vatican City", ("Holy See", "Vatican", "Vatican City State"), ("Vatican",)),
    CountryEntry("Venezuela", ("Bolivarian Republic of Venezuela",), ("Venezuelan",)),
    CountryEntry("Vietnam", ("Viet Nam", "Socialist Republic of Vietnam"), ("Vietnamese",)),
    CountryEntry("Yemen", (), ("Yemeni",)),
    CountryEntry("Zambia", (), ("Zambian",)),
    CountryEntry("Zimbabwe", (), ("Zimbabwean",)),
    CountryEntry("Kosovo", ("Republic of Kosovo",), ("Kosovar", "Kosovan")),
)

# Countries whose head of state is a monarch (hereditary or elective) today.
MONARCHIES: Final[frozenset[str]] = frozenset({
    "Andorra", "Antigua and Barbuda", "Australia", "Bahamas", "Bahrain", "Belgium", "Belize",
    "Bhutan", "Brunei", "Cambodia", "Canada", "Denmark", "Eswatini", "Grenada", "Jamaica",
    "Japan", "Jordan", "Kuwait", "Lesotho", "Liechtenstein", "Luxembourg", "Malaysia",
    "Monaco", "Morocco", "Netherlands", "New Zealand", "Norway", "Oman", "Papua New Guinea",
    "Qatar", "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines",
    "Saudi Arabia", "Solomon Islands", "Spain", "Sweden", "Thailand", "Tonga", "Tuvalu",
    "United Arab Emirates", "United Kingdom", "Vatican City",
})

# Supranational blocs that sign instruments as one party.
BLOCS: Final[dict[str, tuple[str, ...]]] = {
    "European Union": ("EU", "E.U.", "European Union", "the European Union"),
    "Eurasian Economic Union": ("EAEU", "EEU", "Eurasian Economic Union"),
    "African Union": ("African Union",),
    "ASEAN": ("ASEAN", "Association of Southeast Asian Nations"),
    "Gulf Cooperation Council": ("GCC", "Gulf Cooperation Council"),
    "Mercosur": ("Mercosur",),
    "Commonwealth of Independent States": ("CIS", "Commonwealth of Independent States"),
}
# fmt: on

COUNTRIES: Final[tuple[str, ...]] = tuple(sorted(e.name for e in _TABLE))

# Forms that are only a country when written exactly so: "US" is not the pronoun "us".
_CASE_SENSITIVE: Final[frozenset[str]] = frozenset(
    form
    for e in _TABLE
    for form in (*e.aliases, *e.demonyms)
    if form.isupper() and "." not in form
) | {form for forms in BLOCS.values() for form in forms if form.isupper() and "." not in form}

# Lower-case words that are ordinary English before they are countries or demonyms.
_COMMON_WORDS: Final[frozenset[str]] = frozenset(
    {"turkey", "chad", "china", "guinea", "polish", "jordan", "niger", "georgia", "dane",
     "pole", "swede", "finn", "lao", "the states", "emirates", "vatican", "america"}
)

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SPACES = re.compile(r"\s+")
_FORMAL_PREFIX = re.compile(
    r"^(?:(?:federal|islamic|democratic|socialist|arab|united|hashemite|plurinational|"
    r"bolivarian|oriental|co-?operative|independent|federative|people's|sovereign)\s+)*"
    r"(?:republic|kingdom|state|commonwealth|principality|sultanate|grand duchy|"
    r"federation|confederation|emirate|union)\s+of\s+(?:the\s+)?",
)


def _norm(text: str) -> str:
    """Whitespace, apostrophes and a leading article normalised; case kept."""
    text = _SPACES.sub(" ", text.translate(_APOSTROPHES)).strip().strip(",;:")
    if text[:4].lower() == "the " and len(text) > 4:
        text = text[4:]
    return text


def _index(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return {_norm(form).lower(): name for form, name in pairs}


_BY_NAME: Final[dict[str, str]] = _index(
    [(e.name, e.name) for e in _TABLE] + [(a, e.name) for e in _TABLE for a in e.aliases]
)
_BY_DEMONYM: Final[dict[str, str]] = _index([(d, e.name) for e in _TABLE for d in e.demonyms])
_BLOC_BY_NAME: Final[dict[str, str]] = _index(
    [(a, name) for name, forms in BLOCS.items() for a in forms]
)


def _lookup(table: dict[str, str], raw: str) -> str | None:
    """Case-insensitive lookup that refuses lower-case common words and pronoun-like forms."""
    if not isinstance(raw, str):
        return None
    form = _norm(raw)
    if not form:
        return None
    key = form.lower()
    if key in _COMMON_WORDS and form[0].islower():
        return None
    if key.upper() in _CASE_SENSITIVE and form != key.upper():
        return None
    return table.get(key)


def canonical_country(name: str) -> str | None:
    """The canonical country for a name, alias or formal name; None for anything else."""
    found = _lookup(_BY_NAME, name)
    if found is not None or not isinstance(name, str):
        return found
    stripped = _FORMAL_PREFIX.sub("", _norm(name).lower(), count=1)
    if stripped != _norm(name).lower() and stripped:
        return _BY_NAME.get(stripped)
    return None


def country_for_demonym(word: str) -> str | None:
    """The country of a demonym ("Azerbaijani" -> "Azerbaijan"); plurals of people accepted."""
    found = _lookup(_BY_DEMONYM, word)
    if found is None and isinstance(word, str) and word.endswith("s") and len(word) > 3:
        # "Azerbaijanis", "Russians", "Poles"; adjectives such as "Swiss", "French" take no -s.
        stem = word[:-1]
        if not stem.lower().endswith(("s", "sh", "ch", "ese")):
            found = _lookup(_BY_DEMONYM, stem)
    return found


def canonical_party(name: str) -> str | None:
    """A country or a bloc (the European Union) that can be party to an instrument."""
    return canonical_country(name) or _lookup(_BLOC_BY_NAME, name)


def country_or_bloc(word: str | None) -> str | None:
    """The country (or bloc) a demonym, a name or a formal name stands for: "Kazakh", "EU"."""
    if not word:
        return None
    return country_for_demonym(word) or canonical_party(word)


def is_country(name: str) -> bool:
    """Whether ``name`` names a country (any known form)."""
    return canonical_country(name) is not None


def is_republic(country: str) -> bool:
    """Whether a known country's head of state is not a monarch."""
    canonical = canonical_country(country)
    return canonical is not None and canonical not in MONARCHIES
