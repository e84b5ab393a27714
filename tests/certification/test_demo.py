"""The demo certificates load onto the demo suppliers, with evidence and verification,
and loading them twice changes nothing."""

import json

from flask import render_template_string
from sqlmodel import func, select

from suppliermatch.certification.demo import DEMO_FILE, EVIDENCE_DIR, load_demo_certificates
from suppliermatch.certification.evidence import detect_format
from suppliermatch.certification.models import CertificateEvidence, SupplierCertificate
from suppliermatch.suppliers.models import Supplier
from tests import factories
from tests.certification.builders import TODAY, make_record


def _demo_suppliers(session, cluster) -> set[str]:
    refs = {row["supplier"] for row in json.loads(DEMO_FILE.read_text())["certificates"]}
    for ref in sorted(refs):
        session.add(Supplier(external_ref=ref, legal_name=f"Demo {ref}", cluster_id=cluster.id))
    factories.make_user(session, kind="coordinator", cluster=cluster)
    session.flush()
    return refs


def _count(session, model) -> int:
    return session.exec(select(func.count(model.id))).one()


def test_demo_certificates_load_once_with_evidence_and_verification(app, session):
    cluster = factories.make_cluster(session)
    _demo_suppliers(session, cluster)
    settings = {"upload_dir": app.config["UPLOAD_DIR"], "max_bytes": 1_000_000, "today": TODAY}
    rows = json.loads(DEMO_FILE.read_text())["certificates"]

    created = load_demo_certificates(session, **settings)
    assert created == len(rows)
    states = {r.state for r in session.exec(select(SupplierCertificate))}
    assert {"planned", "in_preparation", "applied", "audit_scheduled", "certified"} <= states
    verified = session.exec(
        select(SupplierCertificate).where(SupplierCertificate.verification == "verified")
    ).all()
    assert len(verified) == sum(1 for row in rows if row.get("verified"))
    evidence_before = _count(session, CertificateEvidence)
    assert evidence_before == sum(1 for row in rows if row.get("evidence"))

    assert load_demo_certificates(session, **settings) == 0
    assert _count(session, SupplierCertificate) == len(rows)
    assert _count(session, CertificateEvidence) == evidence_before


def test_a_demo_row_for_a_missing_supplier_is_reported_not_fatal(app, session):
    messages = []
    created = load_demo_certificates(
        session,
        messages.append,
        upload_dir=app.config["UPLOAD_DIR"],
        max_bytes=1_000_000,
        today=TODAY,
    )
    assert created == 0
    assert "name a supplier the demo does not have" in messages[0]


def test_the_sample_evidence_files_are_real_pdfs():
    files = sorted(EVIDENCE_DIR.glob("*.pdf"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert detect_format(data).content_type == "application/pdf"
        assert b"SAMPLE - DEMO DATA" in data and data.rstrip().endswith(b"%%EOF")


def test_the_readiness_summary_renders_for_a_profile_page(app, session, cast):
    make_record(session, cast["supplier_a"], code="NABL17025")
    with app.test_request_context("/"):
        html = render_template_string(
            '{% include "certification/_readiness_summary.html" %}', supplier=cast["supplier_a"]
        )
    assert "readiness" in html and "<svg" in html and "%" in html
