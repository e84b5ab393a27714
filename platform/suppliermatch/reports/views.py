"""Pages: the cluster dashboard with its CSV downloads, and the match report of a requirement
(on screen, printable, as CSV) with the coordinator's notes.

Thin: the numbers come from ``dashboard`` and ``match_report``, the access rules from
``service``; each POST commits once or re-renders the page with its errors.
"""

from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, request, url_for
from markupsafe import Markup

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.csv_cells import csv_download, to_csv
from suppliermatch.dates import today_in_india
from suppliermatch.errors import DomainError, NotFound
from suppliermatch.extensions import db
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.i18n import N_, flash
from suppliermatch.reports import charts, exports, match_report, notes, service
from suppliermatch.reports.dashboard import (
    EXPIRING_LISTED,
    EXPIRY_WINDOW,
    THIN_COVERAGE,
    build_dashboard,
    category_name,
    process_name,
)
from suppliermatch.reports.schemas import NoteInputSchema

bp = Blueprint("reports", __name__)


@bp.app_context_processor
def report_helpers():
    return {"category_name": category_name, "process_name": process_name}


# ---------------------------------------------------------------- dashboard


def _dashboard_for_request():
    actor = current_actor()
    scope = service.dashboard_scope(db.session, actor, request.args.get("cluster_id", type=int))
    return build_dashboard(db.session, actor, scope, today=today_in_india())


@bp.route("/dashboard", methods=["GET"])
@require(ActorKind.COORDINATOR)
def dashboard():
    board = _dashboard_for_request()
    actor = current_actor()
    return render_template(
        "reports/dashboard.html",
        d=board,
        charts=dashboard_charts(board),
        count_tables=count_tables(board),
        clusters=service.all_clusters(db.session) if actor.is_admin else [],
        cluster_id=board.scope.cluster.id if board.scope.cluster else None,
        thin_coverage=THIN_COVERAGE,
        expiry_days=EXPIRY_WINDOW.days,
        expiring_shown=EXPIRING_LISTED,
    )


@bp.route("/dashboard/<name>.csv", methods=["GET"])
@require(ActorKind.COORDINATOR)
def dashboard_csv(name):
    if name not in exports.DASHBOARD_TABLES:
        raise NotFound("No such table.")
    board = _dashboard_for_request()
    table = exports.dashboard_table(board, name)
    where = board.scope.cluster.slug if board.scope.cluster else "all-clusters"
    filename = f"{where}-{name}-{board.today.isoformat()}.csv"
    return csv_download(to_csv(table.header, table.rows), filename)


def dashboard_charts(d) -> dict:
    """The dashboard's pictures; every number in them is also in a table on the page."""
    bar = charts.Bar
    return {
        "coverage": charts.bar_chart(
            [
                bar(
                    row.title,
                    row.qualified,
                    f"{row.qualified} qualified",
                    "bad" if row.qualified == 0 else ("warn" if row.thin else "good"),
                )
                for row in d.coverage
            ],
            title="Qualified suppliers per open requirement",
            max_value=max([THIN_COVERAGE * 2, *(r.qualified for r in d.coverage)]),
            empty="No open requirements.",
        ),
        "supply": charts.bar_chart(
            [
                bar(
                    f"{process_name(s.process)} ({s.unit})",
                    100 * s.covered_share if s.comparable else 0,
                    f"{round(100 * s.covered_share)}% covered" if s.comparable else "other units",
                    "good" if s.comparable and s.covered_share >= 1 else "bad",
                )
                for s in d.supply
            ],
            title="Share of open monthly demand the qualified suppliers can make",
            max_value=100,
            empty="No open demand with a quantity.",
        ),
        "unlocks": charts.bar_chart(
            [
                bar(
                    u.name,
                    u.requirements,
                    f"{u.requirements} ({u.unserved} unserved)"
                    if u.unserved
                    else str(u.requirements),
                    "bad" if u.unserved else "accent",
                )
                for u in d.unlocks[:8]
            ],
            title="Open requirements each certificate would open to more suppliers",
            empty="No single certificate stands between a supplier and a requirement.",
        ),
        "funnels": {
            f.slug: charts.funnel_chart(f.stages, title=f"{f.name}: readiness funnel")
            for f in d.funnels
        },
    }


