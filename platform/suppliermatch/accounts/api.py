"""JSON endpoints: /api/auth (login, logout, sign-up, me) and /api/tokens."""

from flask import jsonify
from flask import session as cookie_session
from flask_login import current_user, login_user, logout_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import Unauthorized

from suppliermatch.access import (
    ActorKind,
    current_actor,
    forget_current_actor,
    require,
    require_login,
)
from suppliermatch.accounts import account_tokens, mail, schemas, service, two_factor, vetting
from suppliermatch.accounts.auth import await_second_factor
from suppliermatch.accounts.models import OrganisationKind
from suppliermatch.api_common import PageArgs, paginate
from suppliermatch.audit.service import record_security_event
from suppliermatch.extensions import db, limiter
from suppliermatch.ratelimits import (
    AUTH_RATE_LIMIT,
    EMAIL_LINK_RATE_LIMIT,
    account_key,
    signed_in_user_key,
)

blp = Blueprint("auth_api", __name__, url_prefix="/api/auth", description="Sign in and out")
tokens_blp = Blueprint("tokens_api", __name__, url_prefix="/api/tokens", description="API tokens")
vetting_blp = Blueprint(
    "vetting_api",
    __name__,
    url_prefix="/api/anchor-vetting",
    description="Anchor firms waiting for the cluster coordinator's approval",
)


SEND_THE_CODE = "Send the code from your authenticator app to /api/auth/login/two-factor."


def me_payload() -> dict:
    actor = current_actor()
    user = current_user
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "kind": actor.kind.value,
        "vetting": user.vetting,
        "email_verified": user.email_verified_at is not None,
        "organisation_id": actor.organisation_id,
        "cluster_id": actor.cluster_id,
        "supplier_id": actor.supplier_id,
        "csrf_token": generate_csrf(),
    }


