"""Full-text search over offers.

PostgreSQL: a stored, weighted German search vector (migration 0005) queried with a tsquery built
from the visitor's words. Every word becomes a *prefix* of its German stem, after trimming common
inflection endings, so "Sprachkurs" finds "Sprachkurse" and vice versa, and "Robotik" finds
"Robotikberatung". Websearch syntax is understood: "exakte Phrase", -ausschließen, oder/OR.
Results are ranked (title > topics/summary > description/provider). When nothing matches, pg_trgm
suggests the closest known word ("Meinten Sie: Robotik?") and the list shows its results.

SQLite (development default): every word must occur (case-insensitive substring, so prefixes and
compounds match as well) in title, summary, description, topics or provider; ranked by whether the
title matches; the suggestion uses difflib over topic names and title words. No stemming.
"""

import contextlib
import difflib
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections, router, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import Expression, Func
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_WORDS = 8
# Ranking is bounded: only the newest CANDIDATES matches and the newest CANDIDATES title matches are
# ranked, so a common word ("Förderung", tens of thousands of matches) costs as little as a rare one.
CANDIDATES = 200
RELEVANCE = [F("rank").desc(nulls_last=True), F("published_at").desc(), "title", "pk"]
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ENDINGS = ("innen", "ungen", "ern", "en", "er", "es", "e", "n", "s")
OR_WORDS = {"or", "oder"}


@dataclass
class ParsedQuery:
    """The visitor's query split into required words, phrases, OR-groups and excluded words."""

    groups: list = field(default_factory=list)  # each group: list of alternatives; an alternative: list of words
    excluded: list = field(default_factory=list)

    @property
    def words(self):
        return [word for group in self.groups for alternative in group for word in alternative]

    def __bool__(self):
        return bool(self.groups)


def parse(text):
    """Parse websearch-like syntax into a ParsedQuery, keeping only letters and digits of each word."""
    parsed = ParsedQuery()
    pending_or = False
    count = 0
    for match in _TOKEN.finditer(str(text)[:500]):
        negated = bool(match.group(1) or match.group(3))
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and raw.lower() in OR_WORDS:
            pending_or = bool(parsed.groups)
            continue
        words = [word.lower() for word in _WORD.findall(raw)][:MAX_WORDS]
        if not words:
            continue
        count += 1
        if count > MAX_WORDS:
            break
        if negated:
            parsed.excluded.extend(words)
        elif pending_or:
            parsed.groups[-1].append(words)
        else:
            parsed.groups.append([words])
        pending_or = False
    return parsed


def trim(word):
    """Drop one common German inflection ending from longer words: "sprachkurse" -> "sprachkurs"."""
    if len(word) >= 6:
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 5:
                return word[: -len(ending)]
    return word


def _tsquery(parsed, weight=""):
    """The tsquery text; with `weight` ("A": the title) only matches in fields of that weight count."""

    def alternative(words):
        if len(words) == 1:
            return f"{trim(words[0])}:*{weight}"
        return "(" + " <-> ".join(f"{word}:{weight}" if weight else word for word in words) + ")"  # a phrase

    parts = ["(" + " | ".join(alternative(words) for words in group) + ")" for group in parsed.groups]
    if not weight:
        parts += [f"!{trim(word)}:*" for word in parsed.excluded]
    return " & ".join(parts)


