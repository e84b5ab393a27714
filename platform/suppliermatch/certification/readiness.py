"""Readiness: how far a supplier is along the certification paths that matter for it.

The paths ("tracks") are data in ``seeds/readiness_tracks.json``. For a supplier this gives
each relevant track's steps as done / in progress / lapsed / pending with their dates, one
readiness level between 0 and 1 (shown on the profile and used by matching), and a
checklist of next steps.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from suppliermatch.certification.models import CertificateEvidence, SupplierCertificate
from suppliermatch.certification.service import CertState, Verification, current_records
from suppliermatch.dates import today_in_india
from suppliermatch.formats import day_text, when
from suppliermatch.paths import SEEDS_DIR
from suppliermatch.reference.certificates import counts_on, default_catalogue
from suppliermatch.suppliers.models import Capability, Supplier
from suppliermatch.translatable import N_

TRACKS_FILE = "readiness_tracks.json"
EVERY_CATEGORY = "*"
# How much of a step a record in each state is worth towards the readiness level: the
# share of the road from intention to certificate that the state stands for.
STEP_CREDIT = {
    CertState.PLANNED: 0.1,
    CertState.IN_PREPARATION: 0.25,
    CertState.APPLIED: 0.5,
    CertState.AUDIT_SCHEDULED: 0.75,
    CertState.CERTIFIED: 1.0,
}
# Level -> words, highest first: the first whose minimum the level reaches.
LEVEL_LABELS = (
    (1.0, N_("Fully certified")),
    (0.75, N_("Nearly ready")),
    (0.5, N_("Well on the way")),
    (0.25, N_("Getting started")),
    (0.0001, N_("First steps")),
    (0.0, N_("Not started")),
)
LAPSABLE_STATES = frozenset({CertState.CERTIFIED, CertState.EXPIRED, CertState.SUSPENDED})
# A held certificate this close to its end appears on the checklist for renewal.
RENEWAL_WINDOW = timedelta(days=90)


class ReadinessTracksError(ValueError):
    """The readiness tracks file is malformed."""


@dataclass(frozen=True)
class TrackStep:
    code: str
    # None: the step applies to everyone on the track.
    categories: frozenset[str] | None = None


@dataclass(frozen=True)
class Track:
    slug: str
    name: str
    kind: str  # "core" or "optional"
    categories: frozenset[str]
    why: str
    steps: tuple[TrackStep, ...]


class StepStatus(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    LAPSED = "lapsed"
    PENDING = "pending"


@dataclass(frozen=True)
class StepProgress:
    code: str
    name: str
    status: StepStatus
    credit: float
    state: str | None = None
    certificate_id: int | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    target_on: date | None = None
    audit_on: date | None = None
    verified: bool = False
    # Why a lapsed step lapsed: expired, suspended or rejected by the coordinator.
    lapse: str | None = None
    # The certificate that completes (or completed) the step: a higher level of the same
    # ladder counts for a lower one (ZED Gold completes ZED Bronze; the catalogue's ladders).
    held_code: str | None = None

    @property
    def held_name(self) -> str:
        return default_catalogue().display_name(self.held_code) if self.held_code else self.name

    @property
    def met_by_higher_level(self) -> bool:
        return self.held_code is not None and self.held_code != self.code


@dataclass(frozen=True)
class TrackProgress:
    slug: str
    name: str
    why: str
    steps: tuple[StepProgress, ...]

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.status == StepStatus.DONE)

    @property
    def fraction(self) -> float:
        return sum(s.credit for s in self.steps) / len(self.steps) if self.steps else 0.0


@dataclass(frozen=True)
class NextStep:
    code: str
    text: str
    due: date | None = None
    certificate_id: int | None = None
    urgent: bool = False


@dataclass(frozen=True)
class SupplierReadiness:
    supplier_id: int
    level: float
    label: str
    tracks: tuple[TrackProgress, ...]
    next_steps: tuple[NextStep, ...] = field(default=())

    @property
    def percent(self) -> int:
        return round(self.level * 100)


# ---------------------------------------------------------------- the tracks


def load_tracks(path: str | Path | None = None) -> tuple[Track, ...]:
    source = Path(path) if path is not None else SEEDS_DIR / TRACKS_FILE
    data = json.loads(source.read_text(encoding="utf-8"))
    try:
        return parse_tracks(data)
    except ReadinessTracksError as error:
        raise ReadinessTracksError(f"{source}: {error}") from None


@lru_cache(maxsize=1)
def default_tracks() -> tuple[Track, ...]:
    return load_tracks()


def parse_tracks(data: dict) -> tuple[Track, ...]:
    catalogue = default_catalogue()
    tracks = []
    for raw in data.get("tracks") or []:
        slug = raw.get("slug")
        if raw.get("kind") not in ("core", "optional"):
            raise ReadinessTracksError(f"{slug}: kind must be 'core' or 'optional'")
        steps = []
        for step in raw.get("steps") or []:
            if step.get("code") not in catalogue:
                raise ReadinessTracksError(f"{slug}: unknown certificate {step.get('code')!r}")
            categories = step.get("categories")
            steps.append(TrackStep(step["code"], frozenset(categories) if categories else None))
        if not slug or not steps:
            raise ReadinessTracksError(f"track {slug!r} needs a slug and steps")
        tracks.append(
            Track(
                slug=slug,
                name=raw["name"],
                kind=raw["kind"],
                categories=frozenset(raw.get("categories") or []),
                why=raw.get("why", ""),
                steps=tuple(steps),
            )
        )
    if len({t.slug for t in tracks}) != len(tracks):
        raise ReadinessTracksError("two tracks share a slug")
    return tuple(tracks)


def distinctive_codes(track: Track, tracks: Iterable[Track]) -> frozenset[str]:
    """The track's certificates that no other track has (AS9100 says "aerospace";
    ISO 9001 says nothing in particular)."""
    others = {s.code for t in tracks if t.slug != track.slug for s in t.steps}
    return frozenset(s.code for s in track.steps) - others


# ---------------------------------------------------------------- per supplier


def supplier_categories(session: Session, supplier_ids: Iterable[int]) -> dict[int, set[str]]:
    """Declared categories plus those of the supplier's capabilities."""
    ids = list(supplier_ids)
    found: dict[int, set[str]] = {i: set() for i in ids}
    if not ids:
        return found
    for supplier_id, categories in session.exec(
        select(Supplier.id, Supplier.categories).where(col(Supplier.id).in_(ids))
    ):
        found[supplier_id].update(categories or [])
    for supplier_id, category in session.exec(
        select(Capability.supplier_id, Capability.category).where(
            col(Capability.supplier_id).in_(ids)
        )
    ):
        found[supplier_id].add(category)
    return found


