"""The one search and ranking path: the list page, the API, feeds and exports all call `search()`.

1. The query is analysed like offers (search.analysis); each remaining word is a *group* whose
   alternatives are its term, the pieces of a hyphenated word, its compound parts and the synonyms
   editors keep (search.models.Synonym, expanded here at query time).
2. The database's full-text index (FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL) answers one
   thing only: which offers hold a term, in which field, as a whole word or as a compound part.
   Both databases store the same terms, so they give the same answer. Each process keeps these
   answers per term as arrays (search.postings) and follows edits by re-reading only the changed
   offers' documents.
3. Ranking happens here, as numpy array operations, identically for both: per group its best field weight
   (title > topics > summary > description > provider; compound parts and synonyms count less),
   summed; a bonus when neighbouring query words stand next to each other in the title or summary;
   ties by the facet index's "newest first" order. Offers matching every group come first; when
   they are few, offers matching most of the groups follow ("partial" matches).
4. A word that matches nothing at all is corrected to the closest known word (rapidfuzz) of the public
   offers (search.vocabulary, kept in step with edits); correctly spelled words are never touched.
"""

import itertools
import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import router
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from allianz_portal.freshness import content_state, counter_of, per_state, request_state

from . import analysis, postings
from .indexing import PART, WHOLE

FIELD_WEIGHTS = {"title": 10.0, "topic_names": 7.0, "summary": 5.0, "description": 3.0, "provider_name": 2.0}
PART_FACTOR = 0.75  # a compound part of a document word, relative to a whole word
SYNONYM_FACTOR = 0.8  # a synonym of the searched word, relative to the word itself
PIECES_FACTOR = 0.8  # the pieces of a hyphenated query word found apart ("KI … Beratung")
QUERY_PARTS_FACTOR = 0.6  # the parts of a compound query word found apart ("Robotik … Beratung")
PROXIMITY_BONUS = {"title": 4.0, "summary": 2.0}
PROXIMITY_POOL = 100  # the best full matches looked at for proximity
PARTIAL_BELOW = 10  # fewer full matches than this: partial matches follow
MAX_GROUPS = 8
_EXCLUDED = re.compile(r"(?:^|\s)-([^\W_][\w.-]*)")
_EMAIL = re.compile(r"\S+@\S+")
_PHONE = re.compile(r"\+?\d[\d\s/().-]{5,}\d")

CLASS_WEIGHT = {WHOLE[name]: weight for name, weight in FIELD_WEIGHTS.items()} | {
    PART[name]: weight * PART_FACTOR for name, weight in FIELD_WEIGHTS.items()
}


@dataclass
class Group:
    """One searched word (or synonym phrase): alternatives are (terms, factor); all terms of one
    alternative must occur in the offer."""

    surface: str
    alternatives: list
    position: int = 0
    synonym: bool = False

    def terms(self):
        return {term for terms, _factor in self.alternatives for term in terms}


@dataclass
class Result:
    text: str  # the query as searched (corrected where a word matched nothing)
    pks: list = field(default_factory=list)  # ranked: full matches, then partial ones
    full: set = field(default_factory=set)  # pks matching every word
    suggestion: str | None = None  # the corrected query, when a word was corrected
    corrections: list = field(default_factory=list)  # [(typed, corrected)]
    searchable: bool = True  # False when the query has no word to search for
    groups: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)  # groups no offer matches

    @property
    def partial(self):
        return len(self.pks) > len(self.full)


_lock = threading.Lock()


def search(text, order):
    """The ranked result for `text` among the offers in `order` ({pk: place}: the offers that may be found,
    and the order that breaks ties – the finder passes its index's "newest first" places).

    Not remembered here: the finder keeps results with its index, per content state (finder.index)."""
    text = " ".join(str(text or "").split())[:200]
    with request_state():  # the content state read once for the whole search, as inside a request
        return _search(text, order)


def _search(text, order):
    result = _run(text, order)
    if not result.searchable:
        return result
    corrected = _corrected(text, result, order)
    if corrected:
        better = _run(corrected[0], order)
        better.suggestion, better.corrections = corrected
        return better
    return result


