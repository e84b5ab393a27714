"""JSON endpoints of two-factor sign-in: the second step of signing in, turning it on and
off, and the admins' rule that requires it."""

from flask import session as cookie_session
from flask_login import current_user, login_user
from flask_smorest import Blueprint
from werkzeug.exceptions import Unauthorized

from suppliermatch.access import ActorKind, current_actor, forget_current_actor, require
from suppliermatch.accounts import schemas, two_factor
from suppliermatch.accounts.api import me_payload
from suppliermatch.accounts.auth import pending_second_factor
from suppliermatch.audit.service import record_security_event
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db, limiter
from suppliermatch.ratelimits import AUTH_RATE_LIMIT

blp = Blueprint(
    "two_factor_api",
    __name__,
    url_prefix="/api/auth",
    description="Two-factor sign-in (coordinators and admins)",
)
policy_blp = Blueprint(
    "security_policy_api",
    __name__,
    url_prefix="/api/admin/security-policy",
    description="Platform-wide sign-in rules (admins)",
)
NO_PENDING_SIGN_IN = "Sign in with your e-mail and password first; then send the code."


@blp.route("/login/two-factor", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@blp.arguments(schemas.TwoFactorCodeSchema)
@blp.response(200, schemas.MeSchema)
@blp.alt_response(422, description="The code is not right (code)")
def login_second_step(data):
    """The second step of signing in, after POST /api/auth/login answered 202: a code from
    the authenticator app, or a recovery code."""
    user = pending_second_factor()
    if user is None:
        raise Unauthorized(NO_PENDING_SIGN_IN)
    try:
        how = two_factor.verify(db.session, user, data["code"])
    except ValidationFailed:
        record_security_event(db.session, "login_failed", user_id=user.id, note="api, code")
        db.session.commit()
        raise
    record_security_event(db.session, "login", user_id=user.id, note=f"api, {how}")
    db.session.commit()
    cookie_session.clear()
    login_user(user)
    forget_current_actor()
    return me_payload()


def status_payload() -> dict:
    user = current_user._get_current_object()
    return {
        "enabled": two_factor.is_enabled(user),
        "required": two_factor.policy(db.session).two_factor_required,
        "recovery_codes_left": two_factor.recovery_codes_left(db.session, user),
    }


@blp.route("/two-factor", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.response(200, schemas.TwoFactorStatusSchema)
def status():
    """Whether your two-factor sign-in is on, and whether an admin requires it."""
    return status_payload()


@blp.route("/two-factor/setup", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.response(201, schemas.TwoFactorSetupSchema)
@blp.alt_response(409, description="On already")
def start():
    """A new secret for your authenticator app; confirm it with a code to turn it on."""
    secret, uri = two_factor.start(db.session, current_user._get_current_object(), current_actor())
    db.session.commit()
    return {"secret": secret, "otpauth_uri": uri}


@blp.route("/two-factor/confirm", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.TwoFactorCodeSchema)
@blp.response(200, schemas.RecoveryCodesSchema)
@blp.alt_response(422, description="The code is not right (code)")
def confirm(data):
    """Turn two-factor sign-in on with a code from the app; answers the recovery codes, once."""
    codes = two_factor.confirm(db.session, current_user._get_current_object(), data["code"])
    db.session.commit()
    return {"recovery_codes": codes}


@blp.route("/two-factor/disable", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.PasswordConfirmSchema)
@blp.response(204)
@blp.alt_response(409, description="An admin requires it for your role")
def disable(data):
    """Turn two-factor sign-in off (your password confirms it)."""
    two_factor.disable(
        db.session, current_user._get_current_object(), current_actor(), password=data["password"]
    )
    db.session.commit()


@policy_blp.route("", methods=["GET"])
@require(ActorKind.ADMIN)
@policy_blp.response(200, schemas.SecurityPolicySchema)
def get_policy():
    """The platform's sign-in rules."""
    return two_factor.policy(db.session)


@policy_blp.route("", methods=["PUT"])
@require(ActorKind.ADMIN)
@policy_blp.arguments(schemas.SecurityPolicySchema)
@policy_blp.response(200, schemas.SecurityPolicySchema)
def put_policy(data):
    """Require (or stop requiring) two-factor sign-in of every coordinator and admin; those
    without it can do nothing else until they turn it on."""
    rules = two_factor.set_policy(
        db.session, current_actor(), two_factor_required=data["two_factor_required"]
    )
    db.session.commit()
    return rules