def records_by_supplier(
    session: Session, supplier_ids: Iterable[int]
) -> dict[int, list[SupplierCertificate]]:
    ids = list(supplier_ids)
    found: dict[int, list[SupplierCertificate]] = {i: [] for i in ids}
    if not ids:
        return found
    statement = (
        select(SupplierCertificate)
        .where(col(SupplierCertificate.supplier_id).in_(ids))
        .order_by(SupplierCertificate.id)
    )
    for record in session.exec(statement):
        found[record.supplier_id].append(record)
    return found


def supplier_readiness(
    session: Session, supplier_id: int, *, today: date | None = None
) -> SupplierReadiness:
    """The supplier's readiness with its checklist. Access is the caller's business."""
    today = today or today_in_india()
    categories = supplier_categories(session, [supplier_id])[supplier_id]
    records = records_by_supplier(session, [supplier_id])[supplier_id]
    readiness = assess(supplier_id, categories, records, today=today)
    evidence = _evidence_counts(session, [r.id for r in records])
    steps = next_steps(readiness, records, evidence, today=today)
    return SupplierReadiness(
        supplier_id=supplier_id,
        level=readiness.level,
        label=readiness.label,
        tracks=readiness.tracks,
        next_steps=steps,
    )


def readiness_levels(
    session: Session, supplier_ids: Iterable[int], *, today: date | None = None
) -> dict[int, float]:
    """{supplier id: readiness level 0..1} in two queries, for ranking many suppliers."""
    today = today or today_in_india()
    ids = list(supplier_ids)
    categories = supplier_categories(session, ids)
    records = records_by_supplier(session, ids)
    return {i: assess(i, categories[i], records[i], today=today).level for i in ids}


