"""The live server as gunicorn runs it (gunicorn.conf.py): the matching index is built in
the master before the workers fork, so a worker that dies is replaced by one that ranks
at once."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.browser.conftest import DEMO_PASSWORD

ANCHOR = "buyer@deccan-repm.demo.in"


def _session(base_url: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{base_url}/api/auth/login",
        data=json.dumps({"email": ANCHOR, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with opener.open(login, timeout=10) as response:
        assert response.status == 200

    def get(path: str):
        with opener.open(f"{base_url}{path}", timeout=30) as response:
            return response.status, json.loads(response.read())

    return get


def _workers(master_pid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True)
    return {int(pid) for pid in found.stdout.split()}


@pytest.mark.slow
def test_index_is_built_before_workers_fork_and_survives_a_killed_worker(live_gunicorn):
    log = live_gunicorn.log_path.read_text()
    ready = re.search(r"indexes ready: matching ([\d,]+) suppliers.*search ([\d,]+)", log)
    assert ready, log
    assert int(ready.group(1).replace(",", "")) > 0
    assert int(ready.group(2).replace(",", "")) > 0
    assert ready.start() < log.index("Booting worker")

    get = _session(live_gunicorn.base_url)
    _, requirements = get("/api/requirements?per_page=100")
    rankings = {
        r["id"]: get(f"/api/requirements/{r['id']}/matches?per_page=10")[1]
        for r in requirements
        if r["status"] == "published"
    }
    requirement_id, before = next((i, m) for i, m in rankings.items() if m["items"])

    master = live_gunicorn.process.pid
    (victim,) = _workers(master)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while not (_workers(master) - {victim}) and time.monotonic() < deadline:
        time.sleep(0.1)
    status, after = get(f"/api/requirements/{requirement_id}/matches?per_page=10")
    assert status == 200
    assert [m["supplier_id"] for m in after["items"]] == [m["supplier_id"] for m in before["items"]]
