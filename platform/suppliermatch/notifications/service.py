"""The outbox: notifications are rows written with the event they report, read in the app,
and e-mailed later by ``flask notifications send`` (see ``delivery``).

A notification is written in its recipient's language: ``subject`` and ``body`` may be
functions that write the text (with gettext) and are called once per recipient, in the
language the user chose (English for an unclaimed profile's contact address).

Functions take the session first and never commit.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, func, select

from suppliermatch.accounts.models import User
from suppliermatch.errors import NotFound
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification


class Kind(StrEnum):
    INVITED = "invited"
    AMENDED = "amended"
    DEADLINE_APPROACHING = "deadline_approaching"
    QUOTES_READY = "quotes_ready"
    # To the anchor's users while bidding is open: how many sealed quotes have come in.
    QUOTE_RECEIVED = "quote_received"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    CANCELLED = "cancelled"
    ANCHOR_WAITING = "anchor_waiting"
    ANCHOR_APPROVED = "anchor_approved"
    ANCHOR_REJECTED = "anchor_rejected"
    # To an imported supplier's contact e-mail: claim your profile (onboarding).
    CLAIM_INVITATION = "claim_invitation"
    # Payment to an MSME: 7 days before and on the due date (payments.reminders).
    PAYMENT_DUE_SOON = "payment_due_soon"
    PAYMENT_DUE = "payment_due"


# A message: a string, or a function writing it in the current language (see the docstring).
Text = str | Callable[[], str]


def written_for(text: Text, language: str | None) -> str:
    """``text`` in ``language`` (a recipient's saved choice; None: English)."""
    if not callable(text):
        return text
    from suppliermatch.i18n import DEFAULT_LANGUAGE, in_language

    with in_language(language or DEFAULT_LANGUAGE):
        return text()


def languages_of(session: Session, user_ids: Iterable[int]) -> dict[int, str | None]:
    """{user id: the language the user chose} (None: not chosen)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.locale).where(User.id.in_(ids))).all())


def enqueue(
    session: Session,
    *,
    user_ids: Iterable[int],
    kind: str,
    subject: Text,
    body: Text,
    link: str | None = None,
    dedup_key: str | None = None,
) -> list[Notification]:
    """One notification for each user. With ``dedup_key``, a user already sent that key
    gets nothing new (the key is stored per user as ``<dedup_key>:u<user_id>``)."""
    user_ids = sorted(set(user_ids))
    already: set[str] = set()
    if dedup_key is not None and user_ids:
        keys = [_user_key(dedup_key, uid) for uid in user_ids]
        already = set(
            session.exec(select(Notification.dedup_key).where(Notification.dedup_key.in_(keys)))
        )
    created = []
    languages = languages_of(session, user_ids)
    for user_id in user_ids:
        key = _user_key(dedup_key, user_id) if dedup_key is not None else None
        if key in already:
            continue
        language = languages.get(user_id)
        created.append(
            _queued(
                session,
                kind,
                written_for(subject, language),
                written_for(body, language),
                link,
                key,
                user_id=user_id,
            )
        )
    return created


def _queued(session: Session, kind, subject, body, link, dedup_key, **recipient) -> Notification:
    """The outbox row for one recipient (``user_id`` or ``supplier_id``), cut to the
    columns' lengths."""
    notification = Notification(
        **recipient,
        kind=kind,
        subject=subject[:200],
        body=body[:4000],
        link=link,
        dedup_key=dedup_key,
    )
    session.add(notification)
    return notification


def enqueue_for_listed_supplier(
    session: Session,
    *,
    supplier_id: int,
    kind: str,
    subject: Text,
    body: Text,
    link: str | None = None,
    dedup_key: str | None = None,
) -> Notification | None:
    """An e-mail to an unclaimed supplier profile's contact address, sent with a claim link
    (``delivery``) instead of ``link``. Once the profile is claimed it moves to the new
    user's inbox (onboarding), where ``link`` opens. With ``dedup_key``, nothing new if that
    key was queued already."""
    key = f"{dedup_key}:s{supplier_id}"[:200] if dedup_key is not None else None
    if (
        key is not None
        and session.exec(select(Notification.id).where(Notification.dedup_key == key)).first()
    ):
        return None
    # An unclaimed profile has no one's saved choice yet: English.
    return _queued(
        session,
        kind,
        written_for(subject, None),
        written_for(body, None),
        link,
        key,
        supplier_id=supplier_id,
    )


def _user_key(dedup_key: str, user_id: int) -> str:
    return f"{dedup_key}:u{user_id}"[:200]


def active_users_of(session: Session, organisation_ids: Iterable[int]) -> list[int]:
    """The people who receive an organisation's notifications: its active users."""
    ids = [i for i in set(organisation_ids) if i is not None]
    if not ids:
        return []
    statement = select(User.id).where(User.organisation_id.in_(ids), User.is_active)
    return list(session.exec(statement))


def for_user(session: Session, user_id: int, *, unread_only: bool = False):
    """A statement for a user's notifications, newest first (paginate it)."""
    statement = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    return statement.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(session: Session, user_id: int) -> int:
    statement = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return session.exec(statement).one()


def mark_read(
    session: Session, *, user_id: int, notification_id: int, now: datetime | None = None
) -> Notification:
    notification = session.get(Notification, notification_id)
    # Someone else's notification does not exist, as far as this user can tell.
    if notification is None or notification.user_id != user_id:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = now or utcnow()
    return notification


def mark_all_read(session: Session, *, user_id: int, now: datetime | None = None) -> int:
    unread = session.exec(
        select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ).all()
    moment = now or utcnow()
    for notification in unread:
        notification.read_at = moment
    return len(unread)
