"""Flask extensions, created unbound and initialised in the app factory."""

import inspect

import sqlmodel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from suppliermatch.api_document import DocumentedApi

# SQLModel's Session adds .exec(); Flask-SQLAlchemy-Lite leaves SQLModel's metadata alone.
db = SQLAlchemy(session_options={"class_": sqlmodel.Session, "expire_on_commit": False})
login_manager = LoginManager()
api = DocumentedApi()
csrf = CSRFProtect()
# The client address is the socket peer: a client-sent X-Forwarded-For is ignored unless
# the deployment puts a trusted proxy in front and configures ProxyFix for it.
limiter = Limiter(key_func=get_remote_address)


def init_database(app) -> None:
    """Flask-SQLAlchemy-Lite, without its teardown for async sessions.

    The app has no async engine, yet Flask runs an async teardown through asgiref, which
    starts an event loop in a new thread for every request (about a tenth of a
    profile read's time under cProfile, at 100,000 suppliers).
    """
    db.init_app(app)
    app.teardown_appcontext_funcs[:] = [
        teardown
        for teardown in app.teardown_appcontext_funcs
        if not inspect.iscoroutinefunction(teardown)
    ]