def assess(
    supplier_id: int,
    categories: set[str],
    records: list[SupplierCertificate],
    *,
    today: date,
    tracks: tuple[Track, ...] | None = None,
) -> SupplierReadiness:
    tracks = tracks if tracks is not None else default_tracks()
    current = current_records(records)
    planned_codes = {r.code for r in current if r.state != CertState.WITHDRAWN}
    progress = []
    credit_by_code: dict[str, float] = {}
    for track in tracks:
        if not _relevant(track, tracks, categories, planned_codes):
            continue
        steps = tuple(
            _step_progress(step.code, current, today=today)
            for step in track.steps
            if step.categories is None or step.categories & categories or step.code in planned_codes
        )
        progress.append(TrackProgress(track.slug, track.name, track.why, steps))
        for step in steps:
            credit_by_code[step.code] = max(step.credit, credit_by_code.get(step.code, 0.0))
    level = sum(credit_by_code.values()) / len(credit_by_code) if credit_by_code else 0.0
    return SupplierReadiness(
        supplier_id=supplier_id, level=level, label=level_label(level), tracks=tuple(progress)
    )


# What a supplier's readiness level depends on, record by record: (code, state, rejected by
# a coordinator, counts on the day). Ids and dates beyond that do not change the level.
RecordFact = tuple[str, str, bool, bool]


def record_facts(records: Iterable[SupplierCertificate], today: date) -> tuple[RecordFact, ...]:
    """The facts of the current records (``current_records``), in a stable order."""
    return tuple(
        sorted(
            (
                r.code,
                r.state,
                r.verification == Verification.REJECTED,
                counts_on(r.state, r.expires_on, today),
            )
            for r in current_records(list(records))
        )
    )


def level_from_facts(categories: frozenset[str], facts: tuple[RecordFact, ...]) -> float:
    """``assess(...).level`` on the default tracks, without building the checklist: the mean
    credit of the step codes the relevant tracks ask of these categories and plans, each
    code's credit read from the facts of the records that meet it. Both are remembered, so
    an index build over a million suppliers costs a few thousand step evaluations (a test
    checks the agreement with ``assess``)."""
    planned = frozenset(code for code, state, _, _ in facts if state != CertState.WITHDRAWN)
    codes = _step_codes(categories, planned)
    if not codes:
        return 0.0
    catalogue = default_catalogue()
    total = 0.0
    for code in codes:
        meeting = tuple(fact for fact in facts if catalogue.satisfies(fact[0], code))
        total += _credit(code, meeting)
    return total / len(codes)


@lru_cache(maxsize=65_536)
def _step_codes(categories: frozenset[str], planned: frozenset[str]) -> tuple[str, ...]:
    """The distinct step codes ``assess`` credits for these categories and planned codes."""
    tracks = default_tracks()
    codes: dict[str, None] = {}
    for track in tracks:
        if not _relevant(track, tracks, categories, planned):
            continue
        for step in track.steps:
            if step.categories is None or step.categories & categories or step.code in planned:
                codes[step.code] = None
    return tuple(codes)


