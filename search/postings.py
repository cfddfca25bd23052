"""Per-process term postings: which offers hold a term and its best field class there, read once per
term from the full-text index and then kept in step with edits – never rebuilt on a request.

A posting is two parallel numpy arrays: the offer pks holding the term (ascending, int32) and the
best class code (uint8, `CODES`) per offer. search.engine scores whole postings as arrays.

Following edits: every search document carries the data version it was written under
(search.indexing raises the version and stamps the documents in one transaction, so versions become
visible in commit order). Each process remembers the version it is in step with; when the content
state shows a newer one, it reads only the documents written since (`version > seen`, an indexed
range) and notes their current terms. A posting used afterwards drops those offers and takes them
again from their current documents – only the changed offers' entries are touched. Too many changes
at once (a rebuild of all documents) simply empty the memo, which then fills again term by term.

Offers that are deleted or no longer public may keep stale entries: search.engine only scores the
public offers of the current facet index. The analysed title and summary that the proximity bonus
needs are remembered here per offer too and dropped with the offer's next change.
"""

import bisect
import functools
import threading
from collections import OrderedDict

import numpy as np
from django.db import connections

from .indexing import FIELDS, PART, WHOLE

MAX_ENTRIES = 6_000_000  # offers × terms kept per process (5 bytes each) before the least used terms go
MAX_CHANGED = 2_000  # changed documents kept (≈ 10 kB each) until every posting has caught up
MAX_SEQUENCES = 20_000  # analysed titles/summaries kept for the proximity bonus
MAX_SUBQUERIES = 400  # per statement (SQLite allows 500 compound SELECTs)

# Class codes: the token prefixes of search.indexing (a–e whole words, f–j compound parts).
CLASSES = [WHOLE[name] for name in FIELDS] + [PART[name] for name in FIELDS]
CODE = {prefix: number for number, prefix in enumerate(CLASSES)}
EMPTY = (np.empty(0, np.int32), np.empty(0, np.uint8))


class Postings:
    def __init__(self):
        self.lock = threading.RLock()
        self.reset(None)

    def reset(self, seen):
        self.terms = OrderedDict()  # term -> (pks, codes, version the posting is in step with)
        self.entries = 0
        self.seen = seen  # the data version this memo is in step with (None: not yet)
        self.log_versions = []  # versions of the changes read, ascending …
        self.log_pks = []  # … and the offer each one changed
        self.changed = {}  # pk -> {term: best code} of its current document (changed offers only)
        self.sequences = OrderedDict()  # pk -> (title words, summary words) for the proximity bonus
        self.reads = 0  # documents re-read after changes (tests count them)

    # -- following edits ---------------------------------------------------------------------------

    def follow(self, version, alias):
        """Bring the memo in step with data version `version` (the current content state's)."""
        with self.lock:
            if self.seen is None or version < self.seen:  # first use, or a database reset under us
                self.reset(version)
                return
            if version == self.seen:
                return
            sql = (
                "SELECT offer_id, terms, version FROM search_offerdocument WHERE version > %s "
                "ORDER BY version, offer_id"
            )
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, [self.seen])
                rows = cursor.fetchall()
            if len(rows) > MAX_CHANGED:
                self.reset(max([version, *(row[2] for row in rows)]))
                return
            self._forget_old_changes(len(rows))
            for pk, terms, doc_version in rows:
                self.changed[pk] = best_codes(terms)
                self.log_versions.append(doc_version)
                self.log_pks.append(pk)
                self.sequences.pop(pk, None)
                self.reads += 1
            self.seen = max([version, *(row[2] for row in rows)])

    def _forget_old_changes(self, coming):
        """Drop the changes every posting has caught up with; when still too many would be kept, the
        postings not yet in step go (they are read again when next used) and the changes with them."""
        floor = min((entry[2] for entry in self.terms.values()), default=self.seen)
        if len(self.changed) + coming > MAX_CHANGED:
            for term in [term for term, entry in self.terms.items() if entry[2] != self.seen]:
                self.entries -= len(self.terms.pop(term)[0])
            floor = self.seen
        cut = bisect.bisect_right(self.log_versions, floor)
        if not cut:
            return
        kept = set(self.log_pks[cut:])
        for pk in self.log_pks[:cut]:
            if pk not in kept:
                self.changed.pop(pk, None)
        del self.log_versions[:cut], self.log_pks[:cut]

    # -- postings ----------------------------------------------------------------------------------

    def get(self, terms, alias):
        """{term: (pks, codes)} for `terms`, reading the terms not yet known in one statement."""
        with self.lock:
            found, missing = {}, []
            for term in terms:
                entry = self.terms.get(term)
                if entry is None:
                    missing.append(term)
                    continue
                self.terms.move_to_end(term)
                if entry[2] != self.seen:
                    entry = self._catch_up(term, entry)
                found[term] = entry[:2]
            if missing:
                for term, (pks, codes) in read_postings(missing, alias).items():
                    self._store(term, pks, codes)
                    found[term] = (pks, codes)
            return found

    def _store(self, term, pks, codes):
        old = self.terms.pop(term, None)
        if old is not None:
            self.entries -= len(old[0])
        self.terms[term] = (pks, codes, self.seen)
        self.entries += len(pks)
        while self.entries > MAX_ENTRIES and len(self.terms) > 1:
            _term, (gone, _codes, _version) = self.terms.popitem(last=False)
            self.entries -= len(gone)

    def _catch_up(self, term, entry):
        """The posting `entry` with the offers changed after its version re-read from their documents."""
        pks, codes, version = entry
        start = bisect.bisect_right(self.log_versions, version)
        changed = np.unique(np.array(self.log_pks[start:], dtype=np.int64))
        keep = ~np.isin(pks, changed, assume_unique=True)
        added = [(pk, self.changed[pk][term]) for pk in changed.tolist() if term in self.changed[pk]]
        pks = np.concatenate([pks[keep], np.array([pk for pk, _ in added], dtype=np.int32)])
        codes = np.concatenate([codes[keep], np.array([code for _, code in added], dtype=np.uint8)])
        order = np.argsort(pks, kind="stable")
        self._store(term, pks[order], codes[order])
        return self.terms[term]

    def memory(self):
        """Bytes held by the postings' arrays."""
        return sum(pks.nbytes + codes.nbytes for pks, codes, _version in self.terms.values())

    # -- analysed titles and summaries ----------------------------------------------------------------

    def sequences_of(self, pks, analyse):
        """{pk: analyse(title, summary)} for `pks`, reading only the offers not remembered."""
        from offers.models import Offer

        with self.lock:
            found = {pk: self.sequences[pk] for pk in pks if pk in self.sequences}
            seen = self.seen
        missing = [pk for pk in pks if pk not in found]
        if missing:
            rows = Offer.objects.filter(pk__in=missing).values_list("pk", "title", "summary")
            fresh = {pk: analyse(title, summary) for pk, title, summary in rows}
            with self.lock:
                if self.seen == seen:  # else an offer may have changed meanwhile: use, don't keep
                    self.sequences.update(fresh)
                    while len(self.sequences) > MAX_SEQUENCES:
                        self.sequences.popitem(last=False)
            found.update(fresh)
        return found


