"""How a request is authenticated: the login cookie, or a personal API token; and the
second step of signing in for users with two-factor sign-in on."""

import logging
import time

from flask import Flask, g, redirect, request, url_for
from flask import session as cookie_session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Forbidden, Unauthorized

from suppliermatch.access import actor_for_user, current_actor
from suppliermatch.accounts import service, two_factor
from suppliermatch.accounts.models import User
from suppliermatch.extensions import db, login_manager
from suppliermatch.models_base import utcnow

log = logging.getLogger(__name__)

# The password was right; the second factor is awaited for this long.
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300
# What a user whom the policy requires to turn on two-factor sign-in may still reach.
ENROLMENT_ENDPOINTS = frozenset(
    {
        "static",
        "home.healthz",
        "accounts.logout",
        "auth_api.logout",
        "auth_api.me",
        "auth_api.csrf_token",
        "two_factor.settings",
        "two_factor.start",
        "two_factor.confirm",
        "two_factor_api.status",
        "two_factor_api.start",
        "two_factor_api.confirm",
    }
)
MUST_ENROL = (
    "Turn on two-factor sign-in first: an admin requires it for your role "
    "(/account/two-factor, or POST /api/auth/two-factor/setup)."
)


def await_second_factor(user: User) -> None:
    """Remember, in this browser's session only, whose password was right: the user is
    signed in once a code proves the second factor (``pending_second_factor``)."""
    cookie_session.clear()
    cookie_session[PENDING_KEY] = {
        "user_id": user.id,
        "session_token": user.session_token,
        "since": int(time.time()),
    }


def pending_second_factor() -> User | None:
    """The user awaiting a code in this browser; None once stale or never."""
    pending = cookie_session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("since", 0) > PENDING_SECONDS:
        cookie_session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending.get("user_id") or 0)
    # A password change or sign-out since then rotated the session token: start again.
    if user is None or not user.is_active or user.session_token != pending.get("session_token"):
        return None
    return user


def bearer_token() -> str | None:
    auth = request.authorization
    if auth is not None and auth.type == "bearer" and auth.token:
        return auth.token
    return None


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user_from_cookie(cookie_id: str):
        # A request that presents a token is judged by the token alone.
        if bearer_token() is not None:
            return None
        user_id, _, session_token = cookie_id.partition(":")
        if not user_id.isdigit() or not session_token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_token != session_token:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(_request):
        token = bearer_token()
        if token is None:
            return None
        found = service.user_for_api_token(db.session, token)
        if found is None:
            return None
        user, api_token, organisation = found
        if service.token_use_is_stale(api_token, utcnow()):
            g.token_used = api_token.id
        # The actor from the organisation just read, rather than reading it again.
        g.actor = actor_for_user(db.session, user, organisation)
        return user

    @app.after_request
    def record_token_use(response):
        # After the view, in a transaction of its own: written inside a GET's deferred SQLite
        # read transaction it would have to upgrade to a writer, which fails ("database is
        # locked") whenever another writer got in first.
        token_id = g.pop("token_used", None)
        if token_id is not None:
            db.session.rollback()  # ends the request's transaction; views commit their own
            try:
                service.record_token_use(db.session, token_id, utcnow())
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()
                log.warning("could not record the use of API token %s", token_id)
        return response

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api") or bearer_token() is not None:
            raise Unauthorized("Sign in or send a valid API token.")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def init_two_factor_gate(app: Flask) -> None:
    """Coordinators and admins whom the policy requires to sign in with a second factor do
    nothing else until they turn it on. Registered after ``security``: loading the user is
    the request's first database read, which on SQLite must begin as a read."""

    @app.before_request
    def two_factor_enrolment_comes_first():
        if request.endpoint in ENROLMENT_ENDPOINTS or not current_user.is_authenticated:
            return None
        if not two_factor.must_enrol(db.session, current_user, current_actor()):
            return None
        if request.path.startswith("/api") or bearer_token() is not None:
            raise Forbidden(MUST_ENROL)
        return redirect(url_for("two_factor.settings"))


def is_token_request() -> bool:
    return bearer_token() is not None and current_user.is_authenticated
