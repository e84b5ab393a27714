"""The web application of SupplierMatch.

``create_app`` is the application factory: configuration first, then extensions, then
one blueprint per feature, error handlers and CLI commands.
"""

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from suppliermatch import config as config_module
from suppliermatch import tables  # noqa: F401  (the whole schema, before engines exist)
from suppliermatch.database import engine_settings
from suppliermatch.models_base import MAX_ROW_ID
from suppliermatch.paths import DEFAULT_INSTANCE_DIR, TEMPLATES_DIR


def create_app(test_config: dict | None = None) -> Flask:
    instance_dir = Path(os.environ.get("SUPPLIERMATCH_INSTANCE_DIR", DEFAULT_INSTANCE_DIR))
    app = Flask(
        "suppliermatch",  # the package: its folder is the app's root (static files)
        instance_path=str(instance_dir),
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
    )
    app.config.from_mapping(config_module.default_settings(instance_dir))
    if "DATABASE_URL" in os.environ:
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("SUPPLIERMATCH")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.load_secret_key(instance_dir)
    app.config["SQLALCHEMY_ENGINES"] = {"default": engine_settings(app.config["DATABASE_URL"])}
    if app.config["DATABASE_URL"].startswith("sqlite"):
        instance_dir.mkdir(parents=True, exist_ok=True)

    if app.config.get("ARGON2_PROFILE"):
        from suppliermatch.accounts.passwords import configure_hasher

        configure_hasher(app.config["ARGON2_PROFILE"])
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    register_template_helpers(app)
    logging.getLogger("suppliermatch").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    return app


def register_extensions(app: Flask) -> None:
    from suppliermatch.accounts.auth import init_auth, init_two_factor_gate
    from suppliermatch.audit.origin import init_request_origin
    from suppliermatch.extensions import api, init_database, limiter
    from suppliermatch.i18n import init_i18n
    from suppliermatch.idempotency import init_idempotency
    from suppliermatch.input_text import init_input_text
    from suppliermatch.request_gate import init_request_gate
    from suppliermatch.security import init_security

    init_database(app)
    # First of the before_request hooks: everything after it reads a body of sound shape.
    init_request_gate(app)
    init_request_origin(app)
    init_auth(app)
    init_i18n(app)
    init_security(app)
    init_two_factor_gate(app)
    init_input_text(app)
    init_idempotency(app)
    limiter.init_app(app)
    api.init_app(app)
    from suppliermatch.jobs.queue import init_queue

    init_queue(app)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` limited to what an INTEGER id column holds: a larger id is a 404, not a
    driver error (PostgreSQL refuses to compare an int4 column with 2**31 or more)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    from suppliermatch import features

    app.url_map.converters["int"] = BoundedIntConverter

    for blueprint in features.html_blueprints():
        app.register_blueprint(blueprint)
    from suppliermatch.extensions import api

    for blueprint in features.api_blueprints():
        api.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from suppliermatch.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from suppliermatch import features

    for group in features.cli_groups():
        app.cli.add_command(group)


def register_template_helpers(app: Flask) -> None:
    from suppliermatch import features
    from suppliermatch.access import current_actor
    from suppliermatch.audit.wording import event_words
    from suppliermatch.formats import inr, inr_in_words, number, when

    # Every day, moment, amount and count a page shows goes through these filters
    # (suppliermatch.formats: Babel, the reader's language, Indian conventions).
    app.add_template_filter(when, "when")
    app.add_template_filter(inr, "inr")
    app.add_template_filter(inr_in_words, "inr_in_words")
    app.add_template_filter(number, "number")
    app.add_template_filter(event_words, "event_words")
    app.add_template_filter(email_breaks, "email_breaks")
    from suppliermatch.form_tokens import init_form_tokens

    init_form_tokens(app)

    @app.context_processor
    def navigation():
        return {
            "nav_links": lambda: features.nav_links(current_actor().kind.value),
            "page_url": page_url,
        }


def email_breaks(address: str):
    """An e-mail address that may wrap after its @ rather than inside a word (phones)."""
    from markupsafe import Markup, escape

    local, at, domain = (address or "").partition("@")
    return Markup("{}{}<wbr>{}").format(escape(local), at, escape(domain))


def page_url(page: int) -> str:
    """This page's URL at another page number, keeping its filters and sort."""
    from flask import request, url_for

    return url_for(
        request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "page": page}
    )