@lru_cache(maxsize=65_536)
def _credit(code: str, meeting: tuple[RecordFact, ...]) -> float:
    """``_step_progress(code, ...).credit`` from the facts of the records that meet ``code``."""
    if any(counts and not rejected for _, _, rejected, counts in meeting):
        return 1.0
    pipeline = [
        STEP_CREDIT[CertState(state)]
        for held_code, state, _, _ in meeting
        if held_code == code and state in STEP_CREDIT and state != CertState.CERTIFIED
    ]
    return max(pipeline, default=0.0)


def level_label(level: float) -> str:
    return next(label for minimum, label in LEVEL_LABELS if level >= minimum)


def _relevant(
    track: Track, tracks: tuple[Track, ...], categories: set[str], planned_codes: set[str]
) -> bool:
    if distinctive_codes(track, tracks) & planned_codes:
        return True
    if track.kind != "core":
        return False
    return EVERY_CATEGORY in track.categories or bool(track.categories & categories)


def _step_progress(code: str, records: list[SupplierCertificate], *, today: date) -> StepProgress:
    catalogue = default_catalogue()
    name = catalogue.display_name(code)
    satisfying = [r for r in records if catalogue.satisfies(r.code, code)]
    held = [
        r
        for r in satisfying
        if counts_on(r.state, r.expires_on, today) and r.verification != Verification.REJECTED
    ]
    if held:
        best = max(held, key=lambda r: (r.code == code, r.expires_on))
        return StepProgress(
            code=code,
            name=name,
            status=StepStatus.DONE,
            credit=1.0,
            state=best.state,
            certificate_id=best.id,
            issued_on=best.issued_on,
            expires_on=best.expires_on,
            verified=best.verification == Verification.VERIFIED,
            held_code=best.code,
        )
    pipeline = [r for r in records if r.code == code and r.state in STEP_CREDIT]
    pipeline = [r for r in pipeline if r.state != CertState.CERTIFIED]
    if pipeline:
        best = max(pipeline, key=lambda r: STEP_CREDIT[CertState(r.state)])
        return StepProgress(
            code=code,
            name=name,
            status=StepStatus.IN_PROGRESS,
            credit=STEP_CREDIT[CertState(best.state)],
            state=best.state,
            certificate_id=best.id,
            target_on=best.target_on,
            audit_on=best.audit_on,
        )
    # Held once but not counting now: expired, suspended, past its date, or rejected.
    lapsed = [r for r in satisfying if r.state in LAPSABLE_STATES]
    if lapsed:
        latest = max(lapsed, key=lambda r: (r.expires_on or date.min, r.id))
        return StepProgress(
            code=code,
            name=name,
            status=StepStatus.LAPSED,
            credit=0.0,
            state=latest.state,
            certificate_id=latest.id,
            issued_on=latest.issued_on,
            expires_on=latest.expires_on,
            lapse=_lapse_reason(latest, today),
            held_code=latest.code,
        )
    return StepProgress(code=code, name=name, status=StepStatus.PENDING, credit=0.0)


def _lapse_reason(record: SupplierCertificate, today: date) -> str:
    if record.verification == Verification.REJECTED and record.state == CertState.CERTIFIED:
        return N_("rejected by the coordinator")
    if record.state == CertState.SUSPENDED:
        return N_("suspended")
    return N_("expired on %(day)s", day=when(record.expires_on, missing="an unknown date"))


# ---------------------------------------------------------------- the checklist