def _run(text, order):
    excluded = [word.term for match in _EXCLUDED.finditer(text) for word in analysis.words(match.group(1))]
    positive = _EXCLUDED.sub(" ", text)
    groups = query_groups(positive)
    if not groups:
        return Result(text, searchable=False)
    found = _postings({term for group in groups for term in group.terms()} | set(excluded))
    public = _public_arrays(order)
    group_weights = [_group_weights(group, found) for group in groups]
    blocked = np.unique(np.concatenate([found[term][0] for term in excluded])) if excluded else None
    result = Result(text)
    result.unmatched = [group for group, (pks, _w) in zip(groups, group_weights, strict=True) if not len(pks)]
    result.groups = groups
    needed = len(groups)
    # Per public offer (its position in the facet index, i.e. "newest first"): score and matched groups.
    scores = np.zeros(len(public.pks), dtype=np.float64)
    counts = np.zeros(len(public.pks), dtype=np.int16)
    for pks, weights in group_weights:
        positions, weights = public.positions_of(pks, weights, blocked)
        scores[positions] += weights
        counts[positions] += 1
    full = np.flatnonzero(counts == needed)  # ascending positions
    order = _by_score(scores[full])
    if needed > 1 and len(full):
        # The bonus goes to the best PROXIMITY_POOL full matches only and never lowers a score, so they
        # stay ahead of the rest (ties at the pool's edge were decided by position already): only the
        # pool is sorted again.
        pool = order[:PROXIMITY_POOL]
        pool_pks = public.pks[full[pool]].tolist()
        bonus = _proximity(groups, pool_pks)
        if bonus:
            boosted = scores[full[pool]] + np.array([bonus.get(pk, 0.0) for pk in pool_pks])
            # pool in position order, then by boosted score (stable: ties stay in position order)
            by_position = np.argsort(full[pool], kind="stable")
            pool = pool[by_position][_by_score(boosted[by_position])]
            order = np.concatenate([pool, order[PROXIMITY_POOL:]])
    ordered = full[order]
    if len(full) < PARTIAL_BELOW and needed > 1:
        least = max(1, math.ceil(needed / 2))
        partial = np.flatnonzero((counts >= least) & (counts < needed))
        partial = partial[np.lexsort((partial, -scores[partial], -counts[partial]))]
        ordered = np.concatenate([ordered, partial])
    result.pks = public.pks[ordered].tolist()
    result.full = set(result.pks[: len(full)])
    return result


def _by_score(scores):
    """The order of `scores` (of ascending positions): highest first, ties in position order."""
    if not len(scores):
        return np.empty(0, dtype=np.int64)
    # Few distinct scores (sums of class weights): rank them, then one stable integer sort.
    values, ranks = np.unique(-scores, return_inverse=True)
    return np.argsort(ranks.astype(np.int32 if len(values) > 32767 else np.int16), kind="stable")


def query_groups(text):
    """The searched words of `text` as Groups, synonyms expanded."""
    words = analysis.words(text)
    if not words:
        words = analysis.words(text, keep_stop_words=True)
    words = words[: MAX_GROUPS * 2]
    synonyms = synonym_table()
    groups = []
    index = 0
    while index < len(words) and len(groups) < MAX_GROUPS:
        match = _longest_synonym(words, index, synonyms)
        if match:
            length, alternatives = match
            own = (
                _word_alternatives(words[index])
                if length == 1
                else [((w.term for w in words[index : index + length]), 1.0)]
            )
            own = [(tuple(terms), factor) for terms, factor in own]
            groups.append(
                Group(
                    " ".join(w.surface for w in words[index : index + length]),
                    _dedupe(own + alternatives),
                    words[index].position,
                    synonym=True,
                )
            )
            index += length
            continue
        word = words[index]
        groups.append(Group(word.surface, _word_alternatives(word), word.position))
        index += 1
    return groups


def _word_alternatives(word):
    alternatives = [((word.term,), 1.0)]
    if word.joined:
        alternatives.append(((word.joined,), 1.0))
    if word.pieces:
        alternatives.append((tuple(word.pieces), PIECES_FACTOR))
    if len(word.parts) >= 2:
        alternatives.append((tuple(word.parts[:2]) if len(word.parts) > 2 else tuple(word.parts), QUERY_PARTS_FACTOR))
    return alternatives


def _dedupe(alternatives):
    best = {}
    for terms, factor in alternatives:
        if terms and factor > best.get(terms, 0):
            best[terms] = factor
    return list(best.items())


