"""Figures about every supplier of a cluster, kept until the suppliers change.

Some cluster figures (the dashboard's readiness funnels and expiring certificates, the
cluster roadmap's readiness bands) are SQL aggregates over every supplier and certificate
of the cluster: about a second at 100,000 suppliers, ten at a million, however the query
is written, because each supplier's records must be read. They change only when a
supplier, capability or certificate does, so a process keeps each result with the change
watermark it was computed at and computes it again only when the watermark has moved.

The watermark is read from the same change feed as the in-memory indexes
(``suppliermatch.changes``: ``updated_at`` on suppliers and certificates, moved by every write;
a capability written or removed moves its supplier's), in one query using their indexes:

- per table, the latest stamp and the highest id (a row added, changed or removed by a
  later one);
- per table, how many rows are stamped since ``FRESHNESS_WINDOW`` before the figures were
  computed: a transaction that commits after the figures were computed but stamped its
  rows before the latest stamp moves that count, as ``changes.ChangeWatch`` re-reads that
  window for the same reason.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.changes import FRESHNESS_WINDOW, PerDatabase
from suppliermatch.models_base import utcnow
from suppliermatch.suppliers.models import Capability, Supplier

# Results kept per process and database: a few per cluster (scope, kind, day).
KEPT = 256


def watermark(session: Session, since: datetime) -> tuple:
    """The change watermark of the supplier tables, with the rows stamped since ``since``."""
    parts = []
    for table in (Supplier, SupplierCertificate):
        parts += [
            sa.select(sa.func.max(table.updated_at)).scalar_subquery(),
            sa.select(sa.func.max(table.id)).scalar_subquery(),
            sa.select(sa.func.count()).where(table.updated_at >= since).scalar_subquery(),
        ]
    parts.append(sa.select(sa.func.max(Capability.id)).scalar_subquery())
    return tuple(session.execute(sa.select(*parts)).one())


@dataclass(frozen=True)
class _Kept:
    since: datetime
    mark: tuple
    value: Any


class SupplierSummaries:
    """One process's kept figures for one database (see ``kept``)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and watermark(session, kept.since) == kept.mark:
            with self._lock:
                self._kept.move_to_end(key)
            return kept.value
        # The watermark is read before the figures: a change made meanwhile moves it.
        since = utcnow() - FRESHNESS_WINDOW
        mark = watermark(session, since)
        value = compute()
        with self._lock:
            self._kept[key] = _Kept(since, mark, value)
            self._kept.move_to_end(key)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return value


def rows_key(rows) -> tuple:
    """A key part naming ``rows`` (requirements, say) with every field: a result that
    depends on them is computed again when one of them changes in any way."""
    return tuple(repr(row.model_dump()) for row in rows)


_summaries: PerDatabase[SupplierSummaries] = PerDatabase(SupplierSummaries)


def kept(session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it returned for ``key`` before if no supplier, capability or
    certificate has changed since. ``key`` names everything else the result depends on
    (the clusters, the day)."""
    return _summaries.of(session).get(session, key, compute)
