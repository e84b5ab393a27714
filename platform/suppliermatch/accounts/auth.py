"""How a request is authenticated: the login cookie, or a personal API token."""

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from suppliermatch.accounts import service
from suppliermatch.accounts.models import User
from suppliermatch.extensions import db, login_manager


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
        user = service.user_for_api_token(db.session, token)
        if user is not None:
            db.session.commit()  # records last_used_at
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api") or bearer_token() is not None:
            raise Unauthorized("Sign in or send a valid API token.")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def is_token_request() -> bool:
    return bearer_token() is not None and current_user.is_authenticated
