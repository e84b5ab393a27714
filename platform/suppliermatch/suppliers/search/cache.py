"""Each process's search index for one database, kept fresh, and the scopes it remembers.

``SearchCache`` holds the ``SearchIndex`` of every unmerged supplier's words, brings it up
to date before each search with what any process changed (``suppliermatch.changes``), and
remembers, for broad scopes that read only the supplier's own row (a cluster, the
directory), which suppliers they hold, as the database answered, re-asking for every
supplier that changes. ``search.py`` decides what a query means and who sees what.
A process starts from the index snapshot on disk when there is a valid one
(``index_snapshots``), caught up by one look over the change feed.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.sql import elements, visitors
from sqlmodel import Session, select

from suppliermatch import index_snapshots
from suppliermatch.bulk_build import counted
from suppliermatch.changes import (
    FRESHNESS_WINDOW,
    SUPPLIER_ROWS,
    BuildsInBackground,
    ChangeWatch,
    Look,
    PerDatabase,
)
from suppliermatch.id_lists import id_chunks
from suppliermatch.models_base import utcnow
from suppliermatch.suppliers.models import Supplier
from suppliermatch.suppliers.search.index import SearchIndex

log = logging.getLogger(__name__)

# Up to this many suppliers the first build of a process's index happens in the search
# itself (about 2 s a 100,000 on the 2-core machine); above it, in a background thread,
# while searches scan every text as before the index existed.
INLINE_BUILD_LIMIT = 200_000
# Which suppliers a scope holds (a cluster, the directory) is asked of the database once
# and remembered, for scopes of at least this many suppliers and at most this many
# scopes; smaller scopes are asked at every search (that costs less than remembering).
REMEMBERED_SCOPE_SIZE = 2_000
REMEMBERED_SCOPES = 32
# Changes to more suppliers at once than this (a bulk import) make the remembered scopes
# be read again when next needed rather than asked about supplier by supplier.
RESCOPE_LIMIT = 20_000


class SearchCache(BuildsInBackground):
    """One process's search index for one database, the scopes it remembers (which
    suppliers each holds, as the database answered) and what it has seen of the changes."""

    def __init__(
        self,
        *,
        window: timedelta = FRESHNESS_WINDOW,
        clock: Callable[[], datetime] = utcnow,
        inline_build_limit: int = INLINE_BUILD_LIMIT,
    ) -> None:
        self.watch = ChangeWatch((SUPPLIER_ROWS,), window=window, clock=clock)
        self.inline_build_limit = inline_build_limit
        self.index: SearchIndex | None = None
        self.builds = 0
        self.from_snapshot = False  # whether the index in use was loaded from a snapshot
        # Held while the index or the scopes are read or changed: a worker's threads
        # share them.
        self.lock = threading.Lock()
        self._look: Look | None = None
        self._scopes: OrderedDict[tuple, _RememberedScope] = OrderedDict()
        self._builder: threading.Thread | None = None

    def fresh_index(self, session: Session) -> SearchIndex | None:
        """With ``lock`` held: the index with every change committed before this call
        applied, or None while a first build of more than ``inline_build_limit``
        suppliers runs in a background thread."""
        if self.index is None:
            if self.building:
                return None
            store = index_snapshots.store_for(session)
            if not self._builds_inline(session):
                self._start_build(
                    session.get_bind().engine,
                    lambda reader: self._build(reader, store),
                    self.lock,
                    "search index build",
                )
                return None
            self._install(self._build(session, store))
            return self.index
        changed, self._look = self.watch.next_look(session, self._look)
        if changed:
            self._reload(session, changed)
        return self.index

    def members(self, session: Session, scope: sa.ColumnElement[bool]) -> np.ndarray | None:
        """With ``lock`` held: the sorted ids of the unmerged suppliers within ``scope``,
        or None for a scope that depends on more than each supplier's own row (only such
        a scope changes exactly when its suppliers' rows do, as the looks see them)."""
        key = _row_scope_key(scope, session.get_bind().dialect)
        if key is None:
            return None
        remembered = self._scopes.get(key)
        if remembered is not None:
            self._scopes.move_to_end(key)
            return remembered.members
        statement = select(Supplier.id).where(scope, Supplier.merged_into_id.is_(None))
        members = np.sort(np.array(session.scalars(statement).all(), np.int64))
        if len(members) >= REMEMBERED_SCOPE_SIZE:
            self._scopes[key] = _RememberedScope(scope, members)
            if len(self._scopes) > REMEMBERED_SCOPES:
                self._scopes.popitem(last=False)
        return members

    def forget_scopes(self) -> None:
        """With ``lock`` held: ask the database again for every scope."""
        self._scopes.clear()

    def _builds_inline(self, session: Session) -> bool:
        if isinstance(session.get_bind(), sa.Connection):
            return True  # a connection is not shared with another thread (tests use one)
        return searchable_count(session) <= self.inline_build_limit

    def rebuild_snapshot(
        self,
        session: Session,
        store: index_snapshots.SnapshotStore,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """As ``MatchingCache.rebuild_snapshot``, for the search index."""
        with self.lock:
            self._install(self._build(session, store, restore=False, progress=progress))
            return len(self.index)

    def _build(
        self,
        session: Session,
        store: index_snapshots.SnapshotStore | None = None,
        *,
        restore: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[SearchIndex, Look]:
        self.from_snapshot = False
        if restore and store is not None and (restored := self._restore(session, store)):
            return restored
        began = time.perf_counter()
        look = self.watch.first_look(session)
        rows = select(Supplier.id, Supplier.search_text, Supplier.legal_name).where(
            Supplier.merged_into_id.is_(None)
        )
        rows = session.execute(rows.execution_options(yield_per=10_000))
        index = SearchIndex.build(counted(rows, progress))
        seconds = time.perf_counter() - began
        log.info("search index built: %d suppliers in %.1f s", len(index), seconds)
        if store is not None:
            store.save("search", {}, (index, look))
        return index, look

    def _restore(
        self, session: Session, store: index_snapshots.SnapshotStore
    ) -> tuple[SearchIndex, Look] | None:
        restored = index_snapshots.restore(
            store,
            "search",
            {},
            session,
            watch=self.watch,
            reload=self._reload,
            count=searchable_count,
        )
        if restored is None:
            return None
        self.from_snapshot = True
        return restored[:2]

    def _install(self, built: tuple[SearchIndex, Look]) -> None:
        self.index, self._look = built
        self._scopes.clear()
        self.builds += 1

    def _reload(
        self, session: Session, supplier_ids: set[int], index: SearchIndex | None = None
    ) -> None:
        index = self.index if index is None else index
        gone = set(supplier_ids)
        for chunk in id_chunks(sorted(supplier_ids)):
            rows = select(Supplier.id, Supplier.search_text, Supplier.legal_name).where(
                Supplier.id.in_(chunk), Supplier.merged_into_id.is_(None)
            )
            for supplier_id, text, legal_name in session.execute(rows):
                index.upsert(supplier_id, text, legal_name)
                gone.discard(supplier_id)
        for supplier_id in gone:  # merged (or deleted)
            index.remove(supplier_id)
        self._rescope(session, supplier_ids)

    def _rescope(self, session: Session, supplier_ids: set[int]) -> None:
        """Ask the database which remembered scopes each changed supplier is in now."""
        if not self._scopes:
            return
        if len(supplier_ids) > RESCOPE_LIMIT:
            self._scopes.clear()
            return
        scopes = list(self._scopes.values())
        unmerged = Supplier.merged_into_id.is_(None)
        flags = [sa.case((sa.and_(s.clause, unmerged), 1), else_=0) for s in scopes]
        inside: list[list[int]] = [[] for _ in scopes]
        for chunk in id_chunks(sorted(supplier_ids)):
            statement = select(Supplier.id, *flags).where(Supplier.id.in_(chunk))
            for supplier_id, *marks in session.execute(statement):
                for members, mark in zip(inside, marks, strict=True):
                    if mark:
                        members.append(supplier_id)
        changed = np.array(sorted(supplier_ids), np.int64)
        for scope, members in zip(scopes, inside, strict=True):
            kept = np.setdiff1d(scope.members, changed, assume_unique=True)
            scope.members = np.union1d(kept, np.array(members, np.int64))


@dataclass
class _RememberedScope:
    clause: sa.ColumnElement[bool]
    members: np.ndarray  # sorted supplier ids


# What a condition on a supplier's own row is made of (and columns of the supplier table).
_ROW_CONDITION_PARTS = (
    elements.BinaryExpression,
    elements.BooleanClauseList,
    elements.ClauseList,
    elements.Grouping,
    elements.UnaryExpression,
    elements.AsBoolean,
    elements.BindParameter,
    elements.True_,
    elements.False_,
    elements.Null,
)


def _row_scope_key(scope: sa.ColumnElement[bool], dialect) -> tuple | None:
    """The scope as SQL text and parameters when it reads only the supplier's own row."""
    for part in visitors.iterate(scope):
        if isinstance(part, elements.ColumnClause):
            if part.table is not Supplier.__table__:
                return None
        elif not isinstance(part, _ROW_CONDITION_PARTS):
            return None
    compiled = scope.compile(dialect=dialect)
    key = (str(compiled), tuple(sorted(compiled.params.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def searchable_count(session: Session) -> int:
    return session.scalar(
        select(sa.func.count()).select_from(Supplier).where(Supplier.merged_into_id.is_(None))
    )


_caches = PerDatabase(SearchCache)


def cache_for(session: Session) -> SearchCache:
    """The calling process's search cache for this database."""
    return _caches.of(session)