def _longest_synonym(words, index, synonyms):
    """(number of words, synonym alternatives) of the longest synonym term starting at `index`."""
    for length in range(min(4, len(words) - index), 0, -1):
        key = tuple(word.term for word in words[index : index + length])
        if key in synonyms:
            return length, [(terms, SYNONYM_FACTOR) for terms in synonyms[key] if terms != key]
    return None


_synonyms = {}  # {"key": the synonyms' fingerprint, "table": their table}, per process


def synonym_table():
    """{term tuple: [term tuples it also finds]} from the active synonyms: analysed again only when the
    synonyms changed (their number, id sum or latest change – checked once per content state)."""
    key = per_state("synonym-fingerprint", _synonym_key)
    if _synonyms.get("key") != key:
        table = _synonym_table()
        with _lock:
            _synonyms.update(key=key, table=table)
    return _synonyms["table"]


def _synonym_key():
    from django.db.models import Count, Max, Sum

    from .models import Synonym

    return tuple(Synonym.objects.aggregate(Count("id"), Sum("id"), Max("updated_at")).values())


def _synonym_table():
    from .models import Synonym

    table = defaultdict(list)

    def analysed(term):
        return tuple(word.term for word in analysis.words(term, keep_stop_words=True))

    for synonym in Synonym.objects.filter(active=True):
        terms = [t for t in map(analysed, synonym.term_list) if t]
        if synonym.kind == Synonym.Kind.ONE_WAY:
            targets = [t for t in map(analysed, synonym.target_list) if t]
            for term in terms:
                table[term].extend(targets)
        else:
            for term in terms:
                table[term].extend(other for other in terms if other != term)
    return {key: list(dict.fromkeys(values)) for key, values in table.items()}


def term_hits(terms):
    """{term: {pk: best class weight}} – which offers hold each term, from the full-text index (through
    this process's postings)."""
    weights = postings.class_weights()
    return {
        term: dict(zip(pks.tolist(), weights[codes].tolist(), strict=True))
        for term, (pks, codes) in _postings(terms).items()
        if len(pks)
    }


def _postings(terms):
    """{term: (pks, codes)} for `terms`: this process's postings, first brought in step with the content."""
    from offers.models import Offer

    alias = router.db_for_read(Offer)
    memo = postings.memo()
    memo.follow(counter_of(content_state().version), alias)
    return memo.get(terms, alias)


def _group_weights(group, found):
    """(pks ascending, weights) of the offers matching `group`: per alternative the weakest of its terms'
    classes times the alternative's factor, the best alternative per offer."""
    weights = postings.class_weights()
    parts = []
    for terms, factor in group.alternatives:
        lists = [found[term] for term in terms]
        if not all(len(pks) for pks, _codes in lists):
            continue
        pks, codes = lists[0]
        best = weights[codes]
        for other_pks, other_codes in lists[1:]:
            pks, mine, theirs = np.intersect1d(pks, other_pks, assume_unique=True, return_indices=True)
            best = np.minimum(best[mine], weights[other_codes][theirs])
        if len(pks):
            parts.append((pks, best * factor))
    if not parts:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
    if len(parts) == 1:
        return parts[0]
    pks = np.concatenate([pks for pks, _w in parts])
    best = np.concatenate([w for _pks, w in parts])
    order = np.argsort(pks, kind="stable")
    pks, best = pks[order], best[order]
    unique, starts = np.unique(pks, return_index=True)
    return unique, np.maximum.reduceat(best, starts)


class PublicArrays:
    """The offers that may be found as arrays: `pks` by position (0, 1, … in the tie-breaking order) and each
    pk's position (-1: not findable). Built from any {pk: place} mapping, gaps in the places allowed."""

    def __init__(self, order):
        pks = np.fromiter(order.keys(), dtype=np.int64, count=len(order))
        places = np.fromiter(order.values(), dtype=np.int64, count=len(order))
        self.pks = pks[np.argsort(places, kind="stable")]
        size = int(self.pks.max()) + 1 if len(self.pks) else 0
        self.position = np.full(size, -1, dtype=np.int64)
        self.position[self.pks] = np.arange(len(self.pks), dtype=np.int64)

    def sorted_pks(self):
        if not hasattr(self, "_sorted"):
            self._sorted = np.sort(self.pks)
        return self._sorted

    def positions_of(self, pks, weights, blocked=None):
        """(positions, weights) of the public ones among `pks`, without the `blocked` pks."""
        inside = pks < len(self.position)
        pks, weights = pks[inside], weights[inside]
        positions = self.position[pks]
        keep = positions >= 0
        if blocked is not None and len(blocked):
            keep &= ~np.isin(pks, blocked)
        return positions[keep], weights[keep]