@dataclass(frozen=True)
class CountTable:
    """A count chart on the dashboard with its table: (label, count) rows."""

    name: str
    title: str
    header: tuple[str, str]
    rows: list[tuple[str, int]]
    note: str = ""

    @property
    def chart(self) -> Markup:
        bars = [charts.Bar(label, count) for label, count in self.rows if count]
        return charts.bar_chart(bars, title=self.title, empty="None yet.")


def count_tables(d) -> list[CountTable]:
    return [
        CountTable(
            "categories",
            "MSMEs by category",
            ("Category", "Suppliers"),
            [(c.label, c.count) for c in d.by_category],
            "A supplier offering several categories counts in each.",
        ),
        CountTable(
            "classes",
            "MSMEs by enterprise class",
            ("Class", "Suppliers"),
            [(c.label, c.count) for c in d.by_class],
        ),
        CountTable(
            "places",
            "MSMEs by state and district",
            ("District", "Suppliers"),
            [(f"{p.district}, {p.state}", p.count) for p in d.by_place],
        ),
        CountTable(
            "statuses",
            "Requirements by status",
            ("Status", "Requirements"),
            [(c.label, c.count) for c in d.by_status],
        ),
    ]


# ---------------------------------------------------------------- match report


@bp.route("/requirements/<int:requirement_id>/report", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
def match_report_page(requirement_id):
    return _render_report(requirement_id)


@bp.route("/requirements/<int:requirement_id>/report/print", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
def match_report_print(requirement_id):
    report = match_report.build_report(db.session, current_actor(), requirement_id)
    db.session.commit()  # opening quote totals is recorded in the security log
    return render_template(
        "reports/match_report_print.html", report=report, score_chart=score_chart(report)
    )


@bp.route("/requirements/<int:requirement_id>/report.csv", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
def match_report_csv(requirement_id):
    report = match_report.build_report(db.session, current_actor(), requirement_id)
    db.session.commit()  # opening quote totals is recorded in the security log
    header, rows = match_report.report_rows(report)
    filename = f"match-report-requirement-{requirement_id}.csv"
    return csv_download(to_csv(header, rows), filename)


@bp.route("/requirements/<int:requirement_id>/report/notes", methods=["POST"])
@require(ActorKind.COORDINATOR)
@one_time_form
def add_note(requirement_id):
    actor = current_actor()
    service.noted_requirement(db.session, actor, requirement_id)
    data, errors = load_form(NoteInputSchema(), request.form)
    if data is not None:
        try:
            notes.add_note(db.session, actor, requirement_id=requirement_id, **data)
        except DomainError as error:
            db.session.rollback()
            errors = domain_errors(error)
        else:
            db.session.commit()
            flash(N_("Note saved."))
            target = url_for("reports.match_report_page", requirement_id=requirement_id)
            return redirect(f"{target}#supplier-{data['supplier_id']}")
    return _render_report(requirement_id, errors=errors, form=request.form, status=422)


SCORE_CHART_SHOWN = 10


def score_chart(report) -> Markup:
    """The top of the ranking at a glance: each supplier's score and where it stands."""
    bars = [
        charts.Bar(
            f"{line.rank}. {line.name}",
            line.score,
            f"{line.score:.2f} · {line.stage}",
            "good" if line.qualifies else "warn",
        )
        for line in report.ranked[:SCORE_CHART_SHOWN]
    ]
    return charts.bar_chart(bars, title="Scores of the top-ranked suppliers", max_value=1.0)


def _render_report(requirement_id, *, errors=None, form=None, status=200):
    report = match_report.build_report(db.session, current_actor(), requirement_id)
    if status == 200:
        db.session.commit()  # opening quote totals is recorded in the security log
    page = render_template(
        "reports/match_report.html",
        report=report,
        score_chart=score_chart(report),
        errors=errors or {},
        form=form or {},
        recommendations=notes.RECOMMENDATION_LABELS,
    )
    return page, status
