"""Job pages: follow a job you started (progress, then its report or its error), and the
admins' view of all background work (queue depth, failures, the periodic jobs)."""

from flask import Blueprint, redirect, render_template, url_for
from sqlmodel import select

from suppliermatch.access import ActorKind, current_actor, require, require_login
from suppliermatch.accounts.models import User
from suppliermatch.extensions import db
from suppliermatch.i18n import N_, flash
from suppliermatch.jobs import periodic, service
from suppliermatch.jobs.queue import queue
from suppliermatch.jobs.schedule import PERIODIC_JOBS
from suppliermatch.translatable import marked

bp = Blueprint("jobs", __name__)
# A page of a job still going reloads itself this often (seconds).
REFRESH_SECONDS = 2


def job_urls(job, *, api: bool = False) -> dict:
    """Where a job is followed, and where its report is once done."""
    report = None
    if job.state == service.DONE and job.result:
        if job.kind == service.IMPORT.name:
            endpoint = "suppliers_api.get_import" if api else "suppliers.import_report"
            report = url_for(endpoint, import_id=job.result["import_id"])
        elif job.kind == service.DEDUP_SCAN.name:
            endpoint = "suppliers_api.list_duplicates" if api else "suppliers.duplicates"
            report = url_for(endpoint)
    return {
        "page_url": url_for("jobs.job_page", job_id=job.id),
        "status_url": url_for("jobs_api.get_job", job_id=job.id),
        "report_url": report,
    }


@bp.route("/jobs/<int:job_id>", methods=["GET"])
@require_login
def job_page(job_id):
    job = service.get_job_for(db.session, current_actor(), job_id)
    view = service.job_view(queue(), job, urls=job_urls)
    if view["report_url"]:
        # Done: the report is the page to see now (this page reloads itself until then).
        flash(N_("%(job)s done: %(summary)s.", job=marked(view["title"]), summary=view["summary"]))
        return redirect(view["report_url"])
    refresh = REFRESH_SECONDS if job.state not in service.FINISHED else None
    return render_template("jobs/job.html", job=view, refresh=refresh)


@bp.route("/admin/jobs", methods=["GET"])
@require(ActorKind.ADMIN)
def admin_jobs():
    huey = queue()
    status = service.status(db.session, huey)
    ids = {job.started_by_id for job in status.failures if job.started_by_id}
    starters = dict(db.session.exec(select(User.id, User.full_name).where(User.id.in_(ids))).all())
    return render_template(
        "jobs/admin.html",
        status=status,
        failures=[service.job_view(huey, job, urls=job_urls) for job in status.failures],
        periodic=PERIODIC_JOBS,
        last_runs=periodic.last_runs(db.session),
        starters=starters,
    )
