"""Each process's supplier index, kept fresh against changes made by any process.

Every gunicorn worker (on any machine) holds its own ``MatchIndex``. Before ranking, it
asks the database what changed since its last look and re-reads just those suppliers
(``suppliermatch.changes``, which the search index uses too):

* suppliers whose profile row changed (``supplier.updated_at``: profile edits, capability
  and equipment changes, imports, merges) and suppliers whose certificate records changed
  (``suppliercertificate.updated_at``: every state move, edit, renewal and verification
  decision); both columns are indexed for this (``matching.models``);
* at most every 10 s a look re-reads a safety window, for late commits and clocks a
  little behind; the looks between read only what was stamped since shortly before the
  previous one (see ``suppliermatch.changes``);
* scorecards move with ratings, quotes and invitations, and with time (an invitation
  counts once bidding closes): they are re-read every ``SCORECARD_REFRESH``;
* a change of taxonomy version rebuilds the whole index (every text is read again).

A process starts from the index snapshot on disk when there is a valid one
(``index_snapshots``): loaded, then caught up by one look over the change feed, which
re-reads exactly the suppliers changed since the snapshot was taken.

Requirements are not cached: each ranking reads its requirement afresh.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session
from werkzeug.exceptions import ServiceUnavailable

from suppliermatch import index_snapshots
from suppliermatch.bulk_build import counted
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.changes import (
    FRESHNESS_WINDOW,
    SUPPLIER_ROWS,
    BuildsInBackground,
    ChangeWatch,
    Look,
    PerDatabase,
    WatchedRows,
)
from suppliermatch.dates import today_in_india
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.loader import RANKABLE, scorecard_levels, supplier_documents
from suppliermatch.models_base import utcnow
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.reference.taxonomy import Taxonomy, default_taxonomy
from suppliermatch.suppliers.models import Supplier

log = logging.getLogger(__name__)

CERTIFICATE_ROWS = WatchedRows(
    "certificate",
    SupplierCertificate.id,
    SupplierCertificate.supplier_id,
    SupplierCertificate.updated_at,
    SupplierCertificate.version,
)
SCORECARD_REFRESH = timedelta(minutes=10)
# Up to this many suppliers the first build happens in the ranking request itself (about
# ten seconds); above it, in a background thread, so that no request waits minutes for a
# million suppliers to be read (and no worker is killed for it).
INLINE_BUILD_LIMIT = 50_000


class IndexNotReady(ServiceUnavailable):
    """The process's index is still being built: 503 with Retry-After (the app's error
    handler adds it), and the client tries again."""


class MatchingCache(BuildsInBackground):
    """One process's index for one database, and what it has seen of the changes."""

    def __init__(
        self,
        *,
        taxonomy_provider: Callable[[], Taxonomy] = default_taxonomy,
        window: timedelta = FRESHNESS_WINDOW,
        scorecard_refresh: timedelta = SCORECARD_REFRESH,
        clock: Callable[[], datetime] = utcnow,
        today: Callable[[], date] = today_in_india,
        inline_build_limit: int = INLINE_BUILD_LIMIT,
    ) -> None:
        self.taxonomy_provider = taxonomy_provider
        self.watch = ChangeWatch((SUPPLIER_ROWS, CERTIFICATE_ROWS), window=window, clock=clock)
        self.scorecard_refresh = scorecard_refresh
        self.clock = clock
        self.today = today
        self.inline_build_limit = inline_build_limit
        self.index: MatchIndex | None = None
        self.builds = 0
        self.from_snapshot = False  # whether the index in use was loaded from a snapshot
        self._lock = threading.Lock()
        self._look: Look | None = None
        self._scorecards_read_at: datetime | None = None
        self._builder: threading.Thread | None = None

    def fresh_index(self, session: Session) -> MatchIndex:
        """The index with every change committed before this call applied.

        A first build (or a rebuild for a new taxonomy) of more than
        ``inline_build_limit`` suppliers runs in a background thread: until it is done
        the previous index keeps serving, or, when there is none, ``IndexNotReady``.
        """
        with self._lock:
            taxonomy = self.taxonomy_provider()
            current = self.index is not None and self.index.taxonomy.version == taxonomy.version
            if not current and not self.building:
                store = index_snapshots.store_for(session)
                if self._builds_inline(session):
                    self._install(self._build(session, taxonomy, store))
                    return self.index
                self._start_build(
                    session.get_bind().engine,
                    lambda reader: self._build(reader, taxonomy, store),
                    self._lock,
                    "matching index build",
                )
            if self.index is None:
                raise IndexNotReady(
                    description="Supplier matching is starting up (reading every supplier "
                    "once); try again in a minute."
                )
            self._apply_changes(session)
            self._refresh_scorecards(session)
            return self.index

    def starts_quickly(self, session: Session) -> bool:
        """Whether a first ``fresh_index`` takes seconds: a current snapshot is there, or the
        database is small enough to read in the request (``inline_build_limit``)."""
        store = index_snapshots.store_for(session)
        stamp = _snapshot_stamp(self.taxonomy_provider())
        if store is not None and store.looks_current("matching", stamp):
            return True
        return rankable_count(session) <= self.inline_build_limit

    def forget(self) -> None:
        """Drop the index: the next ranking builds it again."""
        with self._lock:
            self.index = None
            self._look = None

    # -- internals ---------------------------------------------------------------------------

    def _builds_inline(self, session: Session) -> bool:
        if isinstance(session.get_bind(), sa.Connection):
            return True  # a connection is not shared with another thread (tests use one)
        return rankable_count(session) <= self.inline_build_limit

    def rebuild_snapshot(
        self,
        session: Session,
        store: index_snapshots.SnapshotStore,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Build from every row, whatever snapshot there is, and write the snapshot
        (``flask indexes build``); returns how many suppliers it holds. ``progress`` is
        told of each batch of suppliers read."""
        with self._lock:
            taxonomy = self.taxonomy_provider()
            self._install(self._build(session, taxonomy, store, restore=False, progress=progress))
            return len(self.index)

    def _build(
        self,
        session: Session,
        taxonomy: Taxonomy,
        store: index_snapshots.SnapshotStore | None,
        *,
        restore: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> tuple:
        """(index, look, when scorecards were read): from the snapshot, else from every row."""
        stamp = _snapshot_stamp(taxonomy)
        self.from_snapshot = False
        restored = restore and store and self._restore(session, taxonomy, store, stamp)
        if restored:
            return restored
        began = time.perf_counter()
        look = self.watch.first_look(session)
        documents = supplier_documents(session, today=self.today())
        index = MatchIndex.build(counted(documents, progress), taxonomy=taxonomy)
        log.info(
            "matching index built: %d suppliers in %.1f s (taxonomy version %s)",
            len(index),
            time.perf_counter() - began,
            taxonomy.version,
        )
        if store is not None:
            store.save("matching", stamp, (index, look))
        return index, look, look.started

    def _restore(
        self,
        session: Session,
        taxonomy: Taxonomy,
        store: index_snapshots.SnapshotStore,
        stamp: dict,
    ) -> tuple | None:
        restored = index_snapshots.restore(
            store,
            "matching",
            stamp,
            session,
            watch=self.watch,
            reload=self._reload,
            count=rankable_count,
            reattach=lambda index: index.reattach(taxonomy),
        )
        if restored is None:
            return None
        self.from_snapshot = True
        index, look, saved_look = restored
        # Scorecards move with ratings and time, not with the rows the looks watch: they
        # count as read when the snapshot was taken, so the first ranking reads them again.
        return index, look, saved_look.started

    def _install(self, built: tuple) -> None:
        self.index, self._look, self._scorecards_read_at = built
        self.builds += 1

    def _apply_changes(self, session: Session) -> None:
        changed, self._look = self.watch.next_look(session, self._look)
        if changed:
            self._reload(session, changed)

    def _refresh_scorecards(self, session: Session) -> None:
        now = self.clock()
        if now - self._scorecards_read_at < self.scorecard_refresh:
            return
        self._scorecards_read_at = now
        index = self.index
        levels = scorecard_levels(session, None)
        known = index.scorecard
        changed = set()
        for supplier_id, level in levels.items():
            row = index.row_of(supplier_id)
            if row is not None and not np.isclose(known[row], level):
                changed.add(supplier_id)
        for row in np.flatnonzero(~np.isnan(known) & index.alive):
            if index.ids[row] not in levels:
                changed.add(index.ids[row])
        if changed:
            self._reload(session, changed)

    def _reload(
        self, session: Session, supplier_ids: set[int], index: MatchIndex | None = None
    ) -> None:
        index = self.index if index is None else index
        for document in supplier_documents(session, today=self.today(), supplier_ids=supplier_ids):
            index.upsert(document)
            supplier_ids.discard(document.id)
        for gone in supplier_ids:  # merged, taken out of the directory, or never rankable
            index.remove(gone)


def rankable_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Supplier).where(RANKABLE))


def _snapshot_stamp(taxonomy: Taxonomy) -> dict:
    """The reference data an index snapshot was built with (the code is stamped too)."""
    return {"taxonomy": taxonomy.version, "certificates": list(default_catalogue().codes)}


_caches = PerDatabase(MatchingCache)


def cache_for(session: Session) -> MatchingCache:
    return _caches.of(session)


def fresh_index(session: Session) -> MatchIndex:
    """The calling process's index for this database, up to date."""
    return cache_for(session).fresh_index(session)
