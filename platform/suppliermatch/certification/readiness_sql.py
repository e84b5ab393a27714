"""Readiness in bulk, in the database: ``readiness.assess``'s verdicts for every supplier of
a cluster at once, counted by SQL aggregates.

The cluster pages need only counts (how many suppliers are in each readiness band, how
many are on each track and step), and a cluster may hold a million suppliers: loading each
supplier's records into Python to run ``assess`` took most of a minute and gigabytes.
Here the same rules become SQL expressions built from the same tracks and catalogue:

- one row a supplier (``_features``): per category of the tracks, whether the supplier is
  in it (declared or through a capability); per certificate code of the tracks, whether a
  current record puts it on the plan, holds it (or a higher ladder level) today, which
  pipeline credit it has earned, and whether the held record ``assess`` would pick is
  verified;
- over those rows, ``assess``'s track relevance, step inclusion, step status and level,
  aggregated (``levels_summary``, ``funnel_counts``).

``assess`` stays the definition; ``tests/certification/test_readiness_sql.py`` checks that
the two agree on the same suppliers. Credits are counted in hundredths (integers) so that
band edges are compared exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.readiness import (
    EVERY_CATEGORY,
    STEP_CREDIT,
    Track,
    default_tracks,
    distinctive_codes,
)
from suppliermatch.certification.service import CertState, Verification
from suppliermatch.reference.certificates import COUNTING_STATUS, default_catalogue
from suppliermatch.suppliers.models import Capability, Supplier

# Pipeline credit in hundredths of a step (``STEP_CREDIT`` without the certified state,
# which counts as held instead, as in ``readiness._step_progress``).
_PIPELINE_CREDIT = {
    state: round(credit * 100)
    for state, credit in STEP_CREDIT.items()
    if state != CertState.CERTIFIED
}
_FULL_CREDIT = 100
# Sort key of a held record, packed in one integer so that MAX() picks the record
# ``assess`` picks (exact code first, then the latest expiry, then the lowest id) and its
# last bit says whether it is verified. Room: ids below 10**10, days below 10**6.
_ID_ROOM = 10**10
_DAY_FACTOR = 10**11
_EXACT_FACTOR = 10**17
_DAY_ZERO = date(2000, 1, 1)


@dataclass(frozen=True)
class StepCounts:
    in_scope: int
    planned: int
    certified: int
    verified: int


@dataclass(frozen=True)
class TrackCounts:
    in_scope: int
    planned: int
    certified: int
    verified: int
    steps: dict[str, StepCounts]


def _codes(tracks: Sequence[Track]) -> list[str]:
    return list(dict.fromkeys(s.code for t in tracks for s in t.steps))


def _categories(tracks: Sequence[Track]) -> list[str]:
    found = [c for t in tracks for c in sorted(t.categories) if c != EVERY_CATEGORY]
    found += [c for t in tracks for s in t.steps for c in sorted(s.categories or ())]
    return list(dict.fromkeys(found))


def _day_number(session: Session, column):
    """Days since ``_DAY_ZERO``, as an integer, on either backend."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.cast(
            sa.func.julianday(column) - sa.func.julianday(_DAY_ZERO.isoformat()), sa.Integer
        )
    return column - sa.cast(sa.literal(_DAY_ZERO), sa.Date)


