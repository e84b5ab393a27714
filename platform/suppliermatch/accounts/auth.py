"""How a request is authenticated: the login cookie, or a personal API token."""

import logging

from flask import Flask, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Unauthorized

from suppliermatch.access import actor_for_user
from suppliermatch.accounts import service
from suppliermatch.accounts.models import User
from suppliermatch.extensions import db, login_manager
from suppliermatch.models_base import utcnow

log = logging.getLogger(__name__)


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


def is_token_request() -> bool:
    return bearer_token() is not None and current_user.is_authenticated
