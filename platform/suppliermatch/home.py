"""The home page (each signed-in role's start page), health check and the vendored Swagger
UI assets."""

import swagger_ui_bundle
from flask import Blueprint, render_template, send_from_directory
from sqlalchemy import text

from suppliermatch.access import current_actor
from suppliermatch.extensions import db
from suppliermatch.start.service import start_for

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    # Sign-in and sign-up redirect here: a signed-in user lands on its own next jobs.
    actor = current_actor()
    start = start_for(db.session, actor)
    if start is None:
        return render_template("home.html", actor=actor)
    template, content = start
    return render_template(template, actor=actor, start=content)


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and the soak script."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/api/docs/assets/<path:filename>")
def swagger_assets(filename):
    # Served from the swagger-ui-bundle package: no CDN, works offline.
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
