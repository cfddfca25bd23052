"""What a person types as a place, turned into a region of NRW.

`resolve("33415 Verl")` answers with the Kreis the place belongs to (or the Regierungsbezirk or
cooperation region a person names), `find_in_query("Robotik in Bielefeld")` finds such a place inside
a search text. Both read one gazetteer built from `Region`, `Municipality` and `PostalCode`:

- postcode ("33415"), postcode plus town ("33415 Verl"), Gemeindeschlüssel ("05754044") or Kreis key
  ("05766");
- town names ("Verl", "Bad Salzuflen", "Halle" for "Halle (Westf.)", "Mülheim" for "Mülheim an der Ruhr");
- Kreise and kreisfreie Städte ("Kreis Lippe", "Lippe", "Stadt Bielefeld", "Hochsauerland"),
  Regierungsbezirke ("Regierungsbezirk Detmold", "Bezirk Detmold"), cooperation regions ("OWL",
  "Münsterland", "Ruhrgebiet");
- in any case and with umlauts written out ("KOELN", "Koeln", "Muelheim", "Hoexter").

A name that fits places in different Kreise is not guessed: the answer lists the choices ("Lippe" ->
Kreis Lippe or Lippetal in Kreis Soest), each with a value that resolves to exactly that place.

The gazetteer (about 1,400 names) is built once per process and rebuilt after a region, municipality or
postcode changes (regions/signals.py).
"""

import re
import threading
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache

CACHE_KEY = "regions:gazetteer-token:v1"
MAX_CHOICES = 12
MAX_WORDS = 5  # the longest place name ("Mülheim an der Ruhr", "Kreisfreie Stadt Mülheim an der Ruhr") in words

# Town names that are also everyday German words: inside a search text they count as a place only after
# "in", "bei", "aus", "Raum", "Kreis", "Stadt" or together with a postcode, never on their own.
EVERYDAY_WORDS = frozenset(
    {
        "ahlen",
        "alpen",
        "borken",
        "buende",
        "datteln",
        "enger",
        "essen",
        "halle",
        "heiden",
        "horn",
        "kamen",
        "lage",
        "loehne",
        "lotte",
        "much",
        "recke",
        "schlangen",
        "senden",
        "siegen",
        "wenden",
        "wetter",
    }
)

# Words in a search text after which a place name is expected.
PREPOSITIONS = frozenset({"in", "im", "bei", "aus", "raum", "nahe", "um"})
# Words that name the kind of place and belong to the place name itself.
DESIGNATORS = ("kreisfreie stadt", "kreis", "landkreis", "stadt", "gemeinde", "regierungsbezirk", "bezirk", "region")

# Everyday names of the cooperation regions (slug -> extra names), beside their official names.
COOPERATION_ALIASES = {
    "ostwestfalen-lippe": ["OWL", "Ostwestfalen", "Region Ostwestfalen-Lippe"],
    "ruhr": ["Ruhrgebiet", "Metropole Ruhr", "Metropolregion Ruhr", "Region Ruhr"],
    "koeln-bonn": ["Region Köln/Bonn", "Köln-Bonn"],
    "muensterland": ["Region Münsterland"],
    "suedwestfalen": ["Region Südwestfalen"],
    "niederrhein": ["Region Niederrhein"],
    "bergisches-staedtedreieck": ["Bergisches Städtedreieck"],
    "duesseldorf-mettmann": ["Region Düsseldorf/Kreis Mettmann"],
}
# Official names that are too plain to be taken as a place inside a search text on their own.
NOT_ON_THEIR_OWN = frozenset({"ruhr", "ruhr metropole ruhr"})


def fold(text):
    """Lower case, umlauts written out, ß as ss, accents and punctuation gone: "Höxter" -> "hoexter"."""
    text = str(text).casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).replace("_", " ").split())


@dataclass(frozen=True)
class Choice:
    """One place a name may stand for, with a value for `ort` that resolves to exactly it."""

    label: str  # "Lippetal (Kreis Soest)"
    value: str  # "Lippetal"
    region_id: int