def _features(session: Session, where, *, today: date, tracks: Sequence[Track]):
    """One row a supplier matching ``where``, with the columns ``assess`` decides on."""
    catalogue = default_catalogue()
    codes, categories = _codes(tracks), _categories(tracks)
    record = aliased(SupplierCertificate, name="record")
    renewal = aliased(SupplierCertificate, name="renewal")
    # ``current_records``: a record renewed by another of the supplier's records is history.
    current = ~sa.exists().where(
        renewal.renews_id == record.id, renewal.supplier_id == record.supplier_id
    )
    counting = sa.and_(
        record.state == COUNTING_STATUS,
        record.expires_on.is_not(None),
        record.expires_on >= today,
        record.verification != Verification.REJECTED,
    )
    pipeline_credit = sa.case(
        *[(record.state == state, credit) for state, credit in _PIPELINE_CREDIT.items()], else_=0
    )
    sort_key = (
        sa.cast(_day_number(session, record.expires_on), sa.BigInteger) * _DAY_FACTOR
        + (sa.literal(_ID_ROOM, sa.BigInteger) - record.id) * 2
        + sa.case((record.verification == Verification.VERIFIED, 1), else_=0)
    )
    columns = []
    for i, code in enumerate(codes):
        satisfying = catalogue.codes_satisfying(code)
        held = sa.and_(counting, record.code.in_(satisfying))
        columns += [
            sa.func.max(
                sa.case(
                    (sa.and_(record.code == code, record.state != CertState.WITHDRAWN), 1), else_=0
                )
            ).label(f"planned_{i}"),
            sa.func.max(sa.case((held, 1), else_=0)).label(f"held_{i}"),
            sa.func.max(sa.case((record.code == code, pipeline_credit), else_=0)).label(
                f"pipe_{i}"
            ),
            sa.func.max(
                sa.case(
                    (
                        held,
                        sa.case(
                            (record.code == code, sa.literal(_EXACT_FACTOR, sa.BigInteger)), else_=0
                        )
                        + sort_key,
                    ),
                    else_=None,
                )
            ).label(f"best_{i}"),
        ]
    in_scope = sa.select(Supplier.id).where(where)
    certs = (
        sa.select(record.supplier_id.label("supplier_id"), *columns)
        .where(current, record.supplier_id.in_(in_scope))
        .group_by(record.supplier_id)
        .subquery("certs")
    )
    capability_columns = [
        sa.func.max(sa.case((Capability.category == c, 1), else_=0)).label(f"cap_{j}")
        for j, c in enumerate(categories)
    ]
    capabilities = (
        sa.select(Capability.supplier_id.label("supplier_id"), *capability_columns)
        .where(Capability.supplier_id.in_(in_scope))
        .group_by(Capability.supplier_id)
        .subquery("caps")
    )
    declared = sa.cast(Supplier.categories, sa.String)
    row_columns = []
    for j, category in enumerate(categories):
        # The declared categories are a JSON list of slugs: each appears quoted in its text.
        declared_in = declared.contains(f'"{category}"', autoescape=True)
        row_columns.append(
            sa.case((sa.or_(declared_in, capabilities.c[f"cap_{j}"] == 1), 1), else_=0).label(
                f"cat_{j}"
            )
        )
    for i in range(len(codes)):
        row_columns += [
            sa.func.coalesce(certs.c[f"planned_{i}"], 0).label(f"planned_{i}"),
            sa.func.coalesce(certs.c[f"held_{i}"], 0).label(f"held_{i}"),
            sa.func.coalesce(certs.c[f"pipe_{i}"], 0).label(f"pipe_{i}"),
            sa.case((certs.c[f"best_{i}"] % 2 == 1, 1), else_=0).label(f"verified_{i}"),
        ]
    per_supplier = (
        sa.select(*row_columns)
        .select_from(Supplier)
        .outerjoin(certs, certs.c.supplier_id == Supplier.id)
        .outerjoin(capabilities, capabilities.c.supplier_id == Supplier.id)
        .where(where)
        .subquery("per_supplier")
    )
    # Suppliers with the same features get the same verdicts: the stages below work on
    # each distinct profile once, weighted by how many suppliers share it (a few thousand
    # profiles for 100,000 suppliers), instead of on every supplier.
    features = list(per_supplier.c)
    return _materialized(
        sa.select(*features, sa.func.count().label("weight")).group_by(*features),
        "readiness_features",
    )


def _materialized(statement, name: str):
    """``statement`` as a CTE PostgreSQL computes once: the stages below refer to each
    column several times, and an inlined subquery would repeat its expressions (measured
    at 100,000 suppliers: 44 s inlined)."""
    return statement.cte(name).prefix_with("MATERIALIZED", dialect="postgresql")


