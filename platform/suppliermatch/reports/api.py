"""JSON endpoints: /api/reports/dashboard (the cluster dashboard's numbers) and
/api/reports/requirements/<id> (a requirement's match report, and coordinator notes)."""

from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.dates import today_in_india
from suppliermatch.extensions import db
from suppliermatch.reports import match_report, notes, schemas, service
from suppliermatch.reports.dashboard import build_dashboard

blp = Blueprint(
    "reports_api",
    __name__,
    url_prefix="/api/reports",
    description="Cluster dashboard numbers and requirement match reports",
)


@blp.route("/dashboard", methods=["GET"])
@blp.arguments(schemas.DashboardArgs, location="query")
@blp.response(200, schemas.DashboardSchema)
@require(ActorKind.COORDINATOR)
def dashboard(args):
    """Counts, coverage and gaps, readiness funnel and expiring certificates: the
    coordinator's own cluster, or for admins all clusters or the one asked for."""
    actor = current_actor()
    scope = service.dashboard_scope(db.session, actor, args["cluster_id"])
    board = build_dashboard(db.session, actor, scope, today=today_in_india())
    return board.listing_expiring(args["expiring_limit"])


@blp.route("/requirements/<int:requirement_id>", methods=["GET"])
@blp.response(200, schemas.MatchReportSchema)
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
def report(requirement_id):
    """Ranked suppliers with their breakdown and reasons, close misses with what they lack,
    invitations and quotes (totals for the anchor once bidding has ended), and for the
    cluster coordinator its notes."""
    built = match_report.build_report(db.session, current_actor(), requirement_id)
    db.session.commit()  # opening quote totals is recorded in the security log
    return built


@blp.route("/requirements/<int:requirement_id>/notes", methods=["POST"])
@blp.arguments(schemas.NoteInputSchema)
@blp.response(201, schemas.CoordinatorNoteSchema)
@require(ActorKind.COORDINATOR)
def add_note(data, requirement_id):
    """A coordinator's note and recommendation on a supplier for this requirement."""
    note = notes.add_note(db.session, current_actor(), requirement_id=requirement_id, **data)
    db.session.commit()
    return note
