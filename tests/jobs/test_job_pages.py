"""Imports and duplicate scans run as jobs: 202 with the job, a page that follows it (rows
done of total while it runs, then the report), the error shown to who started it, a retry
only where a second run is harmless, and what admins see of it all."""

import io

import pytest
from sqlmodel import select

from suppliermatch.jobs import service as jobs
from suppliermatch.jobs.models import BackgroundJob, JobUpload
from suppliermatch.suppliers.duplicates import service as dedup_service
from suppliermatch.suppliers.models import Supplier
from suppliermatch.suppliers.profiles import service as suppliers
from tests import factories
from tests.pages import page_text
from tests.suppliers.conftest import ODISHA_GSTIN, ODISHA_UDYAM

HEADER = "supplier_ref,name,gstin,udyam,state,district,pincode"
ROWS = [
    f"K001,Kalinga Surface Coatings,{ODISHA_GSTIN},{ODISHA_UDYAM},Odisha,Ganjam,761008",
    "K002,Utkal Forge Works,,,Odisha,Ganjam,760001",
    "K003,Chilika Magnet Tools,,,Odisha,Khordha,751001",
    "K004,Rushikulya Platers,,,Odisha,Ganjam,761008",
]


def _post_import(client, rows=ROWS):
    content = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
    return client.post("/api/suppliers/import", data={"file": (io.BytesIO(content), "s.csv")})


@pytest.fixture
def coordinator(make_client, world):
    return make_client(world["coordinator_1"])


def test_an_import_waits_then_shows_rows_done_of_total_then_its_report(
    session, coordinator, world, worker, monkeypatch
):
    queued = _post_import(coordinator)
    assert queued.status_code == 202, queued.get_json()
    job = queued.get_json()
    assert (job["state"], job["kind"], job["rows_done"]) == ("queued", "suppliers-import", 0)
    waiting = coordinator.get(job["page_url"])
    assert '<meta http-equiv="refresh"' in waiting.get_data(as_text=True)
    assert "Waiting for a worker" in page_text(waiting)
    assert _count(session, Supplier) == 2  # nothing imported before the worker runs

    # The page, as the person reloading it sees it while the worker is at it.
    seen: list[str] = []
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0)
    advance = jobs.Progress.advance

    def advance_and_look(progress, count):
        advance(progress, count)
        seen.append(page_text(coordinator.get(job["page_url"])))

    monkeypatch.setattr(jobs.Progress, "advance", advance_and_look)
    worker.run_next()

    # Four rows, each counted once checked and once written.
    assert any("Working: 4 of 8 rows done." in page for page in seen), seen
    assert "Working: 8 of 8 rows done." in seen[-1]
    status = coordinator.get(job["status_url"]).get_json()
    assert (status["state"], status["rows_done"], status["rows_total"]) == ("done", 8, 8)
    assert status["result"]["summary"] == "4 rows: 4 new suppliers, 0 updated, 0 with problems"
    report = coordinator.get(status["report_url"]).get_json()
    assert (report["outcome"], report["rows_created"]) == ("imported", 4)
    # The job page sends a finished import on to its report.
    done = coordinator.get(job["page_url"], follow_redirects=True)
    assert "Every row was imported." in page_text(done)
    assert session.exec(select(JobUpload)).all() == []  # the file is not kept


def test_a_failed_import_shows_its_error_to_its_starter_only_and_is_not_retried(
    session, coordinator, make_client, world, worker, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(suppliers, "run_import", broken)
    job = _post_import(coordinator).get_json()
    worker.run_next()

    page = page_text(coordinator.get(job["page_url"]))
    assert "The job failed." in page
    assert "(RuntimeError: the disk went away)" in page
    assert "Nothing of this file was imported." in page
    status = coordinator.get(job["status_url"]).get_json()
    assert (status["state"], status["attempts"]) == ("failed", 1)
    # An import is never tried again by itself: nothing waits and nothing is scheduled.
    assert (worker.huey.pending_count(), worker.huey.scheduled_count()) == (0, 0)
    assert session.exec(select(JobUpload)).all() == []

    # Nobody else's: another coordinator, even of the same cluster, gets 404.
    colleague = factories.make_user(session, kind="coordinator", cluster=world["cluster_1"])
    session.commit()
    for other in (make_client(colleague), make_client(world["coordinator_2"])):
        assert other.get(job["page_url"]).status_code == 404
        assert other.get(job["status_url"]).status_code == 404

    # Admins see it among the failures, with who started it.
    admin = make_client(world["admin"])
    admin_page = page_text(admin.get("/admin/jobs"))
    assert f"Supplier import {job['id']}" in admin_page
    assert world["coordinator_1"].full_name in admin_page
    assert "the disk went away" in admin_page
    listed = admin.get("/api/admin/jobs").get_json()
    assert listed["by_state"]["failed"] == 1
    assert [f["id"] for f in listed["failures"]] == [job["id"]]


def test_a_failed_duplicate_scan_is_retried_and_the_page_says_so(
    session, coordinator, world, worker, monkeypatch
):
    scan = dedup_service.scan_for_duplicates
    calls = []

    def fails_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        return scan(*args, **kwargs)

    monkeypatch.setattr(dedup_service, "scan_for_duplicates", fails_once)
    posted = coordinator.post("/suppliers/duplicates/scan")
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/jobs/")
    worker.run_next()

    page = page_text(coordinator.get(posted.headers["Location"]))
    assert "Waiting for a worker to try again (attempt 2)" in page
    assert "The last attempt stopped: The job stopped on an unexpected error" in page
    assert worker.huey.scheduled_count() == 1

    assert worker.run_retries() == 1
    done = coordinator.get(posted.headers["Location"], follow_redirects=True)
    assert "Duplicate scan done: checked 1 suppliers: 0 possible duplicate pairs, 0 new." in (
        page_text(done)
    )
    job = session.exec(select(BackgroundJob)).one()
    assert (job.state, job.attempts, job.error) == ("done", 2, None)


def test_an_unreadable_upload_is_refused_before_anything_is_queued(coordinator, worker, session):
    refused = coordinator.post(
        "/api/suppliers/import", data={"file": (io.BytesIO(b"%PDF-1.4"), "s.pdf")}
    )
    assert refused.status_code == 422
    assert "upload a .csv or .xlsx file" in refused.get_json()["errors"]["file"][0]
    assert worker.huey.pending_count() == 0
    assert session.exec(select(BackgroundJob)).all() == []


def test_jobs_status_shows_queue_depth_failures_and_the_periodic_jobs(
    app, session, coordinator, worker
):
    coordinator.post("/api/suppliers/duplicates/scan")
    coordinator.post("/api/suppliers/duplicates/scan")
    failed = BackgroundJob(kind="suppliers-import", state="failed", error="file: damaged")
    session.add(failed)
    session.commit()

    result = app.test_cli_runner().invoke(args=["jobs", "status"])

    assert result.exit_code == 0, result.output
    assert "Queue: 2 waiting, 0 retries scheduled." in result.output
    assert "Jobs: queued 2, running 0, done 0, failed 1." in result.output
    assert "requirements-close-expired (every 5 minutes): " in result.output
    assert f"job {failed.id} suppliers-import (user None) " in result.output
    assert result.output.rstrip().endswith("file: damaged")


def _count(session, model):
    session.expire_all()
    return len(session.exec(select(model.id)).all())
