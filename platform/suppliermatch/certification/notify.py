"""Telling an MSME's people about their certificates, through the notification outbox.

Rows are added in the caller's transaction. A ``dedup_key`` makes "send once" a database
fact (the column is unique): a key already queued is skipped, also when two runs race.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from suppliermatch.accounts.models import User
from suppliermatch.notifications.models import Notification
from suppliermatch.notifications.service import Text, languages_of, written_for
from suppliermatch.suppliers.models import Supplier

CERTIFICATE_PAGE = "/certificates/{certificate_id}"


def certificate_link(certificate_id: int) -> str:
    return CERTIFICATE_PAGE.format(certificate_id=certificate_id)


def supplier_user_ids(session: Session, supplier: Supplier) -> list[int]:
    """The active users of the MSME that owns this profile (none for unclaimed profiles)."""
    if supplier.organisation_id is None:
        return []
    statement = (
        select(User.id)
        .where(User.organisation_id == supplier.organisation_id, User.is_active)
        .order_by(User.id)
    )
    return list(session.exec(statement))


def notify_supplier(
    session: Session,
    supplier: Supplier,
    *,
    kind: str,
    subject: Text,
    body: Text,
    link: str | None = None,
    once_key: str | None = None,
) -> int:
    """Queue one notification per user of the supplier, each in the user's language (a
    ``Text`` written when called); return how many were new.

    With ``once_key``, each user gets it at most once ever (key ``{once_key}:user:{id}``).
    """
    queued = 0
    user_ids = supplier_user_ids(session, supplier)
    keys = {uid: f"{once_key}:user:{uid}" if once_key else None for uid in user_ids}
    already = _existing_keys(session, [k for k in keys.values() if k])
    languages = languages_of(session, user_ids)
    for user_id in user_ids:
        key = keys[user_id]
        if key in already:
            continue
        language = languages.get(user_id)
        notification = Notification(
            user_id=user_id,
            kind=kind,
            subject=written_for(subject, language),
            body=written_for(body, language),
            link=link,
            dedup_key=key,
        )
        if key is None:
            session.add(notification)
            queued += 1
            continue
        try:
            with session.begin_nested():
                session.add(notification)
        except IntegrityError:
            continue  # another run queued it a moment ago
        queued += 1
    return queued


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    statement = select(Notification.dedup_key).where(col(Notification.dedup_key).in_(keys))
    return set(session.exec(statement))