_arrays = {}  # id(order) -> (order, PublicArrays): the last few orders the finder passed in


def _public_arrays(order):
    """`order` ({pk: place}) as arrays, remembered while the caller keeps passing the same mapping."""
    key = id(order)
    found = _arrays.get(key)
    if found is None or found[0] is not order:
        found = (order, PublicArrays(order))
        with _lock:
            _arrays[key] = found
            while len(_arrays) > 3:
                _arrays.pop(next(iter(_arrays)))
    return found[1]


def forget():
    """Drop this process's postings and vocabulary (tests call this with the facet memos)."""
    from . import vocabulary as words

    postings.memo().reset(None)
    words.memo().reset()
    _synonyms.clear()
    _arrays.clear()


def _proximity(groups, pool):
    """A bonus for the best full matches whose title/summary has neighbouring query words side by side."""
    if not pool:
        return {}
    term_sets = [group.terms() for group in groups]
    bonus = {}
    for pk, sequences in postings.memo().sequences_of(pool, _title_and_summary).items():
        for name, sequence in zip(("title", "summary"), sequences, strict=True):
            pairs = 0
            for first, second in itertools.pairwise(term_sets):
                if any(first & a and second & b for a, b in itertools.pairwise(sequence)):
                    pairs += 1
            if pairs:
                bonus[pk] = bonus.get(pk, 0.0) + PROXIMITY_BONUS[name] * pairs
    return bonus


def _title_and_summary(title, summary):
    return tuple([{word.term, word.joined, *word.pieces} for word in analysis.words(text)] for text in (title, summary))


# -- typo correction ------------------------------------------------------------------------------


def _corrected(text, result, order):
    """(corrected text, [(typed, corrected)]) for the words that matched nothing, or None."""
    replacements = []
    for group in getattr(result, "unmatched", []):
        if group.synonym or " " in group.surface or len(group.surface) < 4:
            continue
        better = closest_word(group.surface, order)
        if better:
            replacements.append((group.surface, better))
    if not replacements:
        return None
    corrected = text
    for typed, better in replacements:
        corrected = re.sub(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", better, corrected, count=1)
    return corrected, replacements


def closest_word(word, order):
    """The known word closest to `word` (1 edit from 5 letters, 2 from 9), the most frequent on ties."""
    folded = analysis.fold(word)
    allowed = 1 if len(folded) < 9 else 2
    if len(folded) < 5:
        allowed = 1 if len(folded) >= 4 else 0
    if not allowed:
        return None
    words, counts, display = vocabulary(order)
    matches = process.extract(folded, words, scorer=Levenshtein.distance, score_cutoff=allowed, limit=None)
    matches = [(candidate, distance) for candidate, distance, _ in matches if candidate != folded]
    if not matches:
        return None
    candidate, _distance = min(matches, key=lambda item: (item[1], -counts[item[0]], item[0]))
    return display[candidate]


def vocabulary(order):
    """(folded words, their frequency, their usual spelling) of the public offers' texts: counted once per
    process, then kept in step with edits (search.vocabulary)."""
    from offers.models import Offer

    from . import vocabulary as words

    state = content_state().key
    public = _public_arrays(order)
    return words.memo().current(state, public.sorted_pks(), router.db_for_read(Offer))


# -- zero-result log -------------------------------------------------------------------------------


def normalised(text):
    """The query as counted in the zero-result report: lower case, single spaces, without anything
    that looks like an e-mail address or a phone number."""
    text = _EMAIL.sub(" ", str(text))
    text = _PHONE.sub(" ", text)
    return " ".join(text.casefold().split())[:200]


def record_zero_result(text):
    from .models import ZeroResultSearch

    query = normalised(text)
    if query:
        ZeroResultSearch.record(query)


def in_rank_order(queryset, result):
    """The pks of `queryset` (already narrowed to the result) in the result's order."""
    allowed = set(queryset.values_list("pk", flat=True))
    return [pk for pk in result.pks if pk in allowed]


def ranked_rows(queryset, result, limit=None):
    """At most `limit` rows of `queryset` in the result's order (API, feeds, exports)."""
    pks = in_rank_order(queryset, result)[:limit]
    rows = queryset.in_bulk(pks)
    return [rows[pk] for pk in pks if pk in rows]
