"""Every create of the API honours Idempotency-Key: a retry after a lost answer (a timeout,
a 503 after the write was saved) returns the first answer and creates nothing more."""

import io
from unittest import mock

from sqlmodel import func, select

from suppliermatch import idempotency
from suppliermatch.idempotency import IdempotencyRecord
from suppliermatch.suppliers.models import Capability, SupplierImport
from tests.suppliers.test_import import GOOD_ROW, HEADER


def _count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _add_capability(client, supplier_id, key, **body):
    return client.post(
        f"/api/suppliers/{supplier_id}/capabilities",
        json={"category": "coatings", "description": "Zinc flake", **body},
        headers={idempotency.HEADER: key},
    )


def test_a_retried_create_returns_the_first_answer_and_adds_nothing(session, make_client, cast):
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    before = _count(session, Capability, Capability.supplier_id == supplier_id)
    first = _add_capability(client, supplier_id, "4f1c-capability")
    retry = _add_capability(client, supplier_id, "4f1c-capability")
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers[idempotency.REPLAYED_HEADER] == "true"
    assert idempotency.REPLAYED_HEADER not in first.headers
    assert _count(session, Capability, Capability.supplier_id == supplier_id) == before + 1


def test_the_same_key_with_another_body_is_refused_naming_the_key(session, make_client, cast):
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    _add_capability(client, supplier_id, "reused")
    before = _count(session, Capability, Capability.supplier_id == supplier_id)
    other = _add_capability(client, supplier_id, "reused", description="Hard chrome")
    assert other.status_code == 422
    assert "already used for a different request" in other.get_json()["message"]
    assert idempotency.HEADER in other.get_json()["errors"]
    assert _count(session, Capability, Capability.supplier_id == supplier_id) == before


def test_keys_belong_to_their_user(session, make_client, cast):
    supplier_id = cast["supplier_a"].id
    owner = _add_capability(make_client(cast["msme_a"]), supplier_id, "same-key")
    coordinator = _add_capability(make_client(cast["coordinator_1"]), supplier_id, "same-key")
    assert owner.status_code == coordinator.status_code == 201
    assert owner.get_json()["id"] != coordinator.get_json()["id"]


def test_a_malformed_key_is_refused_and_nothing_is_created(session, make_client, cast):
    supplier_id = cast["supplier_a"].id
    before = _count(session, Capability, Capability.supplier_id == supplier_id)
    response = _add_capability(make_client(cast["msme_a"]), supplier_id, "x" * 101)
    assert response.status_code == 422
    assert idempotency.HEADER in response.get_json()["errors"]
    assert _count(session, Capability, Capability.supplier_id == supplier_id) == before


def test_a_refused_create_is_not_remembered(session, make_client, cast):
    client = make_client(cast["msme_a"])
    refused = _add_capability(client, cast["supplier_a"].id, "try-again", category="alchemy")
    assert refused.status_code == 422
    assert session.exec(select(IdempotencyRecord)).all() == []


def test_an_upload_retried_with_a_new_multipart_boundary_imports_once(session, make_client, world):
    """A client draws a new boundary on every try: the file's content is what counts."""
    coordinator = make_client(world["coordinator_1"])
    content = f"{HEADER}\n{GOOD_ROW}\n".encode()
    answers = []
    for _ in range(2):
        answers.append(
            coordinator.post(
                "/api/suppliers/import",
                data={"file": (io.BytesIO(content), "kalinga.csv")},
                headers={idempotency.HEADER: "import-kalinga-1"},
            )
        )
    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[1].get_json()["id"] == answers[0].get_json()["id"]
    assert _count(session, SupplierImport) == 1


def test_a_create_whose_answer_was_lost_is_not_applied_again(session, make_client, cast):
    """The process died between saving the create (with its key) and storing the answer."""
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    first = _add_capability(client, supplier_id, "answer-lost")
    record = session.exec(select(IdempotencyRecord)).one()
    record.status_code, record.response_body = None, None
    session.commit()
    retry = _add_capability(client, supplier_id, "answer-lost")
    assert first.status_code == 201
    assert retry.status_code == 409
    assert "was applied" in retry.get_json()["message"]
    assert _count(session, Capability, Capability.description == "Zinc flake") == 1


def test_a_retry_racing_its_twin_gets_the_twins_answer(session, make_client, cast):
    """Both requests passed the look-up before either committed: the second one's commit
    meets the key's unique constraint, its create is rolled back, and it answers as the
    first did."""
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    first = _add_capability(client, supplier_id, "twins")
    real_find = idempotency.find_record
    calls = []

    def missed_the_twin(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real_find(*args, **kwargs)

    with mock.patch.object(idempotency, "find_record", side_effect=missed_the_twin):
        second = _add_capability(client, supplier_id, "twins")
    assert second.status_code == 201
    assert second.get_json() == first.get_json()
    assert _count(session, Capability, Capability.description == "Zinc flake") == 1
