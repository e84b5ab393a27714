"""One-time links by e-mail: password reset, e-mail verification, and (for onboarding)
the links and codes that let an MSME claim its imported supplier profile.

One table serves them all (``AccountToken.purpose``). A token is 256 random bits from
``secrets``; only its SHA-256 digest is stored, so a copy of the database cannot be used
to take over accounts. A token expires (``TOKEN_LIFETIMES``), is spent by its first use,
and is replaced by a newer request for the same purpose.

Functions take the session explicitly, accept ``now`` (tests pass a fixed clock) and never
commit: the caller owns the unit of work.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from suppliermatch.accounts.models import AccountToken, ApiToken, TokenPurpose, User
from suppliermatch.accounts.passwords import check_password_policy, hash_password
from suppliermatch.accounts.service import end_all_sessions, find_user_by_email
from suppliermatch.errors import Conflict, ValidationFailed
from suppliermatch.models_base import utcnow

# OWASP's Forgot Password cheat sheet asks for reset tokens that expire "after an
# appropriate period"; an hour covers slow mail and is short for a link sitting in an inbox.
# A verification link only proves the address, so it may wait in the inbox for a weekend.
# An invitation to claim a profile goes to an MSME that has not asked for it and may read
# its mail weekly: two weeks, and the coordinator can resend. A claim code is typed in the
# sign-up the applicant has open: half an hour.
TOKEN_LIFETIMES = {
    TokenPurpose.PASSWORD_RESET: timedelta(hours=1),
    TokenPurpose.EMAIL_VERIFICATION: timedelta(days=3),
    TokenPurpose.SUPPLIER_INVITATION: timedelta(days=14),
    TokenPurpose.CLAIM_CODE: timedelta(minutes=30),
}
# 32 bytes: 256 bits, URL-safe base64 of 43 characters.
TOKEN_BYTES = 32
# Longer than any token we issue; bounds what is hashed and looked up.
MAX_TOKEN_LENGTH = 128
# One message whatever is wrong: unknown, used, replaced or expired links are alike to a
# guesser, and the remedy for a real user is the same.
INVALID_LINK = (
    "This link is not valid: it was used already, replaced by a newer one, or it expired. "
    "Ask for a new one."
)


def digest(token: str) -> str:
    # A fast hash is enough for a 256-bit random token (it cannot be guessed offline),
    # unlike a password; it lets the lookup be one indexed equality.
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User, purpose: TokenPurpose, *, now: datetime | None = None):
    """A new token for ``user``: returns the raw token, to be e-mailed and never stored.

    Any earlier unspent token of the same purpose stops working (a newer request wins).
    """
    return issue_for(session, purpose, holder=AccountToken.user_id, holder_id=user.id, now=now)


def issue_for(
    session: Session,
    purpose: TokenPurpose,
    *,
    holder,
    holder_id: int,
    now: datetime | None = None,
    secret: str | None = None,
) -> str:
    """A new token held by ``holder`` (``AccountToken.user_id`` or ``.supplier_id``) =
    ``holder_id``, replacing its unspent one of the same purpose. ``secret``: a code made by
    the caller (claim codes are typed, so they are shorter than links)."""
    now = now or utcnow()
    session.execute(
        delete(AccountToken).where(
            holder == holder_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
    )
    secret = secret or secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        AccountToken(
            **{holder.key: holder_id},
            purpose=purpose,
            token_digest=digest(secret),
            created_at=now,
            expires_at=now + TOKEN_LIFETIMES[purpose],
        )
    )
    session.flush()
    return secret


def live_token(
    session: Session, token: str, purpose: TokenPurpose, *, now: datetime | None = None
) -> AccountToken | None:
    """The unspent, unexpired token of ``purpose`` with this value; None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    row = session.exec(
        select(AccountToken).where(
            AccountToken.token_digest == digest(token), AccountToken.purpose == purpose
        )
    ).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def peek(
    session: Session, token: str, purpose: TokenPurpose, *, now: datetime | None = None
) -> tuple[AccountToken, User] | None:
    """The live token and its active user, without spending it; None for anything else."""
    row = live_token(session, token, purpose, now=now)
    if row is None or row.user_id is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return row, user


def spend(session: Session, row: AccountToken, now: datetime) -> None:
    """Mark the token used. Conditional on still being unspent: of two requests with the
    same link, one wins and the other is refused (422 on ``token``)."""
    spent = session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise ValidationFailed(INVALID_LINK, field="token")


# -- password reset ----------------------------------------------------------------------------


def request_password_reset(
    session: Session, email: str, *, now: datetime | None = None
) -> tuple[User, str] | None:
    """The user and a reset token for ``email``, or None when no active account has it.

    The caller answers alike either way: whether an address has an account is not told.
    """
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return None
    return user, issue(session, user, TokenPurpose.PASSWORD_RESET, now=now)


def reset_password(
    session: Session, *, token: str, new_password: str, now: datetime | None = None
) -> User:
    """Set a new password with a reset token; ends every session and API token of the user.

    The token is checked first and spent last, after the password policy: a refused
    password leaves the link usable for a better one.
    """
    now = now or utcnow()
    found = peek(session, token, TokenPurpose.PASSWORD_RESET, now=now)
    if found is None:
        raise ValidationFailed(INVALID_LINK, field="token")
    row, user = found
    try:
        check_password_policy(new_password, user_inputs=[user.email, user.full_name])
    except ValidationFailed as refused:
        # The policy names ``password``; here the field is ``new_password``.
        raise ValidationFailed(refused.message, field="new_password") from refused
    spend(session, row, now)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    # Personal API tokens are revoked too. A reset is what someone does who lost the
    # password or fears it is known; whoever knew it could have made a token, which would
    # outlive the reset and keep full access. Integrations need a new token: the page says so.
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    # Following a link sent to the address proves the address as well as a verification does.
    if user.email_verified_at is None:
        user.email_verified_at = now
    return user


# -- e-mail verification -----------------------------------------------------------------------


def request_verification(session: Session, user: User, *, now: datetime | None = None) -> str:
    """A verification token for a user not verified yet (409 when verified already)."""
    if user.email_verified_at is not None:
        raise Conflict("Your e-mail address is verified already.")
    return issue(session, user, TokenPurpose.EMAIL_VERIFICATION, now=now)


def verify_email(session: Session, *, token: str, now: datetime | None = None) -> User:
    """Mark the address of the token's user as verified and end the user's other sessions.

    Sessions end because verification is when the owner of the address takes the account
    over: whoever signed in before it may be someone who signed up with an address that is
    not theirs (an account "pre-hijack"), and must not stay signed in.
    """
    now = now or utcnow()
    found = peek(session, token, TokenPurpose.EMAIL_VERIFICATION, now=now)
    if found is None:
        raise ValidationFailed(INVALID_LINK, field="token")
    row, user = found
    spend(session, row, now)
    if user.email_verified_at is None:
        user.email_verified_at = now
    end_all_sessions(user)
    return user
