"""The home page, health check and the vendored Swagger UI assets."""

import swagger_ui_bundle
from flask import Blueprint, render_template, send_from_directory
from sqlalchemy import text

from suppliermatch.access import current_actor
from suppliermatch.extensions import db

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    return render_template("home.html", actor=current_actor())


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability, for load balancers and the soak script."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/api/docs/assets/<path:filename>")
def swagger_assets(filename):
    # Served from the swagger-ui-bundle package: no CDN, works offline.
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
