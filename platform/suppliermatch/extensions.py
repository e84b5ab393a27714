"""Flask extensions, created unbound and initialised in the app factory."""

import inspect
import logging
from functools import wraps

import sqlalchemy as sa
import sqlmodel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from suppliermatch.api_document import DocumentedApi

log = logging.getLogger(__name__)

# SQLModel's Session adds .exec(); Flask-SQLAlchemy-Lite leaves SQLModel's metadata alone.
db = SQLAlchemy(session_options={"class_": sqlmodel.Session, "expire_on_commit": False})
login_manager = LoginManager()
api = DocumentedApi()
csrf = CSRFProtect()
# The client address is the socket peer: a client-sent X-Forwarded-For is ignored unless
# the deployment puts a trusted proxy in front and configures ProxyFix for it.
limiter = Limiter(key_func=get_remote_address)


def init_database(app) -> None:
    """Flask-SQLAlchemy-Lite, without its teardown for async sessions, and closing its
    sessions without letting a failure there replace the answer.

    The app has no async engine, yet Flask runs an async teardown through asgiref, which
    starts an event loop in a new thread for every request (about a tenth of a
    profile read's time under cProfile, at 100,000 suppliers).
    """
    db.init_app(app)
    app.teardown_appcontext_funcs[:] = [
        closing_without_failing(teardown)
        if teardown.__module__.startswith("flask_sqlalchemy_lite")
        else teardown
        for teardown in app.teardown_appcontext_funcs
        if not inspect.iscoroutinefunction(teardown)
    ]


def closing_without_failing(close_sessions):
    """Closing a session ends its transaction with a ROLLBACK. When the database has just
    dropped the connection, that raises after the answer is made (a committed write's 200,
    or the 503 the error handlers already gave), and escaped to gunicorn as its own HTML
    500. The answer stands; the failure is logged and the pool discards the connection."""

    @wraps(close_sessions)
    def close(error):
        try:
            close_sessions(error)
        except sa.exc.SQLAlchemyError as failure:
            log.warning("closing the database session failed after the answer: %s", failure)

    return close
