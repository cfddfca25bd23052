"""The one text analysis for offers and queries (both databases store and match its terms).

Steps: split into words, keeping hyphenated and dotted terms whole *and* as their parts
("IT-Sicherheit" → it-sich, it, sich, itsich; "Industrie 4.0" → industri, 4.0); drop German stop words
(a word written in capitals, such as "IT", is never one); lemmatise with simplemma and stem the
lemma with Snowball German (PyStemmer), which also folds case, umlauts and ß both ways (Köln = Koeln
→ koln, Straße = Strasse → strass); split compounds with charsplit-fst (Robotikberatung →
robotikberat plus the parts robot, berat, which count less than whole words). Terms keep only
a–z, 0–9, "-" and ".", so FTS5 and PostgreSQL's `simple` tsvector store them unchanged.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import simplemma
import Stemmer
from charsplit_fst import Splitter
from stop_words import get_stop_words

# A word: letters/digits, joined by single hyphens or dots ("IT-Sicherheit", "4.0", "3D-Druck").
_WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_KEEP = re.compile(r"[^a-z0-9.-]")
EXTRA_STOP_WORDS = {
    # Filler of natural questions ("Ich suche eine Förderung für …") and common English fillers.
    "gibt",
    "suche",
    "suchen",
    "möchte",
    "möchten",
    "brauche",
    "brauchen",
    "benötige",
    "benötigen",
    "bitte",
    "beim",
    "wo",
    "bekomme",
    "bekommen",
    "finde",
    "finden",
    "hilfe",
    "mehr",
    "gern",
    "gerne",
    "wer",
    "unsere",
    "the",
    "and",
    "for",
    "of",
    "to",
    "with",
    "a",
    "an",
}
STOP_WORDS = frozenset(word.casefold() for word in get_stop_words("de")) | EXTRA_STOP_WORDS
MIN_COMPOUND = 8  # shorter words are not split
MIN_PART = 4  # a compound part must have at least this many letters
SPLIT_SCORE = 0.3  # charsplit-fst's score below which a split is not trusted
KNOWN_HEAD = 6  # an unsure split is taken only for a head of this length the dictionary knows
LINKING = ("s", "es")  # Fugen-s: Digitalisierungs|check

_stemmer = Stemmer.Stemmer("german")
_splitter = Splitter()


@dataclass
class Word:
    """One word of a text: its surface form, its term, and the terms it also stands for."""

    surface: str
    term: str
    pieces: list = field(default_factory=list)  # the pieces of a hyphenated word ("ki", "berat")
    joined: str = ""  # a hyphenated word written as one ("kiberat")
    parts: list = field(default_factory=list)  # compound parts (weighted lower)
    position: int = 0


def fold(text):
    """Lower case, umlauts as their two-letter spelling, accents dropped, only a–z 0–9 . - kept."""
    text = str(text).casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _KEEP.sub("", text)


@functools.lru_cache(maxsize=100_000)
def stem(word):
    """The term of one simple word (no hyphen or dot): its lemma (simplemma: Sprachkurse → Sprachkurs,
    Workshops → Workshop), then the Snowball German stem of that, folded. The lemma first makes
    singular and plural meet where Snowball alone cuts them differently (sprachkur / sprachkurs)."""
    lemma = simplemma.lemmatize(word if not word.isupper() else word.casefold(), lang="de")
    return fold(_stemmer.stemWord(lemma.casefold()))


_SPELLED_UMLAUT = re.compile(r"(?<![qQeEaA])([aouAOU])[eE]")


@functools.lru_cache(maxsize=50_000)
def compound_parts(word, fallback=True):
    """Terms of the parts of a German compound ("Robotikberatung" → robotik, berat), or ().

    A word typed without umlauts ("Gruendungsberatung") is split as if spelled with them, so both
    spellings give the same parts. `fallback`: when charsplit-fst is unsure, a split whose head the German
    dictionary knows may still be taken – for the whole word only, never for its parts (which would cut
    Maßnahmen into Maßn + ahmen)."""
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return ()
    restored = _SPELLED_UMLAUT.sub(lambda m: m.group(1).translate(str.maketrans("aouAOU", "äöüÄÖÜ")), word)
    if restored != word:
        return _split(restored, fallback)
    return _split(word, fallback)


def _split(word, fallback):
    candidates = _splitter.split_compound(word)[:3]
    score, modifier, head = candidates[0]
    if score < SPLIT_SCORE:
        # An inflected compound may split better without its ending (Transfergutscheine).
        for ending in ("en", "e", "n", "s"):
            if word.endswith(ending) and len(word) - len(ending) >= MIN_COMPOUND:
                score, modifier, head = _splitter.split_compound(word[: -len(ending)])[0]
                break
    if score < SPLIT_SCORE:
        # charsplit-fst is unsure: take the candidate with the longest head the dictionary knows
        # (Robotiksprechstunde → Robotik + Sprechstunde, not Robotiksprech + Stunde).
        known = [(m, h) for _s, m, h in candidates if len(m) >= MIN_PART and len(h) >= KNOWN_HEAD and _is_word(h)]
        if not (fallback and known):
            return ()
        modifier, head = max(known, key=lambda pair: len(pair[1]))
    for ending in LINKING:
        if modifier.endswith(ending) and len(modifier) - len(ending) >= MIN_PART:
            modifier = modifier[: -len(ending)] if stem(modifier) == fold(modifier) else modifier
            break
    # A head needs MIN_PART letters, or three when the dictionary knows it (Robotiktag → Robotik + Tag).
    if len(modifier) < MIN_PART or not (len(head) >= MIN_PART or (len(head) == 3 and _is_word(head))):
        return ()
    parts = [stem(modifier), *compound_parts(modifier, False), stem(head), *compound_parts(head, False)]
    return tuple(dict.fromkeys(part for part in parts if len(part) >= 3))


def _is_word(part):
    return simplemma.is_known(part, lang="de") or simplemma.is_known(part.capitalize(), lang="de")


def is_stop_word(surface):
    return surface.casefold() in STOP_WORDS and not (surface.isupper() and len(surface) > 1)


def words(text, keep_stop_words=False):
    """The analysed words of `text`, in order."""
    found = []
    for position, match in enumerate(_WORD.finditer(str(text))):
        surface = match.group(0)
        pieces = [piece for piece in re.split(r"[-.]", surface) if piece]
        if len(pieces) == 1:
            if len(surface) < 2 and not surface.isdigit():
                continue
            if not keep_stop_words and is_stop_word(surface):
                continue
            found.append(Word(surface, stem(surface), parts=list(compound_parts(surface)), position=position))
            continue
        # Hyphenated or dotted: whole, each piece, and joined ("e-commerce", "commerc", "ecommerc").
        if surface.replace(".", "").isdigit():  # 4.0, 1.000: one number
            found.append(Word(surface, fold(surface), position=position))
            continue
        stems = [stem(piece) for piece in pieces]
        whole = "-".join(stems)
        kept = [s for piece, s in zip(pieces, stems, strict=True) if len(piece) >= 2 and not is_stop_word(piece)]
        parts = [part for piece in pieces for part in compound_parts(piece)]
        joined = stem("".join(pieces))
        found.append(Word(surface, whole, pieces=kept, joined=joined, parts=parts, position=position))
    return found


def terms(text):
    """(whole terms, part terms) of `text` for the index: every word's term, hyphen pieces and joined
    form are whole terms, compound parts are part terms."""
    whole, parts = [], []
    for word in words(text):
        whole.append(word.term)
        whole.extend(word.pieces)
        whole.append(word.joined)
        parts.extend(word.parts)
    whole_set = dict.fromkeys(term for term in whole if term)
    return list(whole_set), [part for part in dict.fromkeys(parts) if part not in whole_set]
