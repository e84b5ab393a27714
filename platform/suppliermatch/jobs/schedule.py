"""The periodic jobs: this list is the one place where what runs by itself, and how often,
is decided. The worker's scheduler looks at it every minute (``periodic.run_due``).

Each job takes the session and the moment the worker saw, and returns a line for the log
and the admin page. Each is idempotent by its own rules (a certificate expires once, a
reminder has a dedup key, a closed requirement is not published any more, an e-mail is
claimed before it is sent), and on top of that runs once a period: the period is claimed
by a row in ``PeriodicRun`` in the same transaction as the work.

Periods are aligned to India time (a "day" begins at midnight IST), as the platform's
users read dates.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlmodel import Session

from suppliermatch.dates import INDIA_TIME


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    what: str  # for the README, the admin page and `flask jobs status`
    run: Callable[[Session, datetime], str]
    # A job that commits as it goes (the outbox: one transaction an e-mail) has its period
    # claimed and committed first; the others claim it in the work's own transaction, so
    # a job that fails leaves its period to the retry.
    commits_itself: bool = False

    @property
    def every_text(self) -> str:
        """ "every day", "every 5 minutes": as the admin page and the README say it."""
        for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
            count, rest = divmod(int(self.every.total_seconds()), seconds)
            if count and not rest:
                return f"every {unit}" if count == 1 else f"every {count} {unit}s"
        return f"every {int(self.every.total_seconds())} s"

    def period_start(self, moment: datetime) -> datetime:
        """The start of the period ``moment`` falls in, on India's clock."""
        local = moment.astimezone(INDIA_TIME)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        periods = (local - midnight) // self.every
        return midnight + periods * self.every


def _expiry_tick(session: Session, now: datetime) -> str:
    from suppliermatch.certification.expiry import run_expiry_tick

    today = now.astimezone(INDIA_TIME).date()
    return f"{today}: {run_expiry_tick(session, today=today)}"


def _close_expired(session: Session, now: datetime) -> str:
    from suppliermatch.requirements import service

    return f"closed {len(service.close_expired(session, now=now))} requirement(s)"


def _deadline_reminders(session: Session, now: datetime) -> str:
    from suppliermatch.requirements import service

    sent = service.send_deadline_reminders(session, within=REMINDER_WINDOW, now=now)
    return f"queued {sent} reminder(s)"


def _send_outbox(session: Session, now: datetime) -> str:
    from suppliermatch.notifications.delivery import send_pending_with_config

    outcome = send_pending_with_config(session, current_app.config, limit=OUTBOX_BATCH)
    if outcome is None:
        return "MAIL_HOST is not set: nothing sent"
    sent, failed = outcome
    return f"e-mails sent: {sent}, failed: {failed}"


def _payment_reminders(session: Session, now: datetime) -> str:
    from suppliermatch.payments.reminders import send_payment_reminders

    today = now.astimezone(INDIA_TIME).date()
    return f"{today}: queued {send_payment_reminders(session, today=today)} payment reminder(s)"


# Deadline-approaching notices go this long before a requirement's quote deadline.
REMINDER_WINDOW = timedelta(hours=48)
# E-mails a minute at most; what is left waits for the next minute.
OUTBOX_BATCH = 500

PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "certificates-expiry",
        timedelta(days=1),
        "expire lapsed certificates; queue 90/30/7-day reminders once each",
        _expiry_tick,
    ),
    PeriodicJob(
        "requirements-close-expired",
        timedelta(minutes=5),
        "close requirements past their quote deadline",
        _close_expired,
    ),
    PeriodicJob(
        "requirements-deadline-reminders",
        timedelta(hours=1),
        "remind invited suppliers who have not quoted, 48 h before the deadline (once each)",
        _deadline_reminders,
    ),
    PeriodicJob(
        "payments-reminders",
        timedelta(days=1),
        "remind both parties of invoices due in 7 days, due today or overdue (once each)",
        _payment_reminders,
    ),
    PeriodicJob(
        "notifications-send",
        timedelta(minutes=1),
        "e-mail the outbox (needs MAIL_HOST, and BASE_URL for links)",
        _send_outbox,
        commits_itself=True,
    ),
)
