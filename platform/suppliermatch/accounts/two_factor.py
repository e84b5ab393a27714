"""Two-factor sign-in for coordinators and admins: TOTP codes (RFC 6238, by pyotp) from an
authenticator app, and one-time recovery codes for a lost phone.

Turning it on takes two steps: a new secret is kept on the user (not in force yet), and a
code from it proves the app has it; only then does sign-in ask for codes, and the recovery
codes are shown, once. Recovery codes are hashed with argon2 as passwords are. An admin may
require two-factor sign-in of every coordinator and admin (``SecurityPolicy``): until they
turn it on they can do nothing but that (``accounts.auth``).

Functions take the session first and never commit.
"""

import secrets
from datetime import datetime

import pyotp
from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import RecoveryCode, SecurityPolicy, User
from suppliermatch.accounts.passwords import hash_password, verify_password
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import Conflict, Forbidden, ValidationFailed
from suppliermatch.models_base import utcnow

ISSUER = "SupplierMatch"
# Who may (and, when an admin requires it, must) sign in with a second factor: the roles
# that see a whole cluster or the whole platform.
TWO_FACTOR_KINDS = frozenset({ActorKind.COORDINATOR, ActorKind.ADMIN})
# RFC 6238 section 5.2 allows for clock drift by accepting codes of nearby time steps; one
# step (30 s) either side is what authenticator apps' clocks need in practice.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
# 10 characters of base32: 50 bits, typed rarely, each good once.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
MAX_CODE_LENGTH = 32
WRONG_CODE = "This code is not right. Use the current code from your app, or a recovery code."
POLICY_ID = 1


def may_use(actor: Actor) -> bool:
    return actor.kind in TWO_FACTOR_KINDS


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def policy(session: Session) -> SecurityPolicy:
    """The platform's sign-in rules (defaults when no admin has set any)."""
    return session.get(SecurityPolicy, POLICY_ID) or SecurityPolicy(id=POLICY_ID)


def set_policy(
    session: Session, actor: Actor, *, two_factor_required: bool, now: datetime | None = None
) -> SecurityPolicy:
    if not actor.is_admin:
        raise Forbidden("Only admins set the sign-in rules.")
    current = session.get(SecurityPolicy, POLICY_ID)
    if current is None:
        current = SecurityPolicy(id=POLICY_ID)
        session.add(current)
    current.two_factor_required = two_factor_required
    current.updated_by_id = actor.user_id
    current.updated_at = now or utcnow()
    record_security_event(
        session,
        "two_factor_policy",
        user_id=actor.user_id,
        entity_type="security_policy",
        entity_id=POLICY_ID,
        note="required" if two_factor_required else "optional",
    )
    session.flush()
    return current


def must_enrol(session: Session, user: User, actor: Actor) -> bool:
    """Whether the policy requires this user to turn two-factor sign-in on before anything
    else. Reads the policy only for coordinators and admins without it."""
    if not may_use(actor) or is_enabled(user):
        return False
    return policy(session).two_factor_required


# -- turning it on and off ---------------------------------------------------------------------


def start(session: Session, user: User, actor: Actor) -> tuple[str, str]:
    """A new secret for the user's app: (secret, otpauth:// URI for a QR code or typing)."""
    if not may_use(actor):
        raise Forbidden("Two-factor sign-in is for coordinators and admins.")
    if is_enabled(user):
        raise Conflict("Two-factor sign-in is on already; turn it off first to change the app.")
    user.totp_secret = pyotp.random_base32()
    session.flush()
    return user.totp_secret, _uri(user)


def _uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm(session: Session, user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """Turn it on with a code from the new secret; returns the recovery codes, shown once."""
    now = now or utcnow()
    if is_enabled(user):
        raise Conflict("Two-factor sign-in is on already.")
    if not user.totp_secret:
        raise Conflict("Start by adding SupplierMatch to your authenticator app.")
    if not _accept_totp(user, code, now):
        raise ValidationFailed(WRONG_CODE, field="code")
    user.totp_enabled_at = now
    codes = _new_recovery_codes(session, user, now)
    record_security_event(session, "two_factor_enabled", user_id=user.id)
    return codes


def disable(session: Session, user: User, actor: Actor, *, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("The password is not right.", field="password")
    if policy(session).two_factor_required and may_use(actor):
        raise Conflict("An admin requires two-factor sign-in for your role: it stays on.")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    _delete_recovery_codes(session, user)
    record_security_event(session, "two_factor_disabled", user_id=user.id)


def _new_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    _delete_recovery_codes(session, user)
    codes = [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(code), created_at=now))
    session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _delete_recovery_codes(session: Session, user: User) -> None:
    for row in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(row)


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.exec(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


# -- signing in ---------------------------------------------------------------------------------


def verify(session: Session, user: User, code: str, *, now: datetime | None = None) -> str:
    """Check the second factor: a TOTP code, or an unused recovery code (spent by this).
    Returns "totp" or "recovery_code"; 422 on ``code`` otherwise."""
    now = now or utcnow()
    if not is_enabled(user) or not code or len(code) > MAX_CODE_LENGTH:
        raise ValidationFailed(WRONG_CODE, field="code")
    if _accept_totp(user, code, now):
        return "totp"
    typed = code.strip().lower().replace("-", "").replace(" ", "")
    unused = session.exec(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if verify_password(row.code_hash, typed):
            row.used_at = now
            return "recovery_code"
    raise ValidationFailed(WRONG_CODE, field="code")


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    """A code of the current time step or one either side, newer than the last accepted:
    RFC 6238 section 5.2 asks that a code is not accepted twice."""
    digits = code.strip().replace(" ", "")
    if not digits.isdigit() or len(digits) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), digits):
            user.totp_last_step = step
            return True
    return False