class _Rules:
    """``assess``'s rules as SQL conditions over the ``_features`` row of a supplier."""

    def __init__(self, row, tracks: Sequence[Track]):
        self.row, self.tracks = row, tuple(tracks)
        self._code = {c: i for i, c in enumerate(_codes(tracks))}
        self._category = {c: j for j, c in enumerate(_categories(tracks))}

    def in_category(self, category: str):
        return self.row.c[f"cat_{self._category[category]}"] == 1

    def planned(self, code: str):
        return self.row.c[f"planned_{self._code[code]}"] == 1

    def held(self, code: str):
        return self.row.c[f"held_{self._code[code]}"] == 1

    def under_way(self, code: str):
        return sa.and_(~self.held(code), self.row.c[f"pipe_{self._code[code]}"] > 0)

    def verified(self, code: str):
        return sa.and_(self.held(code), self.row.c[f"verified_{self._code[code]}"] == 1)

    def credit(self, code: str):
        i = self._code[code]
        return sa.case((self.held(code), _FULL_CREDIT), else_=self.row.c[f"pipe_{i}"])

    def relevant(self, track: Track):
        """``readiness._relevant``."""
        reasons = [self.planned(c) for c in sorted(distinctive_codes(track, self.tracks))]
        if track.kind == "core":
            if EVERY_CATEGORY in track.categories:
                reasons.append(sa.true())
            named = sorted(track.categories - {EVERY_CATEGORY})
            reasons += [self.in_category(c) for c in named]
        return sa.or_(sa.false(), *reasons)

    def included(self, track: Track, step):
        """The step is on the supplier's track (``assess``'s step filter)."""
        if step.categories is None:
            return self.relevant(track)
        applies = [self.in_category(c) for c in sorted(step.categories)]
        return sa.and_(self.relevant(track), sa.or_(*applies, self.planned(step.code)))


def _flag(condition):
    return sa.case((condition, 1), else_=0)


def _steps(session: Session, where, *, today: date, tracks: Sequence[Track]):
    """One row a supplier: per track whether it is on it (``rel_t``) and per step whether
    the step is on its track (``inc_t_s``); per code whether it is held (``done_i``), under
    way (``way_i``), held with the picked record verified (``ver_i``), and its credit in
    hundredths (``credit_i``)."""
    features = _features(session, where, today=today, tracks=tracks)
    rules = _Rules(features, tracks)
    columns = [features.c.weight.label("weight")]
    for t, track in enumerate(tracks):
        columns.append(_flag(rules.relevant(track)).label(f"rel_{t}"))
        columns += [
            _flag(rules.included(track, step)).label(f"inc_{t}_{s}")
            for s, step in enumerate(track.steps)
        ]
    for code, i in rules._code.items():
        columns += [
            _flag(rules.held(code)).label(f"done_{i}"),
            _flag(rules.under_way(code)).label(f"way_{i}"),
            _flag(rules.verified(code)).label(f"ver_{i}"),
            rules.credit(code).label(f"credit_{i}"),
        ]
    return _materialized(sa.select(*columns), "readiness_steps")


class _Staged:
    """Conditions over a ``_steps`` row."""

    def __init__(self, row, tracks: Sequence[Track]):
        self.row, self.tracks = row, tuple(tracks)
        self._code = {c: i for i, c in enumerate(_codes(tracks))}

    def relevant(self, t: int):
        return self.row.c[f"rel_{t}"] == 1

    def included(self, t: int, s: int):
        return self.row.c[f"inc_{t}_{s}"] == 1

    def done(self, code: str):
        return self.row.c[f"done_{self._code[code]}"] == 1

    def started(self, code: str):
        i = self._code[code]
        return sa.or_(self.row.c[f"done_{i}"] == 1, self.row.c[f"way_{i}"] == 1)

    def verified(self, code: str):
        return self.row.c[f"ver_{self._code[code]}"] == 1

    def counted(self, code: str):
        """The code counts towards the level: on some relevant track of the supplier."""
        return sa.or_(
            sa.false(),
            *[
                self.included(t, s)
                for t, track in enumerate(self.tracks)
                for s, step in enumerate(track.steps)
                if step.code == code
            ],
        )

    def level_parts(self):
        """(credit in hundredths summed over counted codes, number of counted codes):
        ``assess``'s level is the first over the second (0 without counted codes)."""
        total = sum(
            sa.case((self.counted(c), self.row.c[f"credit_{i}"]), else_=0)
            for c, i in self._code.items()
        )
        n = sum(_flag(self.counted(c)) for c in self._code)
        return total, n