@functools.cache
def class_weights():
    """The class weights by code (search.engine owns them)."""
    from .engine import CLASS_WEIGHT

    return np.array([CLASS_WEIGHT[prefix] for prefix in CLASSES], dtype=np.float64)


def best_codes(document):
    """{term: best class code} of one search document's tokens."""
    weights = class_weights()
    best = {}
    for token in document.split():
        code, term = CODE.get(token[0]), token[1:]
        if code is not None and (term not in best or weights[code] > weights[best[term]]):
            best[term] = code
    return best


def read_postings(terms, alias):
    """{term: (pks, codes)} from the full-text index: one UNION ALL of single-token lookups, each
    row tagged with a number for its (term, class)."""
    connection = connections[alias]
    ordered = sorted(terms)
    parts = [(number, term, prefix) for number, term in enumerate(ordered) for prefix in CLASSES]
    rows = []
    for start in range(0, len(parts), MAX_SUBQUERIES):
        chunk = parts[start : start + MAX_SUBQUERIES]
        if connection.vendor == "postgresql":
            select = "SELECT offer_id, %s FROM search_offerdocument WHERE vector @@ CAST(%s AS tsquery)"
            quoted = "'{}{}'"
        else:
            select = "SELECT rowid, %s FROM search_offerdocument_fts WHERE search_offerdocument_fts MATCH %s"
            quoted = '"{}{}"'
        params = [p for n, term, cls in chunk for p in (n * len(CLASSES) + CODE[cls], quoted.format(cls, term))]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join([select] * len(chunk)), params)
            rows.extend(cursor.fetchall())
    if not rows:
        return dict.fromkeys(ordered, EMPTY)
    data = np.array(rows, dtype=np.int64).reshape(-1, 2)
    pks, keys = data[:, 0], data[:, 1]
    numbers, codes = keys // len(CLASSES), keys % len(CLASSES)
    # Per (term, offer) the best class: sorted by term, offer and weight descending, the first row.
    order = np.lexsort((-class_weights()[codes], pks, numbers))
    pks, codes, numbers = pks[order], codes[order], numbers[order]
    first = np.ones(len(pks), dtype=bool)
    first[1:] = (pks[1:] != pks[:-1]) | (numbers[1:] != numbers[:-1])
    pks, codes, numbers = pks[first].astype(np.int32), codes[first].astype(np.uint8), numbers[first]
    bounds = np.searchsorted(numbers, np.arange(len(ordered) + 1))
    return {term: (pks[bounds[n] : bounds[n + 1]], codes[bounds[n] : bounds[n + 1]]) for n, term in enumerate(ordered)}


_memo = Postings()


def memo():
    """This process's postings."""
    return _memo