@dataclass
class PlaceMatch:
    """The answer to what a person typed as a place."""

    query: str  # as typed, whitespace tidied
    region: object = None  # the Region, if the place is clear
    name: str = ""  # the place's proper name: "33415 Verl", "Köln", "Kreis Lippe"
    choices: list = field(default_factory=list)  # more than one: the name is ambiguous
    municipalities: list = field(default_factory=list)  # (name, official key) of the matching Gemeinden

    @property
    def resolved(self):
        return self.region is not None

    @property
    def ambiguous(self):
        return self.region is None and len(self.choices) > 1

    @property
    def unknown(self):
        return self.region is None and not self.choices

    @property
    def summary(self):
        """ "33415 Verl → Kreis Gütersloh"; just "Köln" when the place is its own Kreis."""
        if self.region is None:
            return self.query
        if fold(self.name) == fold(self.region.name):
            return self.region.name
        return f"{self.name} → {self.region.name}"

    @property
    def heading(self):
        """ "Verl (Kreis Gütersloh)", "Köln", "Kreis Lippe" – for the list's heading."""
        if self.region is None:
            return self.query
        if fold(self.name) == fold(self.region.name):
            return self.region.name
        return f"{self.name} ({self.region.name})"


@dataclass
class PlaceInQuery:
    """A place found inside a search text."""

    match: PlaceMatch
    text: str  # the words naming the place, as typed ("Bielefeld", "Kreis Lippe", "33415")
    remaining: str  # the search text without them (and without "in"/"bei"/… before them)


# -- the gazetteer ---------------------------------------------------------------------------------

_memo = {}  # token -> Gazetteer (this process)
_lock = threading.Lock()


@dataclass
class Gazetteer:
    regions: dict  # region id -> Region
    municipalities: dict  # official key -> (name, kreis id)
    postcodes: dict  # "33415" -> [official keys]
    names: dict  # folded name -> [("m", key) | ("r", region id)]
    standalone: frozenset  # folded names that count as a place on their own inside a search text
    by_region_key: dict  # "05766" -> region id