@blp.route("/login", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@limiter.limit(AUTH_RATE_LIMIT, key_func=account_key)
@blp.arguments(schemas.LoginSchema)
@blp.response(200, schemas.MeSchema)
@blp.alt_response(202, schema=schemas.TwoFactorPendingSchema, description="Send the code")
def login(credentials):
    """Sign in with e-mail and password; sets the session cookie. With two-factor sign-in
    on, answers 202: send the code to POST /api/auth/login/two-factor."""
    user = service.authenticate(db.session, credentials["email"], credentials["password"])
    if user is None:
        record_security_event(db.session, "login_failed", note="api")
        db.session.commit()
        raise Unauthorized("E-mail or password is not right.")
    if two_factor.is_enabled(user):
        record_security_event(db.session, "login_password_ok", user_id=user.id, note="api")
        db.session.commit()
        await_second_factor(user)
        return jsonify(two_factor_required=True, message=SEND_THE_CODE), 202
    record_security_event(db.session, "login", user_id=user.id, note="api")
    db.session.commit()
    cookie_session.clear()
    login_user(user)
    forget_current_actor()
    return me_payload()


@blp.route("/logout", methods=["POST"])
@blp.response(204)
def logout():
    """Sign out: every copy of the session cookie stops working."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        service.end_all_sessions(user)
        record_security_event(db.session, "logout", user_id=user.id)
        db.session.commit()
        logout_user()
    cookie_session.clear()


@blp.route("/signup", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@blp.arguments(schemas.SignUpSchema)
@blp.response(201, schemas.MeSchema)
def signup(data):
    """Create an MSME or anchor organisation with its first user, and sign in. An anchor
    sees only the public directory until its cluster coordinator approves it."""
    cluster = service.get_cluster_by_slug(db.session, data["cluster"]) if data["cluster"] else None
    user = service.sign_up_organisation(
        db.session,
        kind=OrganisationKind(data["account_type"]),
        organisation_name=data["organisation_name"],
        cluster=cluster,
        email=data["email"],
        password=data["password"],
        full_name=data["full_name"],
        identifiers={"gstin": data["gstin"], "udyam_number": data["udyam_number"]},
    )
    record_security_event(db.session, "signup", user_id=user.id)
    token = account_tokens.request_verification(db.session, user)
    db.session.commit()
    mail.send_email_verification(user, token)
    cookie_session.clear()
    login_user(user)
    forget_current_actor()
    return me_payload()


# Said whether or not the address has an account: which addresses do is not told.
RESET_REQUESTED = (
    "If an account has this address, a link to set a new password is on its way. "
    "It works once, for a short time."
)


@blp.route("/password-reset", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@limiter.limit(EMAIL_LINK_RATE_LIMIT, key_func=account_key)
@blp.arguments(schemas.PasswordResetRequestSchema)
@blp.response(202, schemas.AcceptedSchema)
def request_password_reset(data):
    """E-mail a one-time link to set a new password. The answer is the same whether or not
    the address has an account."""
    found = account_tokens.request_password_reset(db.session, data["email"])
    if found is not None:
        user, token = found
        record_security_event(db.session, "password_reset_requested", user_id=user.id)
        db.session.commit()
        mail.send_password_reset(user, token)
    return {"message": RESET_REQUESTED}


@blp.route("/password-reset/confirm", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@blp.arguments(schemas.PasswordResetConfirmSchema)
@blp.response(204)
@blp.alt_response(422, description="The link is not valid (token), or the password is refused")
def confirm_password_reset(data):
    """Set a new password with the token from the e-mail. Every session of the user ends and
    the user's API tokens are revoked; sign in again with the new password."""
    user = account_tokens.reset_password(
        db.session, token=data["token"], new_password=data["new_password"]
    )
    record_security_event(db.session, "password_reset", user_id=user.id)
    db.session.commit()
    # Whoever this browser was signed in as, it signs in again with the new password.
    logout_user()
    cookie_session.clear()
    forget_current_actor()


@blp.route("/verify-email", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@blp.arguments(schemas.EmailVerificationSchema)
@blp.response(204)
@blp.alt_response(422, description="The link is not valid (token)")
def verify_email(data):
    """Confirm the e-mail address with the token from the sign-up e-mail. The user's other
    sessions end; this browser stays signed in if it is the user's."""
    # Who this browser is, read before the service rotates the user's session token (after
    # it, the cookie no longer loads the user).
    signed_in_as = current_user.id if current_user.is_authenticated else None
    user = account_tokens.verify_email(db.session, token=data["token"])
    record_security_event(db.session, "email_verified", user_id=user.id)
    db.session.commit()
    if signed_in_as == user.id:
        login_user(user)  # the new session token, in this browser's cookie
    forget_current_actor()


@blp.route("/verify-email/resend", methods=["POST"])
@require_login
@limiter.limit(EMAIL_LINK_RATE_LIMIT, key_func=signed_in_user_key)
@blp.response(202, schemas.AcceptedSchema)
@blp.alt_response(409, description="The address is verified already")
def resend_verification():
    """E-mail a new verification link (the earlier one stops working)."""
    user = current_user._get_current_object()
    token = account_tokens.request_verification(db.session, user)
    db.session.commit()
    mail.send_email_verification(user, token)
    return {"message": f"A new link is on its way to {user.email}."}


@blp.route("/me", methods=["GET"])
@blp.response(200, schemas.MeSchema)
@require_login
def me():
    """Who am I, and the CSRF token for cookie-authenticated writes."""
    return me_payload()


@blp.route("/csrf", methods=["GET"])
@blp.response(200, schemas.CsrfSchema)
def csrf_token():
    """A CSRF token for this browser session."""
    return {"csrf_token": generate_csrf()}


@blp.route("/password", methods=["POST"])
@blp.arguments(schemas.PasswordChangeSchema)
@blp.response(204)
@require_login
def change_password(data):
    """Change the password; every other session is signed out."""
    user = current_user._get_current_object()
    service.change_password(
        user, current_password=data["current_password"], new_password=data["new_password"]
    )
    record_security_event(db.session, "password_changed", user_id=user.id)
    db.session.commit()
    login_user(user)  # this browser stays signed in with the new session token


@tokens_blp.route("", methods=["GET"])
@tokens_blp.response(200, schemas.TokenSchema(many=True))
@require_login
def list_tokens():
    """Your API tokens (the secrets themselves are never shown again)."""
    return service.list_api_tokens(db.session, current_user)


@tokens_blp.route("", methods=["POST"])
@tokens_blp.arguments(schemas.TokenCreateSchema)
@tokens_blp.response(201, schemas.NewTokenSchema)
@require_login
def create_token(data):
    """Create a token for an integration; its secret is in this response only."""
    token, secret = service.issue_api_token(db.session, current_user, data["name"])
    db.session.commit()
    return {**token.model_dump(), "token": secret}


@tokens_blp.route("/<int:token_id>", methods=["DELETE"])
@tokens_blp.response(204)
@require_login
def revoke_token(token_id):
    """Revoke one of your tokens."""
    service.revoke_api_token(db.session, current_user, token_id)
    db.session.commit()


@vetting_blp.route("", methods=["GET"])
@require(ActorKind.COORDINATOR)
@vetting_blp.arguments(schemas.VettingQueueArgs, location="query", as_kwargs=True)
@vetting_blp.arguments(PageArgs, location="query", as_kwargs=True)
@vetting_blp.response(200, schemas.ApplicantSchema(many=True))
def vetting_queue(state, page, per_page):
    """Anchor users of your cluster (all, for admins) awaiting approval, oldest first."""
    statement = vetting.vetting_queue(db.session, current_actor(), state=state)
    rows, headers = paginate(db.session, statement, page, per_page)
    return vetting.applicants(rows), 200, headers


@vetting_blp.route("/<int:user_id>", methods=["POST"])
@require(ActorKind.COORDINATOR)
@vetting_blp.arguments(schemas.VettingDecisionSchema)
@vetting_blp.response(200, schemas.ApplicantSchema)
@vetting_blp.alt_response(404, description="No such anchor account in your cluster")
@vetting_blp.alt_response(409, description="Approved already, or rejected already")
def decide_vetting(data, user_id):
    """Approve a waiting (or earlier rejected) anchor user, or reject a waiting one with a
    reason; the user is told."""
    applicant = vetting.decide(
        db.session,
        current_actor(),
        user_id,
        decision=data["decision"],
        reason=data["reason"],
    )
    db.session.commit()
    return applicant