@contextmanager
def _without_jit(session: Session):
    """PostgreSQL's JIT compiles every expression of a statement before running it: for
    these statements, hundreds of CASE expressions over some thousands of rows, compiling
    cost more than it saved (measured: 350-620 ms of a 1.6-3.8 s statement at 100,000
    suppliers). Off for the statement, back to the server's setting after it."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(sa.text("SET LOCAL jit = off"))
    try:
        yield
    finally:
        session.execute(sa.text("RESET jit"))


def _count(row, condition):
    """How many suppliers meet ``condition`` (a condition on weighted profile rows)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, row.c.weight), else_=0)), 0)


def levels_summary(
    session: Session,
    where,
    *,
    today: date,
    bands: Sequence[tuple[str, float, float]],
    tracks: Sequence[Track] | None = None,
) -> tuple[list[tuple[str, int]], float, int]:
    """(suppliers per band ``(label, lowest level, below)``, average level, suppliers)
    over the suppliers matching ``where``, in one query."""
    tracks = tracks if tracks is not None else default_tracks()
    steps = _steps(session, where, today=today, tracks=tracks)
    total, n = _Staged(steps, tracks).level_parts()
    levels = _materialized(
        sa.select(steps.c.weight, total.label("total"), n.label("n")), "readiness_levels"
    )

    def at_least(level: float):
        # level >= x, for level = total / (100 n) and 0 when n = 0; exact in integers.
        if level <= 0:
            return sa.true()
        return sa.and_(levels.c.n > 0, levels.c.total >= level * _FULL_CREDIT * levels.c.n)

    counts = [
        _count(levels, sa.and_(at_least(low), ~at_least(high))).label(f"band_{k}")
        for k, (_, low, high) in enumerate(bands)
    ]
    level = sa.case((levels.c.n > 0, levels.c.total * 1.0 / (levels.c.n * _FULL_CREDIT)), else_=0.0)
    statement = sa.select(
        *counts,
        sa.func.sum(level * levels.c.weight) * 1.0 / sa.func.sum(levels.c.weight),
        sa.func.coalesce(sa.func.sum(levels.c.weight), 0),
    )
    with _without_jit(session):
        result = session.execute(statement).one()
    found = [(label, int(result[k])) for k, (label, _, _) in enumerate(bands)]
    average = result[len(bands)]
    return found, float(average or 0.0), int(result[len(bands) + 1])


def funnel_counts(
    session: Session, where, *, today: date, tracks: Sequence[Track] | None = None
) -> dict[str, TrackCounts]:
    """Per track: suppliers matching ``where`` on it, started, certified, verified, and the
    same per step (the dashboard's readiness funnel), in one query."""
    tracks = tracks if tracks is not None else default_tracks()
    row = _Staged(_steps(session, where, today=today, tracks=tracks), tracks)

    def any_step(t: int, track: Track, condition) -> sa.ColumnElement[bool]:
        return sa.or_(
            sa.false(),
            *[
                sa.and_(row.included(t, s), condition(step.code))
                for s, step in enumerate(track.steps)
            ],
        )

    columns = []
    for t, track in enumerate(tracks):
        columns += [
            _count(row.row, row.relevant(t)),
            _count(row.row, any_step(t, track, row.started)),
            _count(row.row, any_step(t, track, row.done)),
            _count(row.row, any_step(t, track, row.verified)),
        ]
        for s, step in enumerate(track.steps):
            on = row.included(t, s)
            columns += [
                _count(row.row, on),
                _count(row.row, sa.and_(on, row.started(step.code))),
                _count(row.row, sa.and_(on, row.done(step.code))),
                _count(row.row, sa.and_(on, row.verified(step.code))),
            ]
    with _without_jit(session):
        values = iter(int(v) for v in session.execute(sa.select(*columns)).one())
    found = {}
    for track in tracks:
        head = [next(values) for _ in range(4)]
        steps = {s.code: StepCounts(*[next(values) for _ in range(4)]) for s in track.steps}
        found[track.slug] = TrackCounts(*head, steps=steps)
    return found
