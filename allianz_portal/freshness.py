"""The content state: what the public content looks like right now, and what is derived from it.

`DataVersion` (one database row) is raised in the same transaction as any save or delete of public
content (the apps connect `bump_data_version` to their models' signals). Together with today's date
("aktuell" depends on it) and the number of scheduled publications whose time has come, it names the
state of the content; cached pages, ETags and the process-local memos are keyed by it, so a change
shows on the very next request in every worker and container, and nothing cached outlives a scheduled
publication or midnight.

This module imports no feature app: an app that schedules content registers its publication times
with `schedule_from()` in its AppConfig.ready(), and every module that keeps values per state owns a
`StateMemo` of its own (`forget()` empties them all).
"""

import bisect
import contextvars
import datetime
import threading
from dataclasses import dataclass
from functools import wraps

from django.db import connections, router
from django.utils import timezone

from .models import ContentChange, DataVersion


@dataclass(frozen=True)
class ContentState:
    """What the public content looks like right now; equal states render equal pages."""

    version: str  # DataVersion counter + change time: unique even across rolled-back transactions
    day: datetime.date
    epoch: int  # scheduled publications of this version whose time has come
    valid_until: datetime.datetime  # the next scheduled publication or the next midnight
    last_modified: datetime.datetime

    @property
    def key(self):
        return f"{self.version}:{self.day.isoformat()}:{self.epoch}"

    def seconds_left(self, now=None):
        return max(0, int((self.valid_until - (now or timezone.now())).total_seconds()))


_state_in_request = contextvars.ContextVar("content_state", default=None)
_lock = threading.Lock()
_memos = []  # every StateMemo of the process, for forget()
_schedule_sources = []  # callables now -> queryset of future publication times (see schedule_from)


class StateMemo:
    """Values derived from the content, kept per content state and process (at most `size` of them) –
    or, through `lookup`, under a key that names everything the value is made from (the offer cards).

    Each module that derives something from the content owns one; nothing here knows what is kept.

    `from_index=True`: the values are derived from the facet index; one built during a request that shows
    lagging content (`mark_provisional`: the index is still being rebuilt) is used but not kept, as the page
    cache keeps no such page.
    """

    def __init__(self, size, from_index=False):
        self.size = size
        self.from_index = from_index
        self._values = {}
        _memos.append(self)

    def get(self, key, build, state=None):
        """The value for `key` in the current content state, built by `build()` on the first call."""
        return self.lookup(((state or content_state()).key, key), build)

    def lookup(self, full_key, build):
        """The value under `full_key` (which must name the state itself, or everything the value is made
        from), built on the first call."""
        try:
            return self._values[full_key]
        except KeyError:
            value = build()
            if not (self.from_index and _provisional.get()):
                self.put(full_key, value)
            return value

    def peek(self, full_key):
        """The value under `full_key`, or None (nothing is built)."""
        return self._values.get(full_key)

    def put(self, full_key, value):
        with _lock:
            self._values[full_key] = value
            while len(self._values) > self.size:
                self._values.pop(next(iter(self._values)))

    def clear(self):
        with _lock:
            self._values.clear()


_scheduled = StateMemo(size=3)  # version -> future publication times, as seen when the version was read
_small = StateMemo(size=24, from_index=True)  # per_state(): the home page's counts among others


def schedule_from(source):
    """Register `source(now)`: a queryset of the times of scheduled publications after `now` (an app's ready())."""
    if source not in _schedule_sources:
        _schedule_sources.append(source)


def forget():
    """Drop every process-local memo (tests call this together with `cache.clear()`)."""
    for memo in _memos:
        memo.clear()


def per_state(name, build):
    """`build()`, computed once per content state and process (for small values)."""
    return _small.get(name, build)


def _scheduled_times(now):
    """The ascending times of every registered source's scheduled publications: one statement for all."""
    querysets = [source(now).order_by() for source in _schedule_sources]
    if not querysets:
        return []
    return sorted(querysets[0].union(*querysets[1:], all=True).order_by())


_VERSION_SQL = "SELECT counter, changed_at FROM allianz_portal_dataversion WHERE id = 1"


