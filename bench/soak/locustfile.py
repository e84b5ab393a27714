"""The soak's users: coordinators browse and search, anchors rank, MSMEs quote and upload.

Run by bench/soak/run_soak.py (which prepares the data and the tokens); not on its own.
Every request is appended to SOAK_REQUEST_LOG as one JSON line (time, name, status, ms,
whether a 5xx had the JSON error shape), and every acknowledged write to SOAK_ACK_LOG, so
the orchestrator can compute per-window error rates and check that no acknowledged write
was lost.
"""

import itertools
import json
import os
import random
import time
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["SOAK_PLAN"]).read())  # noqa: SIM115
REQUEST_LOG = open(os.environ["SOAK_REQUEST_LOG"], "a", buffering=1)  # noqa: SIM115
ACK_LOG = open(os.environ["SOAK_ACK_LOG"], "a", buffering=1)  # noqa: SIM115
QUOTE_SLOTS = itertools.cycle(PLAN["quote_slots"])
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@events.request.add_listener
def log_request(request_type, name, response_time, response_length, response, exception, **_):
    status = getattr(response, "status_code", 0) or 0
    clean = None
    if status >= 500:
        try:
            body = response.json()
            clean = isinstance(body, dict) and "code" in body and "Traceback" not in response.text
        except ValueError:
            clean = False
    REQUEST_LOG.write(
        json.dumps(
            {"t": time.time(), "name": name, "status": status, "ms": response_time, "clean": clean}
        )
        + "\n"
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class Coordinator(HttpUser):
    """Browses supplier profiles and searches the cluster."""

    weight = 5
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.headers = bearer(PLAN["coordinator_token"])

    @task(6)
    def browse_profile(self):
        supplier_id = random.choice(PLAN["supplier_ids"])
        self.client.get(
            f"/api/suppliers/{supplier_id}", headers=self.headers, name="GET /api/suppliers/<id>"
        )

    @task(2)
    def search(self):
        words = random.choice(PLAN["search_terms"])
        self.client.get(
            "/api/suppliers",
            params={"q": words, "per_page": 20},
            headers=self.headers,
            name="GET /api/suppliers?q=",
        )


class Anchor(HttpUser):
    """Ranks suppliers for its requirements."""

    weight = 2
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.headers = bearer(PLAN["anchor_token"])

    @task
    def rank(self):
        requirement_id = random.choice(PLAN["anchor_requirement_ids"])
        self.client.get(
            f"/api/requirements/{requirement_id}/matches",
            params={"per_page": 50},
            headers=self.headers,
            name="GET /api/requirements/<id>/matches",
        )


class Msme(HttpUser):
    """Submits a quote, then revises it; uploads certificate evidence now and then."""

    weight = 3
    wait_time = between(0.5, 2.0)

    def on_start(self):
        slot = next(QUOTE_SLOTS)
        self.headers = bearer(slot["token"])
        self.requirement_id = slot["requirement_id"]
        self.line_item_ids = slot["line_item_ids"]
        self.certificate_id = slot.get("certificate_id")
        self.version = None

    def _quote_body(self) -> dict:
        return {
            "lead_time_days": random.randint(5, 60),
            "valid_until": (date.today() + timedelta(days=60)).isoformat(),
            "notes": "soak test quote",
            "lines": [
                {"line_item_id": i, "unit_price_inr": round(random.uniform(10, 9000), 2)}
                for i in self.line_item_ids
            ],
        }

    @task(3)
    def submit_or_revise_quote(self):
        url = f"/api/requirements/{self.requirement_id}/quotes"
        if self.version is None:
            response = self.client.post(
                url,
                json=self._quote_body(),
                name="POST /api/requirements/<id>/quotes",
                headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
            )
            if response.status_code == 409:  # quoted in an earlier run: revise that one
                mine = self.client.get(
                    f"{url}/mine",
                    headers=self.headers,
                    name="GET /api/requirements/<id>/quotes/mine",
                )
                if mine.status_code == 200:
                    self.version = mine.json()["version"]
                return
        else:
            response = self.client.put(
                f"{url}/mine",
                json={**self._quote_body(), "version": self.version},
                headers=self.headers,
                name="PUT /api/requirements/<id>/quotes/mine",
            )
        if response.status_code in (200, 201):
            body = response.json()
            self.version = body["version"]
            ACK_LOG.write(
                json.dumps(
                    {
                        "kind": "quote",
                        "id": body["id"],
                        "version": body["version"],
                        "t": time.time(),
                    }
                )
                + "\n"
            )

    @task(1)
    def upload_evidence(self):
        if not self.certificate_id:
            return
        response = self.client.post(
            f"/api/certificates/{self.certificate_id}/evidence",
            files={"file": ("certificate.pdf", EVIDENCE_PDF, "application/pdf")},
            headers=self.headers,
            name="POST /api/certificates/<id>/evidence",
        )
        if response.status_code == 201:
            ACK_LOG.write(
                json.dumps({"kind": "evidence", "id": response.json()["id"], "t": time.time()})
                + "\n"
            )
