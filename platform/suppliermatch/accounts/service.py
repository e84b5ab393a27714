"""Accounts: sign-up, authentication, session invalidation and API tokens.

Functions take the session explicitly and never commit: the caller (a view or a CLI
command) owns the unit of work.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, func, select

from suppliermatch.accounts.models import (
    ApiToken,
    Cluster,
    MemberRole,
    Organisation,
    OrganisationKind,
    User,
    Vetting,
    new_session_token,
)
from suppliermatch.accounts.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from suppliermatch.accounts.vetting import request_vetting
from suppliermatch.errors import Conflict, NotFound, ValidationFailed
from suppliermatch.models_base import utcnow
from suppliermatch.translatable import N_

# How precisely a token's "last used" time is kept.
TOKEN_USE_RESOLUTION = timedelta(minutes=10)
API_TOKEN_PREFIX = "smk_"  # noqa: S105  (a label, not a secret)
# A hash computed once so that unknown e-mails cost as much time as wrong passwords.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def get_cluster_by_slug(session: Session, slug: str) -> Cluster:
    cluster = session.exec(select(Cluster).where(Cluster.slug == slug)).first()
    if cluster is None:
        raise ValidationFailed(
            N_("No cluster with the slug '%(slug)s'.", slug=slug), field="cluster"
        )
    return cluster


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    organisation: Organisation | None,
    role: str = MemberRole.MEMBER,
    is_admin: bool = False,
    added_by: User | None = None,
    vetted: bool = False,
    email_verified: bool = False,
) -> User:
    """A new user. In an anchor firm the user waits for the cluster coordinator's approval
    unless ``added_by`` is the firm's approved owner or an admin, or the platform itself
    vouches for it (``vetted``: the demo seed).

    The address is unverified until its owner follows a link sent to it (see
    ``account_tokens``), unless the platform vouches for it (``email_verified``: the demo
    seed, and accounts an operator creates on the server)."""
    email = normalise_email(email)
    check_password_policy(password, user_inputs=[email, full_name])
    if find_user_by_email(session, email) is not None:
        raise Conflict("An account with this e-mail already exists.", field="email")
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        organisation_id=organisation.id if organisation else None,
        role=role,
        is_admin=is_admin,
        vetting=initial_vetting(organisation, added_by=added_by, vetted=vetted),
        email_verified_at=utcnow() if email_verified else None,
    )
    session.add(user)
    session.flush()
    if user.vetting == Vetting.PENDING:
        request_vetting(session, user, organisation)
    return user


def initial_vetting(
    organisation: Organisation | None, *, added_by: User | None, vetted: bool
) -> str | None:
    """Where a new user of ``organisation`` starts: only anchor firms' users are vetted."""
    if organisation is None or organisation.kind != OrganisationKind.ANCHOR:
        return None
    if vetted or (added_by is not None and _vouches_for(added_by, organisation)):
        return Vetting.APPROVED
    return Vetting.PENDING


def _vouches_for(user: User, organisation: Organisation) -> bool:
    if user.is_admin:
        return True
    return (
        user.organisation_id == organisation.id
        and user.role == MemberRole.OWNER
        and user.vetting == Vetting.APPROVED
    )


def sign_up_organisation(
    session: Session,
    *,
    kind: OrganisationKind,
    organisation_name: str,
    cluster: Cluster | None,
    email: str,
    password: str,
    full_name: str,
    identifiers: dict | None = None,
) -> User:
    """Create an organisation and its first user, who owns it; an MSME gets its profile, an
    anchor firm waits for its cluster coordinator's approval (see ``vetting``).

    ``identifiers`` (an MSME's ``gstin`` / ``udyam_number``) go on the new profile. One that
    a listed enterprise has already is refused (409 naming it): an unclaimed profile is
    offered for claiming instead (``onboarding.claims``), a claimed one is someone else's.
    """
    identifiers = {k: v for k, v in (identifiers or {}).items() if v}
    if kind == OrganisationKind.MSME and identifiers:
        from suppliermatch.onboarding.claims import refuse_listed_identifiers

        refuse_listed_identifiers(session, identifiers)
    user = create_organisation_with_owner(
        session,
        kind=kind,
        name=organisation_name,
        cluster_id=_id(cluster),
        email=email,
        password=password,
        full_name=full_name,
    )
    organisation = session.get(Organisation, user.organisation_id)
    if kind == OrganisationKind.MSME:
        from suppliermatch.suppliers.profiles.service import (
            SYSTEM_ACTOR,
            create_profile_for_organisation,
            update_supplier,
        )

        profile = create_profile_for_organisation(session, organisation)
        if identifiers:
            update_supplier(
                session, SYSTEM_ACTOR, profile.id, version=profile.version, values=identifiers
            )
    return user


def create_organisation_with_owner(
    session: Session,
    *,
    kind: OrganisationKind,
    name: str,
    cluster_id: int | None,
    email: str,
    password: str,
    full_name: str,
    email_verified: bool = False,
) -> User:
    """A new organisation and its first user, who owns it."""
    organisation = Organisation(kind=kind, name=name.strip(), cluster_id=cluster_id)
    session.add(organisation)
    session.flush()
    return create_user(
        session,
        email=email,
        password=password,
        full_name=full_name,
        organisation=organisation,
        role=MemberRole.OWNER,
        email_verified=email_verified,
    )


def create_coordinator(
    session: Session,
    *,
    email: str,
    password: str,
    full_name: str,
    cluster: Cluster,
    email_verified: bool = False,
) -> User:
    """Coordinators belong to their cluster's office, created on first use."""
    office = session.exec(
        select(Organisation).where(
            Organisation.kind == OrganisationKind.CLUSTER_OFFICE,
            Organisation.cluster_id == cluster.id,
        )
    ).first()
    if office is None:
        office = Organisation(
            kind=OrganisationKind.CLUSTER_OFFICE,
            name=f"{cluster.name} office",
            cluster_id=cluster.id,
        )
        session.add(office)
        session.flush()
    return create_user(
        session,
        email=email,
        password=password,
        full_name=full_name,
        organisation=office,
        email_verified=email_verified,
    )


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user_by_email(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not user.is_active or not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every login cookie issued to the user so far."""
    user.session_token = new_session_token()


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed("The current password is not right.", field="current_password")
    check_password_policy(new_password, user_inputs=[user.email, user.full_name])
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def _digest(token: str) -> str:
    # API tokens are 256-bit random strings: a fast hash is enough, unlike passwords.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the stored record and the token itself, which is shown once and never again."""
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name.strip(), prefix=secret[:12], token_digest=_digest(secret)
    )
    session.add(token)
    session.flush()
    return token, secret


def user_for_api_token(
    session: Session, secret: str
) -> tuple[User, ApiToken, Organisation | None] | None:
    """The active user a live token belongs to, with the token and the user's organisation;
    None for anything else."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    # One round trip for token, user and organisation: every API call starts here.
    found = session.exec(
        select(ApiToken, User, Organisation)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(ApiToken.token_digest == _digest(secret))
    ).first()
    if found is None:
        return None
    token, user, organisation = found
    if token.revoked_at is not None or not user.is_active:
        return None
    return user, token, organisation


def token_use_is_stale(token: ApiToken, now: datetime) -> bool:
    """Whether "last used" is worth writing again: to the minute would make every API call
    a write (and on SQLite, queue every reader behind the writers)."""
    return token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION


def record_token_use(session: Session, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    )


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def count_users(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def _id(obj) -> int | None:
    return obj.id if obj is not None else None