def next_steps(
    readiness: SupplierReadiness,
    records: list[SupplierCertificate],
    evidence_counts: dict[int, int],
    *,
    today: date,
) -> tuple[NextStep, ...]:
    """What to do next, most pressing first: renewals, work in progress, then new steps.

    On each track only the first step not yet started is suggested; the ones after it
    wait for it (IATF 16949 builds on ISO 9001).
    """
    catalogue = default_catalogue()
    by_id = {r.id: r for r in records}
    renewals, active, new = [], [], []
    seen: set[str] = set()
    acted_on: set[int] = set()
    for track in readiness.tracks:
        frontier_taken = False
        for step in track.steps:
            if step.code in seen:
                if step.status != StepStatus.DONE:
                    frontier_taken = True
                continue
            seen.add(step.code)
            certificate = catalogue.get(step.code)
            if step.status == StepStatus.DONE:
                if step.certificate_id in acted_on:
                    continue  # one ZED Gold record completes three steps: one reminder
                acted_on.add(step.certificate_id)
                record = by_id[step.certificate_id]
                # Named as held: a ZED Gold holder renews and uploads ZED Gold, not Bronze.
                if step.expires_on - today <= RENEWAL_WINDOW:
                    renewals.append(
                        NextStep(
                            record.code,
                            N_(
                                "Renew %(certificate)s: it is valid until %(day)s; book the "
                                "recertification audit.",
                                certificate=step.held_name,
                                day=day_text(step.expires_on),
                            ),
                            due=step.expires_on,
                            certificate_id=step.certificate_id,
                            urgent=True,
                        )
                    )
                elif record.verification == Verification.UNVERIFIED and not evidence_counts.get(
                    record.id
                ):
                    active.append(
                        NextStep(
                            record.code,
                            N_(
                                "Upload your %(certificate)s certificate so the cluster "
                                "coordinator can verify it.",
                                certificate=step.held_name,
                            ),
                            certificate_id=record.id,
                        )
                    )
            elif step.status == StepStatus.IN_PROGRESS:
                frontier_taken = True  # the steps after it wait for it
                active.append(_in_progress_step(step, certificate.issuer_type))
            elif not frontier_taken:
                frontier_taken = True
                if step.status == StepStatus.LAPSED:
                    new.append(
                        NextStep(
                            step.held_code,
                            N_(
                                "Recertify %(certificate)s (%(lapse)s).",
                                certificate=step.held_name,
                                lapse=step.lapse,
                            ),
                            certificate_id=step.certificate_id,
                            urgent=True,
                        )
                    )
                else:
                    text = N_(
                        "Plan %(certificate)s: %(signals)s.",
                        certificate=step.name,
                        signals=certificate.signals,
                    )
                    new.append(NextStep(step.code, text))
    renewals.sort(key=lambda s: s.due)
    active.sort(key=lambda s: (s.due is None, s.due or date.max))
    return tuple(renewals + active + new)


def _in_progress_step(step: StepProgress, issuer_type: str) -> NextStep:
    if step.state == CertState.PLANNED:
        text = (
            N_(
                "Start preparing for %(certificate)s (target %(day)s).",
                certificate=step.name,
                day=day_text(step.target_on),
            )
            if step.target_on
            else N_("Start preparing for %(certificate)s.", certificate=step.name)
        )
        due = step.target_on
    elif step.state == CertState.IN_PREPARATION:
        text = N_(
            "Apply for %(certificate)s to: %(issuer)s.", certificate=step.name, issuer=issuer_type
        )
        due = step.target_on
    elif step.state == CertState.APPLIED:
        text = N_(
            "Book the %(certificate)s audit with your certification body.", certificate=step.name
        )
        due = step.target_on
    else:
        text = N_(
            "Get ready for the %(certificate)s audit on %(day)s.",
            certificate=step.name,
            day=when(step.audit_on),
        )
        due = step.audit_on
    return NextStep(step.code, text, due=due, certificate_id=step.certificate_id)


def _evidence_counts(session: Session, certificate_ids: list[int]) -> dict[int, int]:
    if not certificate_ids:
        return {}
    statement = (
        select(CertificateEvidence.certificate_id, func.count(CertificateEvidence.id))
        .where(col(CertificateEvidence.certificate_id).in_(certificate_ids))
        .group_by(CertificateEvidence.certificate_id)
    )
    return dict(session.exec(statement).all())