class StoredSearchVector(Expression):
    """The PostgreSQL-only generated column `search_vector` (migration 0005), which the model cannot
    declare. Qualified with the query's own table alias, so it stays correct inside subqueries."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name('search_vector')}", []


def is_postgresql():
    return connection.vendor == "postgresql"


def search(queryset, text):
    """Filter `queryset` to offers matching `text` and annotate a `rank` (higher is better)."""
    parsed = parse(text)
    if not parsed:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if is_postgresql():
        query = SearchQuery(_tsquery(parsed), search_type="raw", config="german")
        # Exact word forms get a bonus over mere prefix matches ("Sprachkurse" puts the plural first),
        # small enough that the field weights still decide (a title beats a topic).
        exact = SearchQuery(" ".join(parsed.words), search_type="plain", config="german")
        vector = StoredSearchVector()
        weights = [0.1, 0.3, 0.6, 1.0]
        return (
            queryset.alias(search_vector=vector)
            .filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query, weights=weights)
                + 0.5 * SearchRank(F("search_vector"), exact, weights=weights)
            )
        )
    return _search_sqlite(queryset, parsed)


def title_matches(queryset, text):
    """`queryset` narrowed to offers whose *title* matches `text` (the strongest matches)."""
    parsed = parse(text)
    if not parsed:
        return queryset.none()
    if is_postgresql():
        query = SearchQuery(_tsquery(parsed), search_type="raw", config="german")
        title = Func(
            F("title"), template="to_tsvector('german'::regconfig, %(expressions)s)", output_field=SearchVectorField()
        )  # the expression of migration 0009's GIN index
        return queryset.alias(title_vector=title).filter(title_vector=query)
    return queryset.filter(_title_condition_sqlite(parsed))


def _title_condition_sqlite(parsed):
    condition = Q()
    for group in parsed.groups:
        alternatives = Q()
        for words in group:
            alternatives |= Q(title__icontains=trim(words[0]) if len(words) == 1 else " ".join(words))
        condition &= alternatives
    return condition


def ranked(queryset, text, candidates=CANDIDATES):
    """The matches of `text` in `queryset`, best first – ranking at most 2 × `candidates` of them.

    Exact whenever a search has at most `candidates` matches; beyond that the best of the newest
    matches and of the newest title matches come first (see CANDIDATES). Both candidate lists come
    from one scan of the newest WINDOW offers; a list that stays short there (a rare word) is taken
    from all offers through the GIN indexes instead. So a query reads a bounded number of rows
    however many offers match.
    """
    parsed = parse(text)
    if not parsed:
        return queryset.none()
    matches = search(queryset, text)
    if is_postgresql():  # the title's lexemes carry weight A in the stored vector (migration 0005)
        title = Q(search_vector=SearchQuery(_tsquery(parsed, weight="A"), search_type="raw", config="german"))
    else:
        title = _title_condition_sqlite(parsed)
    enough = min(ENOUGH, candidates)
    newest, titles = [], []
    with _bitmap_scans():
        since = _window_start()
        if since is not None:
            window = matches.filter(published_at__gte=since).annotate(in_title=ExpressionWrapper(title, BooleanField()))
            for pk, in_title in window.order_by("-published_at").values_list("pk", "in_title"):
                if len(newest) < candidates:
                    newest.append(pk)
                if in_title and len(titles) < candidates:
                    titles.append(pk)
        if len(newest) < enough:
            newest = list(matches.order_by("-published_at").values_list("pk", flat=True)[:candidates])
        if len(titles) < enough:
            titles = list(
                title_matches(queryset, text).order_by("-published_at").values_list("pk", flat=True)[:candidates]
            )
    return matches.filter(pk__in={*newest, *titles}).order_by(*RELEVANCE)


# The newest offers a search looks at first, and how many candidates it must find there – a page's
# worth – before it looks at all offers (see `ranked`).
WINDOW = 5_000
ENOUGH = 20


def _window_start():
    """published_at of the WINDOW-th newest public offer (None when there are fewer), once per content state."""
    from .facets import per_state
    from .models import Offer

    def read():
        newest = Offer.objects.public().order_by("-published_at").values_list("published_at", flat=True)
        return newest[WINDOW - 1 : WINDOW].first()

    return per_state(("window", WINDOW), read)


@contextlib.contextmanager
def _bitmap_scans():
    """PostgreSQL: candidate queries as bitmap scans with exact bitmaps.

    Left alone, the planner walks the newest-first btree index and tests each row's vector – which
    means reading its TOASTed value: ≈ 7 µs a row, 180 ms for a word that is rare among 20,000 offers
    (measured at 1M offers, docs/performance.md). With index scans off it reads the window's rows
    through a bitmap of the date index, or the GIN matches for a rare word over all offers. A larger
    work_mem keeps a common word's bitmap exact (a two-word search over all offers: 430 → 150 ms).
    `SET LOCAL` ends with the transaction.
    """
    from .models import Offer

    alias = router.db_for_read(Offer)
    if connections[alias].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield
        # Inside an outer transaction SET LOCAL would outlive this block. (On an error the savepoint's
        # rollback undoes both settings, and a reset here would only hide the error.)
        cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")
        cursor.execute("SET LOCAL work_mem TO DEFAULT")


def _search_sqlite(queryset, parsed):
    def contains(word):
        return (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(topic_names__icontains=word)
            | Q(provider_name__icontains=word)
        )

    for group in parsed.groups:
        condition = Q()
        for words in group:
            phrase = " ".join(words)
            condition |= contains(trim(phrase) if len(words) == 1 else phrase)
        queryset = queryset.filter(condition)
    for word in parsed.excluded:
        queryset = queryset.exclude(contains(trim(word)))
    first = trim(parsed.words[0])
    return queryset.annotate(
        rank=Case(
            When(title__icontains=first, then=Value(2)),
            When(topic_names__icontains=first, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def suggest(text):
    """A corrected query when `text` probably has a typo, or None. Each word is corrected on its own."""
    parsed = parse(text)
    words = parsed.words
    if not words:
        return None
    corrected = [_closest_word(word) or word for word in words]
    return " ".join(corrected) if corrected != words else None


def _closest_word(word):
    if len(word) < 4:
        return None
    candidates = set()
    from .models import Offer, Topic

    if is_postgresql():
        from django.contrib.postgres.search import TrigramWordSimilarity

        topics = (
            Topic.objects.annotate(similarity=TrigramWordSimilarity(word, "name"))
            .filter(similarity__gte=0.4)
            .order_by("-similarity")
            .values_list("name", flat=True)[:10]
        )
        titles = Offer.objects.public().filter(title__trigram_word_similar=word).values_list("title", flat=True)[:20]
        sources = [*topics, *titles]
    else:
        sources = [
            *Topic.objects.values_list("name", flat=True),
            *Offer.objects.public().values_list("title", flat=True),
        ]
    for source in sources:
        candidates.update(token.lower() for token in _WORD.findall(source) if len(token) >= 4)
    candidates.discard(word)
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    if not matches:
        return None
    original = next(
        (token for source in sources for token in _WORD.findall(source) if token.lower() == matches[0]), matches[0]
    )
    return original


def highlight(text, query):
    """Escape `text` and wrap words starting with a searched stem in <mark>."""
    parsed = parse(query)
    stems = sorted({trim(word) for word in parsed.words if len(word) >= 2}, key=len, reverse=True)
    escaped = escape(text)
    if not stems:
        return mark_safe(escaped)
    pattern = re.compile(r"(?<![^\W_])(" + "|".join(re.escape(escape(stem)) for stem in stems) + r")[^\W_]*", re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))
