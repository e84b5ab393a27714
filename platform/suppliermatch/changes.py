"""Which suppliers changed since a process last looked, whichever process changed them.

Every gunicorn worker (on any machine) keeps in-memory copies of supplier data: the
matching index (``matching.cache``) and the search index (``suppliers.search``). Before
using its copy, a worker asks the database what changed since its previous look and
re-reads just those suppliers:

* a watched table's rows carry ``updated_at``, moved by every write (indexed for this in
  ``matching.models``), and ``version``; each row belongs to a supplier;
* a full look re-reads a safety window (``FRESHNESS_WINDOW``) before the previous full
  look's start, because a row's timestamp is taken when it is written, not when its
  transaction commits: a long import or a clock a little behind on another machine would
  otherwise slip through. Rows seen before with the same timestamp and version are
  skipped, so a change is applied once; applying it twice would be harmless (the copies
  replace, never add);
* after a bulk import that window holds every imported row until it passes, so re-reading
  it on every call made each ranking and search pay for 100,000 rows (200-240 ms a search) for two
  minutes. Full looks are therefore at most one per ``FULL_LOOK_INTERVAL``; the looks in
  between read only the rows stamped since shortly (``QUICK_LOOK_MARGIN``) before the
  previous look. A change is seen by the next call unless its transaction committed more
  than that margin after its stamp (a long import) or another machine's clock lags by
  more; those are seen by the next full look, at most ``FULL_LOOK_INTERVAL`` later.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from suppliermatch.database import READ_ONLY_BEGIN
from suppliermatch.models_base import utcnow
from suppliermatch.suppliers.models import Supplier

# How far before the previous look a look reaches back: longer than any transaction that
# writes suppliers or certificates (a 100,000-row import commits in 26-43 s here) plus the
# clock difference between machines. Every look re-reads the whole window, so after a bulk
# import each look pays for every imported row until they pass out of it: the soak at
# 100,000 suppliers showed ten minutes was far too costly.
FRESHNESS_WINDOW = timedelta(minutes=2)
# How stale a late-committed change may be; and how far back a quick look reaches, longer
# than an ordinary request's transaction.
FULL_LOOK_INTERVAL = timedelta(seconds=10)
QUICK_LOOK_MARGIN = timedelta(seconds=5)

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchedRows:
    """A table whose rows carry ``updated_at`` and ``version``, each row a supplier's."""

    name: str
    row_id: sa.ColumnElement
    supplier_id: sa.ColumnElement
    updated_at: sa.ColumnElement
    version: sa.ColumnElement


SUPPLIER_ROWS = WatchedRows(
    "supplier", Supplier.id, Supplier.id, Supplier.updated_at, Supplier.version
)


@dataclass(frozen=True)
class Look:
    """One look: when it started, when the last full look started, where the next full
    look starts reading, and what has been seen since that one.

    ``seen``: (table, row id) -> (supplier id, stamp, version) of the rows in the window.
    """

    started: datetime
    full_started: datetime
    since: datetime
    seen: dict[tuple[str, int], tuple]


class ChangeWatch:
    """Looks at the watched tables for rows written since the previous look."""

    def __init__(
        self,
        tables: Sequence[WatchedRows],
        *,
        window: timedelta = FRESHNESS_WINDOW,
        full_look_interval: timedelta = FULL_LOOK_INTERVAL,
        quick_look_margin: timedelta = QUICK_LOOK_MARGIN,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.tables = tuple(tables)
        self.window = window
        self.full_look_interval = full_look_interval
        self.quick_look_margin = quick_look_margin
        self.clock = clock

    def first_look(self, session: Session) -> Look:
        """The look to take just before reading everything: a change landing during that
        long read is then either in what is read, or seen with a new stamp next time."""
        started = self.clock()
        since = started - self.window
        return Look(started, started, since, self._rows_written(session, since))

    def next_look(self, session: Session, previous: Look) -> tuple[set[int], Look]:
        """The suppliers with a row written since ``previous`` (and not seen by it), and
        the look to pass next time."""
        started = self.clock()
        if started - previous.full_started < self.full_look_interval:
            found = self._rows_written(session, previous.started - self.quick_look_margin)
            changed = self._changed(found, previous.seen)
            seen = previous.seen | found
            return changed, Look(started, previous.full_started, previous.since, seen)
        found = self._rows_written(session, previous.since)
        changed = self._changed(found, previous.seen)
        # ``found`` is all of the window: a row that drops out of it is only ever seen
        # again with a newer stamp, so what to remember is exactly what was found.
        return changed, Look(started, started, started - self.window, found)

    @staticmethod
    def _changed(found: dict, seen: dict) -> set[int]:
        return {mark[0] for key, mark in found.items() if seen.get(key) != mark}

    def _rows_written(self, session: Session, since: datetime) -> dict[tuple[str, int], tuple]:
        """(supplier id, stamp, version) of the watched rows written at or after ``since``.
        Stamps are compared for equality only, so they are read as the driver gives them
        (no conversion per row: after a bulk import the window holds every imported row
        until it passes)."""
        found: dict[tuple[str, int], tuple] = {}
        for table in self.tables:
            rows = sa.select(
                table.row_id,
                table.supplier_id,
                sa.type_coerce(table.updated_at, sa.String),
                table.version,
            ).where(table.updated_at >= since)
            for row_id, supplier_id, stamp, version in session.execute(rows):
                found[(table.name, row_id)] = (supplier_id, stamp, version)
        return found


class PerDatabase(Generic[T]):
    """One ``T`` per database connection source: the engine in production (one per
    process), the test's connection in tests (so a rolled-back test leaves nothing
    behind: the connection goes, and its ``T`` with it)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, session: Session) -> T:
        bind = session.get_bind()
        with self._lock:
            made = self._made.get(bind)
            if made is None:
                made = self._made[bind] = self._make()
            return made


class BuildsInBackground:
    """For a per-process index whose first build may run in a daemon thread: start one,
    see whether it still runs, wait for it (gunicorn's master does, before fork)."""

    _builder: threading.Thread | None = None

    @property
    def building(self) -> bool:
        return self._builder is not None and self._builder.is_alive()

    def wait_for_build(self, timeout: float | None = None) -> bool:
        """Wait for a background build; True when none is running any more."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)
        return not self.building

    def _start_build(
        self, engine: sa.Engine, build: Callable[[Session], T], lock: threading.Lock, name: str
    ) -> None:
        """Run ``build`` on a read-only session of its own, in a daemon thread, and hand
        what it built to ``self._install`` with ``lock`` held."""

        def run() -> None:
            try:
                with Session(engine, expire_on_commit=False) as session:
                    session.connection(execution_options=READ_ONLY_BEGIN)
                    built = build(session)
            except Exception:
                log.exception("%s failed; the next request tries again", name)
                return
            with lock:
                self._install(built)

        self._builder = threading.Thread(target=run, name=name, daemon=True)
        self._builder.start()