def _read_version():
    """(version, changed_at) of the content, read from the database: one primary-key lookup, no ORM."""
    connection = connections[router.db_for_read(DataVersion)]
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    if row is None:  # a flushed test database; production rows come from the migration
        DataVersion.objects.get_or_create(pk=1, defaults={"changed_at": timezone.now()})
        return _read_version()
    counter, changed_at = row
    if not isinstance(changed_at, datetime.datetime):  # SQLite hands back text
        changed_at = DataVersion._meta.get_field("changed_at").to_python(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return f"{counter}.{int(changed_at.timestamp() * 1_000_000)}", changed_at


CHANGE_LOG_KEEP = 20_000  # versions whose ContentChange rows are kept (older copies are rebuilt)
_BUMP_SQL = (
    "UPDATE allianz_portal_dataversion SET counter = counter + 1, changed_at = %s WHERE id = 1 RETURNING counter"
)


def bump_data_version(sender=None, instance=None, changed=(), **kwargs):
    """Signal receiver: any content change makes every cached page, count and memo stale.

    An UPDATE inside the caller's transaction: other requests see the new version together with the
    change, never before it (so nothing old can be cached under the new version). The row lock it takes
    also orders the versions as their transactions commit.

    Writes what changed (`ContentChange`, same transaction): the saved or deleted object, or for a
    many-to-many change the object and the related pks; `changed` names further (label, pk) pairs for
    callers without a signal (bulk imports). A call that names nothing logs one row without a label:
    "something changed", and readers rebuild what they derived.
    """
    if str(kwargs.get("action", "")).startswith("pre_"):
        return  # m2m_changed: its post_ signal, in the same transaction, names the same change
    connection = connections[router.db_for_write(DataVersion)]
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL, [timezone.now()])
        row = cursor.fetchone()
    if row is None:
        DataVersion.objects.get_or_create(pk=1, defaults={"changed_at": timezone.now()})
        return bump_data_version(sender=sender, instance=instance, changed=changed, **kwargs)
    version = row[0]
    source = sender._meta.label_lower if sender is not None else ""
    entries = [(label, pk) for label, pk in changed]
    if instance is not None:
        entries.append((instance._meta.label_lower, instance.pk))
        model, pk_set = kwargs.get("model"), kwargs.get("pk_set")
        if model is not None:  # m2m_changed: the other side's objects
            entries += [(model._meta.label_lower, pk) for pk in sorted(pk_set or ())]
    rows = [ContentChange(version=version, source=source, label=label, object_pk=pk) for label, pk in entries]
    ContentChange.objects.using(connection.alias).bulk_create(rows or [ContentChange(version=version, source=source)])
    if version % 1000 == 0:
        ContentChange.objects.using(connection.alias).filter(version__lte=version - CHANGE_LOG_KEEP).delete()


def counter_of(version):
    """The DataVersion counter of a ContentState.version string."""
    return int(version.split(".", 1)[0])


def changes_between(first, last):
    """{version: [(source, label, pk), …]} for every version from `first` to `last` (both included), one
    query; None when a version in between left no row (changed without saying what, or pruned)."""
    if last - first >= CHANGE_LOG_KEEP:
        return None
    connection = connections[router.db_for_read(DataVersion)]
    rows = (
        ContentChange.objects.using(connection.alias)
        .filter(version__gte=first, version__lte=last)
        .values_list("version", "source", "label", "object_pk")
    )
    found = {}
    for version, source, label, pk in rows:
        found.setdefault(version, []).append((source, label, pk))
    if len(found) != max(0, last - first + 1):
        return None
    return found


# Whether the request (request_state) shows lagging content; None outside a request, where nothing is marked.
_provisional = contextvars.ContextVar("provisional_content", default=None)


def mark_provisional():
    """Say that this request shows content known to lag behind the current state (a derived copy still
    being rebuilt): its response must not be cached under the state's key (allianz_portal.pagecache), nor
    what it derived from that copy (StateMemo with from_index=True)."""
    if _provisional.get() is not None:
        _provisional.set(True)


def is_provisional():
    return bool(_provisional.get())


def data_version():
    return content_state().version


def content_state(now=None):
    """The current ContentState: one small query (the version row), or none inside a cached page's request."""
    state = _state_in_request.get()
    if state is not None and now is None:
        return state
    now = now or timezone.now()
    version, changed_at = _read_version()
    scheduled = _scheduled.lookup(version, lambda: _scheduled_times(now))
    epoch = bisect.bisect_right(scheduled, now)
    today = timezone.localdate(now)
    midnight = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
    valid_until = min(scheduled[epoch], midnight) if epoch < len(scheduled) else midnight
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    last_modified = max([changed_at, start_of_day, *scheduled[:epoch][-1:]])
    return ContentState(version, today, epoch, valid_until, last_modified)


class request_state:
    """Context manager: compute the state once and reuse it for the rest of the request."""

    def __init__(self, state=None):
        self.state = state

    def __enter__(self):
        self.state = self.state or content_state()
        self._token = _state_in_request.set(self.state)
        self._provisional = _provisional.set(False)
        return self.state

    def __exit__(self, *exc):
        _provisional.reset(self._provisional)
        _state_in_request.reset(self._token)


def one_state_per_request(view):
    """Decorator: the view and its templates see one content state, read once (for pages outside the page
    cache that still show content-derived values, e.g. offer counts from the finder's template tags)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with request_state():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()  # templates render inside the state, not after the view returned
            return response

    return wrapped
