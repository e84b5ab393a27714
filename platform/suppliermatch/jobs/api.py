"""JSON API for background jobs: /api/jobs/<id> for the person who started one, and
/api/admin/jobs for admins (queue depth, failures, the periodic jobs' last runs)."""

from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, require, require_login
from suppliermatch.extensions import db
from suppliermatch.jobs import periodic, schemas, service
from suppliermatch.jobs.queue import queue
from suppliermatch.jobs.schedule import PERIODIC_JOBS
from suppliermatch.jobs.views import job_urls

blp = Blueprint("jobs_api", __name__, url_prefix="/api", description="Background jobs")


def api_job_view(job) -> dict:
    return service.job_view(queue(), job, urls=lambda j: job_urls(j, api=True))


@blp.route("/jobs/<int:job_id>", methods=["GET"])
@require_login
@blp.response(200, schemas.JobSchema)
@blp.alt_response(404, description="No such job of yours")
def get_job(job_id):
    """A job you started: its state, rows done of total, and its report or error."""
    return api_job_view(service.get_job_for(db.session, current_actor(), job_id))


@blp.route("/admin/jobs", methods=["GET"])
@require(ActorKind.ADMIN)
@blp.response(200, schemas.JobsStatusSchema)
def jobs_status():
    """Background work: what waits in the queue, the latest failures, the periodic jobs."""
    status = service.status(db.session, queue())
    last = periodic.last_runs(db.session)
    return {
        "queue_depth": status.queue_depth,
        "scheduled": status.scheduled,
        "by_state": status.by_state,
        "failures": [api_job_view(job) for job in status.failures],
        "periodic": [
            {
                "name": job.name,
                "every_seconds": int(job.every.total_seconds()),
                "what": job.what,
                "last_period_start": last[job.name].period_start if job.name in last else None,
                "last_finished_at": last[job.name].finished_at if job.name in last else None,
                "last_summary": last[job.name].summary if job.name in last else None,
            }
            for job in PERIODIC_JOBS
        ],
    }
