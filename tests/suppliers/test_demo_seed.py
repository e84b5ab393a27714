"""The demo suppliers load through the service, in every cluster, and loading twice
changes nothing."""

import json

import pytest
from sqlmodel import func, select

from suppliermatch.accounts.models import User
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.seeding.demo import DEMO_DIR, DEMO_PASSWORD
from suppliermatch.suppliers.models import Capability, Supplier
from suppliermatch.suppliers.profiles.seed import load_demo_suppliers
from tests import factories

DEMO_CLUSTERS = ("ganjam", "krishnagiri", "tumakuru", "sanand", "visakhapatnam")


def _snapshot(session):
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Supplier, Capability, SupplierCertificate, User)
    } | {"versions": session.scalar(select(func.sum(Supplier.version)))}


@pytest.mark.slow
def test_demo_suppliers_load_once_and_a_second_load_changes_nothing(session, make_client):
    clusters = {slug: factories.make_cluster(session, slug=slug) for slug in DEMO_CLUSTERS}
    messages = []
    assert load_demo_suppliers(session, messages.append) == 150
    session.commit()
    first = _snapshot(session)
    assert load_demo_suppliers(session, messages.append) == 0
    session.commit()
    assert _snapshot(session) == first

    per_cluster = dict(
        session.execute(
            select(Supplier.cluster_id, func.count()).group_by(Supplier.cluster_id)
        ).all()
    )
    assert {per_cluster[c.id] for c in clusters.values()} == {30}
    states = set(session.exec(select(SupplierCertificate.state)))
    assert states == {"certified", "expired", "applied", "audit_scheduled", "suspended"}
    categories = set(session.exec(select(Capability.category)))
    assert len(categories) == 10

    records = json.loads((DEMO_DIR / "suppliers.json").read_text())
    logins = [r for r in records if r["login"]]
    assert len(logins) == 20 and {r["cluster"] for r in logins} == set(DEMO_CLUSTERS)
    owner = make_client()
    owner.login(logins[0]["login"]["email"], DEMO_PASSWORD)
    profile = owner.get("/api/suppliers/me").get_json()
    assert profile["legal_name"] == logins[0]["legal_name"]
    assert profile["gstin"] == logins[0]["gstin"] and profile["lat"] is not None
