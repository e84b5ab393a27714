"""A supplier's track record on the platform, summarised for buyers and for matching.

Three signals, each 0..1:
- ratings: buyers' 1-5 ratings of delivered work (quality, on time, communication);
- responsiveness: invitations answered with a quote / invitations received (one still open
  for quotes and unanswered does not count yet);
- speed: median time from invitation to quote (a day or less is best, two weeks worst).

Each signal is pulled towards a neutral 0.5 by ``PRIOR_WEIGHT`` imaginary observations, so
that one rating or one invitation does not make or break a new supplier. ``score`` is the
weighted mean; it is None for a supplier with no history at all (the matching engine
treats unknown as neutral).
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlmodel import Session, func, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.errors import Forbidden, NotFound
from suppliermatch.requirements.lifecycle import as_utc, bidding_closed_at, now_utc
from suppliermatch.requirements.models import Award, Invitation, Quote, Rating, Requirement
from suppliermatch.suppliers.models import Supplier

# How much each signal counts in the summary score (they add up to 1).
SCORECARD_WEIGHTS = {"ratings": 0.5, "responsiveness": 0.3, "speed": 0.2}
# Imaginary neutral observations each signal starts from.
PRIOR_WEIGHT = 2.0
NEUTRAL = 0.5
# Response-time scale: at or under FAST scores 1, at or over SLOW scores 0, linear between.
FAST_RESPONSE_HOURS = 24.0
SLOW_RESPONSE_HOURS = 14 * 24.0
RATING_MIN, RATING_MAX = 1, 5


@dataclass(frozen=True)
class Scorecard:
    supplier_id: int
    score: float | None
    ratings_count: int
    average_quality: float | None
    average_on_time: float | None
    average_communication: float | None
    average_rating: float | None
    invitations: int
    invitations_pending: int
    invitations_quoted: int
    quotes_submitted: int
    response_rate: float | None
    median_response_hours: float | None
    awards: int

    def as_dict(self) -> dict:
        return asdict(self)


def _shrunk(total: float, count: int) -> float:
    return (total + PRIOR_WEIGHT * NEUTRAL) / (count + PRIOR_WEIGHT)


def _speed(hours: float) -> float:
    span = SLOW_RESPONSE_HOURS - FAST_RESPONSE_HOURS
    return min(1.0, max(0.0, 1.0 - (hours - FAST_RESPONSE_HOURS) / span))


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def supplier_scorecards(
    session: Session, supplier_ids: Iterable[int], *, now=None
) -> dict[int, Scorecard]:
    """Scorecards for many suppliers at once (a handful of grouped queries)."""
    moment = now_utc(now)
    ids = list(set(supplier_ids))
    if not ids:
        return {}
    ratings: dict[int, list[Rating]] = defaultdict(list)
    for rating, supplier_id in session.exec(
        select(Rating, Award.supplier_id)
        .join(Award, Award.id == Rating.award_id)
        .where(Award.supplier_id.in_(ids))
    ):
        ratings[supplier_id].append(rating)
    invitations: dict[int, int] = defaultdict(int)
    pending: dict[int, int] = defaultdict(int)
    quoted: dict[int, int] = defaultdict(int)
    response_hours: dict[int, list[float]] = defaultdict(list)
    for invitation, requirement, quote_created in session.exec(
        select(Invitation, Requirement, Quote.created_at)
        .join(Requirement, Requirement.id == Invitation.requirement_id)
        .outerjoin(
            Quote,
            (Quote.requirement_id == Invitation.requirement_id)
            & (Quote.supplier_id == Invitation.supplier_id),
        )
        .where(Invitation.supplier_id.in_(ids))
    ):
        invitations[invitation.supplier_id] += 1
        answered = quote_created is not None or invitation.status == "declined"
        if not answered and bidding_closed_at(requirement, moment) is None:
            pending[invitation.supplier_id] += 1
        if quote_created is not None:
            quoted[invitation.supplier_id] += 1
            delay = as_utc(quote_created) - as_utc(invitation.created_at)
            response_hours[invitation.supplier_id].append(max(0.0, delay.total_seconds() / 3600))
    quotes = dict(
        session.exec(
            select(Quote.supplier_id, func.count())
            .where(Quote.supplier_id.in_(ids))
            .group_by(Quote.supplier_id)
        ).all()
    )
    awards = dict(
        session.exec(
            select(Award.supplier_id, func.count())
            .where(Award.supplier_id.in_(ids))
            .group_by(Award.supplier_id)
        ).all()
    )
    return {
        supplier_id: _scorecard(
            supplier_id,
            ratings[supplier_id],
            invitations[supplier_id],
            pending[supplier_id],
            quoted[supplier_id],
            response_hours[supplier_id],
            quotes.get(supplier_id, 0),
            awards.get(supplier_id, 0),
        )
        for supplier_id in ids
    }


def _scorecard(
    supplier_id: int,
    ratings: list[Rating],
    invitations: int,
    pending: int,
    quoted: int,
    hours: list[float],
    quotes: int,
    awards: int,
) -> Scorecard:
    span = RATING_MAX - RATING_MIN
    overall = [(r.quality + r.on_time + r.communication) / 3 for r in ratings]
    median_hours = round(statistics.median(hours), 1) if hours else None
    settled = invitations - pending
    signals = {
        "ratings": _shrunk(sum((o - RATING_MIN) / span for o in overall), len(overall)),
        "responsiveness": _shrunk(quoted, settled),
        "speed": _shrunk(sum(_speed(h) for h in hours), len(hours)),
    }
    has_history = bool(ratings or settled or quotes)
    score = (
        round(sum(SCORECARD_WEIGHTS[name] * value for name, value in signals.items()), 3)
        if has_history
        else None
    )
    return Scorecard(
        supplier_id=supplier_id,
        score=score,
        ratings_count=len(ratings),
        average_quality=_mean([r.quality for r in ratings]),
        average_on_time=_mean([r.on_time for r in ratings]),
        average_communication=_mean([r.communication for r in ratings]),
        average_rating=_mean(overall),
        invitations=invitations,
        invitations_pending=pending,
        invitations_quoted=quoted,
        quotes_submitted=quotes,
        response_rate=round(quoted / settled, 3) if settled else None,
        median_response_hours=median_hours,
        awards=awards,
    )


def supplier_scorecard(session: Session, supplier_id: int, *, now=None) -> Scorecard:
    """One supplier's scorecard (for the matching engine: ``.score`` is 0..1 or None)."""
    return supplier_scorecards(session, [supplier_id], now=now)[supplier_id]


def scorecard_for(
    session: Session, *, actor: Actor, supplier_id: int
) -> tuple[Supplier, Scorecard]:
    """A scorecard as buyers and coordinators see it: listed suppliers, or any of one's cluster."""
    if actor.kind not in (ActorKind.ANCHOR, ActorKind.COORDINATOR, ActorKind.ADMIN):
        raise Forbidden("Scorecards are for buyers and cluster coordinators.")
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.merged_into_id is not None:
        raise NotFound("No such supplier.")
    if not (supplier.is_public or actor.coordinates(supplier.cluster_id)):
        raise NotFound("No such supplier.")
    return supplier, supplier_scorecard(session, supplier.id)
