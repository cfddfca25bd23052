"""The typo correction's vocabulary: the words of the public offers (search.indexing.words) with how often
they occur and their usual spelling – per process, counted once and then kept in step with edits.

Each search document carries the offer's words; a replaced or deleted document leaves its old words
in search_documentchange under the data version of the change. For a new content state the process
reads, in ONE statement (one snapshot on both databases), the data version, the changes since the
version it has counted and the current words of the offers that changed, became public or stopped
being public – and takes off / adds just those. A change row without an offer ("many documents
changed", e.g. a full rebuild) makes it count everything afresh.
"""

import functools
import threading
from collections import Counter, defaultdict

import numpy as np
from django.db import connections

from .analysis import fold

MAX_DELTA = 20_000  # offers to add or take off at once; more and the vocabulary is counted afresh
_fold = functools.lru_cache(maxsize=200_000)(fold)


class Spellings:
    """folded word -> its usual spelling: the most frequent, the alphabetically first on ties."""

    def __init__(self, spellings):
        self.spellings = spellings

    def __getitem__(self, folded):
        return min(self.spellings[folded].items(), key=lambda item: (-item[1], item[0]))[0]

    def __contains__(self, folded):
        return folded in self.spellings


class Vocabulary:
    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        self.seen = None  # the data version counted
        self.public = np.empty(0, dtype=np.int64)  # the offers counted, ascending
        self.counts = Counter()  # folded word -> occurrences
        self.spellings = defaultdict(Counter)  # folded word -> {surface: occurrences}
        self.state = None  # the content state the answer below belongs to
        self.answer = None
        self.added = self.removed = 0  # offers added / taken off since the last full count (tests)
        self.full_counts = 0

    def current(self, state_key, public, alias):
        """(folded words, their counts, their spellings) for the content state `state_key` whose public
        offers are `public` (ascending pks)."""
        with self.lock:
            if self.state != state_key:
                self._follow(public, alias)
                self.state = state_key
                self.answer = (list(self.counts), self.counts, Spellings(self.spellings))
            return self.answer

    def _follow(self, public, alias):
        if self.seen is None:
            return self._count_all(public, alias)
        entering = np.setdiff1d(public, self.public, assume_unique=True)
        leaving = np.setdiff1d(self.public, public, assume_unique=True)
        if len(entering) + len(leaving) > MAX_DELTA:
            return self._count_all(public, alias)
        moved = [*entering.tolist(), *leaving.tolist()]
        marks = ", ".join(["%s"] * len(moved))
        sql = [
            "SELECT 0, 0, counter, NULL FROM allianz_portal_dataversion WHERE id = 1",
            "SELECT 1, offer_id, version, words FROM search_documentchange WHERE version > %s",
            "SELECT 2, offer_id, version, words FROM search_offerdocument WHERE offer_id IN "
            "(SELECT offer_id FROM search_documentchange WHERE version > %s)",
        ]
        if moved:  # a branch of its own: with OR, PostgreSQL would scan every document
            sql.append(f"SELECT 2, offer_id, version, words FROM search_offerdocument WHERE offer_id IN ({marks})")
        rows = _fetch(alias, " UNION ALL ".join(sql), [self.seen, self.seen, *moved])
        version = next(row[2] for row in rows if row[0] == 0)
        changes = sorted((row[2], row[1], row[3]) for row in rows if row[0] == 1)
        if version < self.seen or any(pk is None for _v, pk, _w in changes) or len(changes) > MAX_DELTA:
            return self._count_all(public, alias)
        before = {}  # the words counted for a changed offer: those of its first change since `seen`
        for _version, pk, words in changes:
            before.setdefault(pk, words)
        current = {row[1]: row[3] for row in rows if row[0] == 2}
        touched = np.array([*before, *moved], dtype=np.int64)
        was = self.public[np.isin(self.public, touched)].tolist()
        now = public[np.isin(public, touched)].tolist()
        for pk in was:
            self._add(before[pk] if pk in before else current.get(pk), -1)
            self.removed += 1
        for pk in now:
            self._add(current.get(pk), 1)
            self.added += 1
        self.public = public
        self.seen = version

    def _count_all(self, public, alias):
        self.reset()
        rows = _fetch(
            alias,
            "SELECT 0, 0, counter, NULL FROM allianz_portal_dataversion WHERE id = 1 "
            "UNION ALL SELECT 2, offer_id, version, words FROM search_offerdocument",
            [],
        )
        wanted = set(public.tolist())
        tokens = Counter()  # "surface[:count]" tokens of all public offers, counted in C first
        for kind, pk, version, words in rows:
            if kind == 0:
                self.seen = version
            elif pk in wanted and words:
                tokens.update(words.split())
        self._add_tokens(tokens, 1)
        self.public = public
        self.full_counts = 1

    def _add(self, words, sign):
        self._add_tokens(Counter((words or "").split()), sign)

    def _add_tokens(self, tokens, sign):
        """Add (sign 1) or take off (-1) {"surface[:count]" token: how many documents have it}."""
        counts, spellings = self.counts, self.spellings
        for token, documents in tokens.items():
            surface, _colon, count = token.partition(":")
            occurrences = sign * documents * (int(count) if count else 1)
            folded = _fold(surface)
            counts[folded] += occurrences
            spelled = spellings[folded]
            spelled[surface] += occurrences
            if spelled[surface] <= 0:
                del spelled[surface]
            if counts[folded] <= 0:
                del counts[folded]
                del spellings[folded]


def _fetch(alias, sql, params):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_memo = Vocabulary()


def memo():
    return _memo