def gazetteer():
    """The gazetteer, built once per process and change: the shared cache holds only a token that every
    change replaces, so each worker notices a change on its next request without unpickling anything."""
    token = cache.get(CACHE_KEY)
    if token is None:
        cache.add(CACHE_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(CACHE_KEY)
    found = _memo.get(token)
    if found is None:
        found = _build()
        with _lock:
            _memo.clear()
            _memo[token] = found
    return found


def clear_cache():
    cache.delete(CACHE_KEY)


def _strip_designator(name):
    return re.sub(r"^(Kreis|Städteregion|Regierungsbezirk)\s+", "", name)


def _short_forms(name):
    """ "Halle (Westf.)" -> "Halle", "Mülheim an der Ruhr" -> "Mülheim", "Fröndenberg/Ruhr" -> "Fröndenberg"."""
    forms = set()
    short = re.split(r"\s*\(|/|\s+(?:am|an der|an|im|in der)\s+", name)[0].strip()
    if short and short != name:
        forms.add(short)
    if name.startswith("Sankt "):
        forms.add("St. " + name[6:])
    return forms


def _build():
    from .models import KREIS_KINDS, Municipality, PostalCode, Region

    regions = {region.pk: region for region in Region.objects.all()}
    names = defaultdict(list)
    standalone = set()

    def add(name, entry):
        key = fold(name)
        if key and entry not in names[key]:
            names[key].append(entry)
        return key

    by_region_key = {}
    for region in regions.values():
        entry = ("r", region.pk)
        if region.kind in KREIS_KINDS:
            by_region_key[region.official_key] = region.pk
            core = _strip_designator(region.name)
            forms = {region.name, core, *_short_forms(core)}
            if region.kind == Region.Kind.KREIS:
                folded = fold(core)
                for suffix in (" kreis", "kreis"):
                    if folded.endswith(suffix) and len(folded) - len(suffix) >= 4:
                        forms.add(folded[: -len(suffix)])  # "Rhein-Sieg-Kreis" -> "Rhein-Sieg", "Hochsauerland"
                forms.add(re.sub(r"^Rhein-Kreis\s+", "", core))  # "Rhein-Kreis Neuss" -> "Neuss"
                for form in list(forms):
                    forms |= {f"Kreis {form}", f"Landkreis {form}"}
            else:
                for form in list(forms):
                    forms |= {f"Stadt {form}", f"Kreisfreie Stadt {form}"}
            for form in forms:
                key = add(form, entry)
                if not key.startswith(("kreis ", "landkreis ", "stadt ", "kreisfreie ")):
                    standalone.add(key)
        elif region.kind == Region.Kind.REGIERUNGSBEZIRK:
            core = _strip_designator(region.name)
            for form in (region.name, f"Bezirk {core}", f"RB {core}", f"Regbez {core}"):
                add(form, entry)
            standalone.add(fold(region.name))
        elif region.kind == Region.Kind.COOPERATION:
            forms = {region.name, *COOPERATION_ALIASES.get(region.slug, [])}
            if "(" in region.name:
                forms.add(region.name.split("(", 1)[1].rstrip(")"))  # "Ruhr (Metropole Ruhr)" -> "Metropole Ruhr"
            for form in forms:
                key = add(form, entry)
                if key not in NOT_ON_THEIR_OWN:
                    standalone.add(key)

    municipalities = {}
    for key, name, kreis_id in Municipality.objects.values_list("official_key", "name", "kreis_id"):
        municipalities[key] = (name, kreis_id)
        for form in {name, *_short_forms(name)}:
            for prefixed in (form, f"Stadt {form}", f"Gemeinde {form}"):
                add(prefixed, ("m", key))
    postcodes = defaultdict(list)
    for code, key in PostalCode.objects.values_list("code", "municipality__official_key").order_by("code"):
        postcodes[code].append(key)
    standalone -= EVERYDAY_WORDS
    return Gazetteer(
        regions=regions,
        municipalities=municipalities,
        postcodes=dict(postcodes),
        names=dict(names),
        standalone=frozenset(standalone),
        by_region_key=by_region_key,
    )


# -- resolving -------------------------------------------------------------------------------------


def tidy(text):
    return " ".join("".join(char for char in str(text) if char.isprintable()).split())[:100]


def resolve(text, places=None):
    """The PlaceMatch for `text`, or None for empty text."""
    query = tidy(text)
    if not query:
        return None
    places = places or gazetteer()
    entries, name = _entries(query, places)
    return _answer(query, entries, name, places)


def _entries(query, places):
    """([("m", key) | ("r", region id)], proper name or "") for what `query` names."""
    if re.fullmatch(r"05\d{6}", query):
        return ([("m", query)] if query in places.municipalities else []), ""
    if re.fullmatch(r"05\d{3}", query) and query in places.by_region_key:
        return [("r", places.by_region_key[query])], ""
    postcode = re.fullmatch(r"(\d{5})\s*,?\s*(.*)|(.*?)\s*,?\s*(\d{5})", query)
    if postcode:
        code = postcode.group(1) or postcode.group(4)
        town = postcode.group(2) if postcode.group(1) else postcode.group(3)
        keys = places.postcodes.get(code, [])
        if keys and town:
            wanted = {key for kind, key in _by_name(fold(town), places) if kind == "m"}
            keys = [key for key in keys if key in wanted] or keys
        if keys:
            return [("m", key) for key in keys], code
        if not town:
            return [], ""
        query = town
    return _by_name(fold(query), places), ""


def _by_name(key, places):
    """Entries for a folded name: exact names; where no town has exactly that name, also the towns and
    regions whose names begin with it ("Lippe" -> Kreis Lippe and Lippetal, "Mülh" -> Mülheim an der Ruhr)."""
    exact = list(places.names.get(key, []))
    designated = key.startswith(tuple(f"{word} " for word in DESIGNATORS))
    if designated and not exact:
        # "Kreis Verl" or "Stadt Bielefeld": the designator does not change which place is meant.
        rest = key.split(" ", 1)[1]
        exact = list(places.names.get(rest, []))
    if designated or any(kind == "m" for kind, _ in exact) or len(key) < 3:
        return exact
    for name, entries in places.names.items():
        if name != key and name.startswith(key) and not name.startswith(("stadt ", "gemeinde ", "kreis")):
            exact += [entry for entry in entries if entry not in exact]
    return exact


def _target(entry, places):
    kind, value = entry
    return places.municipalities[value][1] if kind == "m" else value


def _answer(query, entries, code, places):
    by_region = defaultdict(list)
    for entry in entries:
        by_region[_target(entry, places)].append(entry)
    towns = [entry[1] for entry in entries if entry[0] == "m"]
    municipalities = [(places.municipalities[key][0], key) for key in towns]
    if len(by_region) == 1:
        ((region_id, found),) = by_region.items()
        region = places.regions[region_id]
        found_towns = {key for kind, key in found if kind == "m"}
        if code:
            name = code + (f" {places.municipalities[towns[0]][0]}" if len(found_towns) == 1 else "")
        elif any(kind == "r" for kind, _ in found) or not found_towns:
            name = region.name
        elif len(found_towns) == 1:
            name = places.municipalities[found_towns.pop()][0]
        else:
            name = query
        return PlaceMatch(query=query, region=region, name=name, municipalities=municipalities)
    choices = []
    for region_id, found in by_region.items():
        region = places.regions[region_id]
        own_name = False  # the region itself or its namesake town (kreisfreie Stadt) is already a choice
        if any(kind == "r" for kind, _ in found):
            choices.append(Choice(region.name, _value_for(("r", region_id), region.name, places), region_id))
            own_name = True
        for kind, key in found:
            if kind != "m":
                continue
            name = places.municipalities[key][0]
            if fold(name) == fold(_strip_designator(region.name)):
                if not own_name:
                    choices.append(Choice(name, _value_for((kind, key), name, places), region_id))
                    own_name = True
            else:
                choices.append(Choice(f"{name} ({region.name})", _value_for((kind, key), name, places), region_id))
    choices.sort(key=lambda choice: choice.label.casefold())
    return PlaceMatch(query=query, choices=choices[:MAX_CHOICES], municipalities=municipalities)


def _value_for(entry, name, places):
    """What to put into `ort` so that it names exactly this place: its name if that is unambiguous,
    else its official key."""
    if _by_name(fold(name), places) == [entry] or {
        _target(found, places) for found in _by_name(fold(name), places)
    } == {_target(entry, places)}:
        return name
    kind, value = entry
    return value if kind == "m" else places.regions[value].official_key or places.regions[value].name


# -- places inside a search text -------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")
_EDGE = "\"'„“”‚‘’»«,;:!?()[]{}."


def find_in_query(text, places=None):
    """The first place named inside a search text, or None.

    Recognised: a known postcode (with the town after it), "Kreis X"/"Stadt X"/…, "in X"/"bei X"/"aus X"/
    "im Raum X" followed by any place, and the capitalised names of Kreise, kreisfreie Städte,
    Regierungsbezirke and cooperation regions on their own (never the everyday words in EVERYDAY_WORDS,
    never in lower case: "robotik köln" stays text, while "Robotik Köln" and "robotik in köln" name the
    place). Words inside a quoted phrase or excluded with "-" are left alone.
    """
    text = str(text or "")
    if not text.strip():
        return None
    places = places or gazetteer()
    phrases = [match.span() for match in re.finditer(r'"[^"]*"?|„[^“”"]*[“”"]?', text)]
    tokens = []  # (start, end, folded word or "" for words that cannot be part of a place, capitalised)
    for found in _TOKEN.finditer(text):
        word, start, end = found.group(), found.start(), found.end()
        usable = not word.startswith("-") and not any(left <= start < right for left, right in phrases)
        stripped = word.strip(_EDGE)
        if stripped:
            start += word.index(stripped)
            end = start + len(stripped)
        tokens.append((start, end, fold(stripped) if usable else "", stripped[:1].isupper()))
    for index in range(len(tokens)):
        hit = _place_at(tokens, index, places)
        if hit is None:
            continue
        first, last, match = hit
        if match is None or match.unknown:
            continue
        remaining = tidy(text[: tokens[first][0]] + " " + text[tokens[last][1] :]).strip(" ,;")
        placed = text[tokens[first + (1 if tokens[first][2] in PREPOSITIONS else 0)][0] : tokens[last][1]]
        if tokens[first][2] in PREPOSITIONS and fold(placed).startswith("raum "):
            placed = placed.split(None, 1)[1]
        match.query = tidy(placed)
        return PlaceInQuery(match=match, text=match.query, remaining=remaining)
    return None


def _place_at(tokens, index, places):
    """(first token, last token, PlaceMatch) for a place starting at `index`, or None."""
    word = tokens[index][2]
    if not word:
        return None
    if re.fullmatch(r"\d{5}", word) and word in places.postcodes:
        last = index
        for stop in range(min(len(tokens), index + 1 + MAX_WORDS), index + 1, -1):
            words = [token[2] for token in tokens[index + 1 : stop]]
            towns = {key for kind, key in places.names.get(" ".join(words), []) if kind == "m"} if all(words) else ()
            if towns and towns & set(places.postcodes[word]):  # the town after the postcode is one of its towns
                last = stop - 1
                break
        return index, last, resolve(" ".join(token[2] for token in tokens[index : last + 1]), places)
    after = index
    if word in PREPOSITIONS:
        after = index + 1
        if after < len(tokens) and tokens[after][2] == "raum":
            after += 1
        free = True
    else:
        free = word.split(" ")[0] in {d.split(" ")[0] for d in DESIGNATORS}
    for stop in range(min(len(tokens), after + MAX_WORDS), after, -1):
        words = [token[2] for token in tokens[after:stop]]
        if not all(words):
            continue
        key = " ".join(words)
        if key in places.names and (free or (key in places.standalone and tokens[after][3])):
            return index, stop - 1, resolve(key, places)
        if free and key.startswith(("kreis ", "stadt ")) and key.split(" ", 1)[1] in places.names:
            return index, stop - 1, resolve(key, places)
    return None
