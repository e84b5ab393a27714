"""The world the security tests look at: two clusters, each tenant owning something of each kind.

Cluster 1: MSME A (its profile with a capability, equipment, an issued certificate with a
PDF as evidence, a plan), MSME C (a competitor of A), anchor X and coordinator 1. Each
cluster has a duplicate pair and an import report for its coordinator.
Cluster 2: MSME B, anchor Y and coordinator 2. Plus an admin who belongs nowhere.

Anchor X's requirements, one per stage of an RFQ's life (draft, open with A invited,
quoting and shortlisted, open with A only invited, bidding ended, awarded to A), all with
the sentinel budget; A's quotes carry the sentinel price (the sealed one while bidding is
open). Anchor Y has an open requirement in cluster 2 for MSME B. Names are distinctive,
so a page or a list that shows another tenant's object can be caught by its name.

Everything is built through the services users reach through the API, so that the rows
look exactly like real ones.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from flask import current_app
from sqlmodel import Session, select

from suppliermatch.access import actor_for_user
from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import OrganisationKind, User
from suppliermatch.certification import evidence as evidence_service
from suppliermatch.certification import service as certificates
from suppliermatch.jobs.models import BackgroundJob
from suppliermatch.matching import service as shortlist
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.requirements import awards, drawings, invitations, quotes
from suppliermatch.requirements import service as requirements
from suppliermatch.requirements.demo import SENTINEL_BUDGET_INR
from suppliermatch.requirements.models import Award, Requirement
from suppliermatch.suppliers.models import DuplicateCandidate, Supplier, SupplierImport
from suppliermatch.suppliers.profiles import service as suppliers
from tests import factories
from tests.certification.documents import certificate_pdf

# The cast of the ``world`` fixture (tests/conftest.py) too.
WORLD_ROLES = (
    "anonymous",
    "msme_a",
    "msme_b",
    "anchor_x",
    "anchor_y",
    "coordinator_1",
    "coordinator_2",
    "admin",
)
# The users whose view of every route is tabled, in the order the table lists them; the
# unvetted anchor signed up as an anchor firm in cluster 1, and coordinator 1 has not
# approved it.
ROLES = (*WORLD_ROLES, "unvetted_anchor")
SIGNED_IN_ROLES = ROLES[1:]
UNVETTED_FIRM = "Vikram Unvetted Magnets"

# A's unit price on every quote line once bidding has ended: no competitor may ever read it.
SENTINEL_PRICE_INR = 987654.32
# A's unit price on the requirement still open for quotes: sealed, so only A may read it.
SEALED_PRICE_INR = 876543.21
# Anchor X's budget ceiling on every requirement: only X and its coordinator may read it.
SENTINEL_BUDGET = SENTINEL_BUDGET_INR

# Identifiers with correct check characters, in Odisha (state code 21 / OD).
GSTIN_A = "21AABCK1234F1ZB"
UDYAM_A = "UDYAM-OD-07-0012345"
PINCODE_A = "761008"
# A's identity beyond the directory: for A, the vetted anchor and the coordinator of its
# cluster, and admins; never anyone else (an unvetted anchor of its own cluster included).
IDENTITY_A = {
    "gstin": GSTIN_A,
    "udyam_number": UDYAM_A,
    # As stored: phones are kept in E.164 (reference/phones.py).
    "phone": "+916802223344",
    "email": "accounts@asha-sentinel.example",
    "contact_name": "Sushila Sentinel Rath",
    "address": "Plot 17, Sentinel Industrial Estate, Chhatrapur",
}
PAN_A = GSTIN_A[2:12]
TURNOVER_A_INR = 73_519_864
INVESTMENT_A_INR = 14_862_973
# Anchor X's purchase order to A under the award, and A's invoice on it: payment data is
# for the two parties (and admins); the coordinator sees counts only.
SENTINEL_PO_VALUE_INR = 7_531_864.29
SENTINEL_INVOICE_INR = 642_917.53


@dataclass
class Scenario:
    users: dict[str, User]
    cluster_1: object
    cluster_2: object
    supplier_a: Supplier
    supplier_b: Supplier
    supplier_c: Supplier
    # A cluster 1 profile kept out of the public directory.
    unlisted_supplier: Supplier
    ids: dict[str, int] = field(default_factory=dict)
    # Bearer secrets, one per signed-in role (and MSME C).
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


# What a competing supplier quotes: an ordinary price, nothing like the sentinel.
RIVAL_PRICE_INR = 1180.0


def build_scenario(session: Session, *, rivals_quote: bool = False) -> Scenario:
    """Build the whole world and commit it (the test's transaction still rolls it back).

    With ``rivals_quote``, MSME B (cluster 2) and MSME C (cluster 1) are invited to each of
    anchor X's requirements that A quotes on, and quote too: the sentinel tests' setting.
    Without it MSME B has nothing to do with anchor X, as the authorisation table expects.
    """
    cluster_1 = factories.make_cluster(session, slug=factories.unique("east"))
    cluster_2 = factories.make_cluster(session, slug=factories.unique("west"))
    users = {
        "msme_a": factories.make_user(session, kind="msme", cluster=cluster_1),
        "msme_b": factories.make_user(session, kind="msme", cluster=cluster_2),
        "msme_c": factories.make_user(session, kind="msme", cluster=cluster_1),
        "anchor_x": factories.make_user(session, kind="anchor", cluster=cluster_1),
        "anchor_y": factories.make_user(session, kind="anchor", cluster=cluster_2),
        "coordinator_1": factories.make_user(session, kind="coordinator", cluster=cluster_1),
        "coordinator_2": factories.make_user(session, kind="coordinator", cluster=cluster_2),
        "admin": factories.make_user(session, kind="admin"),
        "unvetted_anchor": _unvetted_anchor(session, cluster_1),
    }
    supplier_a = _profile(
        session,
        users["msme_a"],
        legal_name="Asha Precision Works",
        pincode=PINCODE_A,
        turnover_inr=TURNOVER_A_INR,
        investment_inr=INVESTMENT_A_INR,
        **IDENTITY_A,
    )
    supplier_b = _profile(session, users["msme_b"], legal_name="Bhavani Graphite Products")
    supplier_c = _profile(session, users["msme_c"], legal_name="Chola Surface Coatings")
    unlisted = suppliers.create_supplier(
        session,
        suppliers.SYSTEM_ACTOR,
        # Imported, never claimed: the coordinator may invite it to claim the profile.
        values={
            "legal_name": "Dhruv Unlisted Foundry",
            "is_public": False,
            "email": "works@dhruv-unlisted.example",
        },
        cluster_slug=cluster_1.slug,
    )
    scenario = Scenario(
        users=users,
        cluster_1=cluster_1,
        cluster_2=cluster_2,
        supplier_a=supplier_a,
        supplier_b=supplier_b,
        supplier_c=supplier_c,
        unlisted_supplier=unlisted,
    )
    ids = scenario.ids
    ids.update(
        cluster_1=cluster_1.id,
        cluster_2=cluster_2.id,
        supplier_a=supplier_a.id,
        supplier_b=supplier_b.id,
        supplier_c=supplier_c.id,
        unlisted_supplier=unlisted.id,
        applicant=users["unvetted_anchor"].id,
        applicant_firm=users["unvetted_anchor"].organisation_id,
    )
    _profile_details(session, scenario)
    _certificates(session, scenario)
    _requirements(session, scenario, rivals_quote=rivals_quote)
    _cluster_office_work(session, scenario)
    _payments(session, scenario)
    _qualifications(session, scenario)
    for role, user in users.items():
        _, scenario.tokens[role] = accounts.issue_api_token(session, user, f"{role} tests")
    ids["token_a"] = accounts.list_api_tokens(session, users["msme_a"])[0].id
    ids["notification_a"] = session.exec(
        select(Notification.id)
        .where(Notification.user_id == users["msme_a"].id)
        .order_by(Notification.id)
    ).first()
    session.commit()
    return scenario


def _unvetted_anchor(session: Session, cluster) -> User:
    firm = factories.make_organisation(
        session, kind=OrganisationKind.ANCHOR, cluster=cluster, name=UNVETTED_FIRM
    )
    return factories.make_user(session, kind="anchor", organisation=firm, vetted=False)


def _profile(session: Session, user: User, **values) -> Supplier:
    supplier = factories.supplier_profile_for(session, user)
    actor = actor_for_user(session, user)
    return suppliers.update_supplier(
        session, actor, supplier.id, version=supplier.version, values=values
    )


def _profile_details(session: Session, scenario: Scenario) -> None:
    system = suppliers.SYSTEM_ACTOR
    for key, supplier in (("a", scenario.supplier_a), ("b", scenario.supplier_b)):
        capability = suppliers.add_child(
            session,
            system,
            suppliers.CAPABILITIES,
            supplier.id,
            values={
                "category": "coatings",
                "process": "nicuni_plating",
                "description": "Barrel NiCuNi plating of sintered NdFeB blocks",
            },
        )
        equipment = suppliers.add_child(
            session, system, suppliers.EQUIPMENT, supplier.id, values={"machine": "Plating line"}
        )
        scenario.ids[f"capability_{key}"] = capability.id
        scenario.ids[f"equipment_{key}"] = equipment.id


def _certificates(session: Session, scenario: Scenario) -> None:
    today = certificates.today_in_india()
    for key, supplier, user in (
        ("a", scenario.supplier_a, scenario.users["msme_a"]),
        ("b", scenario.supplier_b, scenario.users["msme_b"]),
    ):
        actor = actor_for_user(session, user)
        held = certificates.create_certificate(
            session,
            actor,
            code="ISO9001",
            state="certified",
            certificate_number=f"QMS-{supplier.id}-2024",
            issuing_body="TUV India",
            issued_on=today - timedelta(days=400),
            expires_on=today + timedelta(days=700),
        )
        plan = certificates.create_certificate(
            session, actor, code="IATF16949", target_on=today + timedelta(days=200)
        )
        document = certificate_pdf([f"ISO 9001:2015 certificate for {supplier.legal_name}"])
        evidence = evidence_service.add_evidence(
            session,
            actor,
            held.id,
            stream=BytesIO(document),
            filename="iso9001.pdf",
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_bytes=len(document),
        )
        scenario.ids[f"certificate_{key}"] = held.id
        scenario.ids[f"plan_{key}"] = plan.id
        scenario.ids[f"evidence_{key}"] = evidence.id


def _drawing(session: Session, anchor: User, requirement: Requirement) -> int:
    """A drawing of anchor X's open requirement: its invited suppliers may open it."""
    document = certificate_pdf(["Drawing VM-AS-12 rev B: arc segment, NiCuNi 15 um"])
    drawing = drawings.add_drawing(
        session,
        actor_for_user(session, anchor),
        requirement.id,
        stream=BytesIO(document),
        filename="VM-AS-12.pdf",
        upload_dir=current_app.config["UPLOAD_DIR"],
        max_bytes=len(document),
    )
    return drawing.id


def _requirement(session: Session, anchor: User, title: str, **fields) -> Requirement:
    fields.setdefault("budget_min_inr", SENTINEL_BUDGET - 250_000)
    fields.setdefault("budget_max_inr", SENTINEL_BUDGET)
    fields.setdefault("required_certs", ["ISO9001"])
    return factories.make_requirement(session, anchor_user=anchor, title=title, **fields)


def quote_data(session: Session, requirement_id: int, price: float) -> dict:
    return {
        "lead_time_days": 21,
        "valid_until": (utcnow() + timedelta(days=60)).date(),
        "notes": "Isostatic graphite, ash below 50 ppm",
        "lines": [
            {"line_item_id": item.id, "unit_price_inr": price}
            for item in requirements.line_items(session, requirement_id)
        ],
    }


def _invite(session: Session, anchor: User, requirement: Requirement, *supplier_ids: int) -> None:
    invitations.invite_suppliers(
        session,
        actor=actor_for_user(session, anchor),
        requirement_id=requirement.id,
        supplier_ids=list(supplier_ids),
    )


def _quote(session: Session, user: User, requirement: Requirement, price: float) -> None:
    quotes.submit_quote(
        session,
        actor=actor_for_user(session, user),
        requirement_id=requirement.id,
        data=quote_data(session, requirement.id, price),
    )


def end_bidding(session: Session, requirement: Requirement) -> None:
    """Move the quote deadline into the past, as if the clock had run on."""
    session.refresh(requirement)
    requirement.quote_deadline = utcnow() - timedelta(minutes=1)
    session.add(requirement)
    session.flush()


def _requirements(session: Session, scenario: Scenario, *, rivals_quote: bool) -> None:
    users, ids = scenario.users, scenario.ids
    anchor_x = users["anchor_x"]
    a, c = scenario.supplier_a.id, scenario.supplier_c.id

    def rivals(requirement: Requirement) -> None:
        if not rivals_quote:
            return
        _invite(session, anchor_x, requirement, scenario.supplier_b.id)
        for rival in ("msme_b", "msme_c"):
            _quote(session, users[rival], requirement, RIVAL_PRICE_INR)

    draft = _requirement(session, anchor_x, "X draft: graphite fixtures", publish=False)
    open_quoted = _requirement(session, anchor_x, "X open: NiCuNi plating of arc segments")
    _invite(session, anchor_x, open_quoted, a, c)
    ids["drawing_open"] = _drawing(session, anchor_x, open_quoted)
    shortlist.add_to_shortlist(
        session, open_quoted.id, actor=actor_for_user(session, anchor_x), supplier_id=a
    )
    _quote(session, users["msme_a"], open_quoted, SEALED_PRICE_INR)
    rivals(open_quoted)
    open_invited = _requirement(session, anchor_x, "X invitation: salt-spray testing")
    _invite(session, anchor_x, open_invited, a)
    ended = _requirement(session, anchor_x, "X ended: wire EDM of pole pieces")
    _invite(session, anchor_x, ended, a, c)
    _quote(session, users["msme_a"], ended, SENTINEL_PRICE_INR)
    rivals(ended)
    awarded = _requirement(session, anchor_x, "X awarded: hydrogen decrepitation furnace")
    _invite(session, anchor_x, awarded, a, c)
    _quote(session, users["msme_a"], awarded, SENTINEL_PRICE_INR)
    rivals(awarded)
    end_bidding(session, ended)
    end_bidding(session, awarded)
    awards.award(
        session,
        actor=actor_for_user(session, anchor_x),
        requirement_id=awarded.id,
        allocations=[{"supplier_id": a}],
    )
    award_id = session.exec(select(Award.id).where(Award.requirement_id == awarded.id)).one()

    theirs = _requirement(
        session,
        users["anchor_y"],
        "Y open: jet milling of alloy flakes",
        budget_min_inr=None,
        budget_max_inr=None,
    )
    _invite(session, users["anchor_y"], theirs, scenario.supplier_b.id)
    ids.update(
        rfq_draft=draft.id,
        rfq_open=open_quoted.id,
        rfq_invited=open_invited.id,
        rfq_ended=ended.id,
        rfq_awarded=awarded.id,
        award=award_id,
        rfq_y=theirs.id,
    )


def _payments(session: Session, scenario: Scenario) -> None:
    """A purchase order under the award, delivered twice (once objected to), invoiced once."""
    from suppliermatch.dates import today_in_india
    from suppliermatch.payments import service as payments

    anchor = actor_for_user(session, scenario.users["anchor_x"])
    msme = actor_for_user(session, scenario.users["msme_a"])
    today = today_in_india()
    order = payments.create_purchase_order(
        session,
        actor=anchor,
        award_id=scenario.ids["award"],
        data={
            "number": "PO/X/0001",
            "ordered_on": today - timedelta(days=10),
            "quantity": 400,
            "value_inr": SENTINEL_PO_VALUE_INR,
            "agreed_payment_days": 30,
        },
    )
    delivered = {"delivered_on": today - timedelta(days=3), "quantity": 100}
    delivery = payments.record_delivery(session, actor=msme, order_id=order.id, data=delivered)
    objected = payments.record_delivery(session, actor=msme, order_id=order.id, data=delivered)
    payments.object_to_delivery(
        session, actor=anchor, delivery_id=objected.id, objected_on=today, reason="Short count"
    )
    invoice = payments.create_invoice(
        session,
        actor=msme,
        order_id=order.id,
        data={
            "delivery_id": delivery.id,
            "number": "ASHA/INV/0001",
            "invoiced_on": today - timedelta(days=3),
            "amount_inr": SENTINEL_INVOICE_INR,
        },
    )
    scenario.ids.update(
        purchase_order=order.id,
        delivery=delivery.id,
        delivery_objected=objected.id,
        invoice=invoice.id,
    )


def _qualifications(session: Session, scenario: Scenario) -> None:
    """Two PPAP level 1 qualifications under the award: one open with its warrant uploaded,
    one approved with an 8D whose containment (D3) is written."""
    import io

    from flask import current_app

    from suppliermatch.dates import today_in_india
    from suppliermatch.qualification import service as qualification

    anchor = actor_for_user(session, scenario.users["anchor_x"])
    msme = actor_for_user(session, scenario.users["msme_a"])
    template = qualification.create_template(
        session, actor=anchor, data={"name": "PPAP level 1", "kind": "ppap", "ppap_level": 1}
    )

    def opened(part: str):
        q = qualification.open_qualification(
            session,
            actor=anchor,
            award_id=scenario.ids["award"],
            data={"template_id": template.id, "part": part},
        )
        [element] = qualification.elements_of(session, q.id)
        qualification.upload_element(
            session,
            actor=msme,
            element_id=element.id,
            stream=io.BytesIO(certificate_pdf(["Part submission warrant"])),
            filename="psw.pdf",
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_bytes=10**6,
        )
        return q, element

    open_one, element = opened("Graphite boat GB-200")
    approved, approved_element = opened("Graphite tray GT-40")
    qualification.submit(session, actor=msme, qualification_id=approved.id)
    qualification.review_element(
        session, actor=anchor, element_id=approved_element.id, accept=True, reason=None
    )
    qualification.decide(
        session,
        actor=anchor,
        qualification_id=approved.id,
        decision="approved",
        valid_until=today_in_india() + timedelta(days=365),
    )
    action = qualification.open_corrective_action(
        session,
        actor=anchor,
        qualification_id=approved.id,
        data={"lot_reference": "LOT-1", "rejected_on": today_in_india(), "problem": "Cracks"},
    )
    qualification.update_disciplines(
        session, actor=msme, action_id=action.id, disciplines={"d3": "Lot quarantined"}
    )
    scenario.ids.update(
        qual_template=template.id,
        qualification=open_one.id,
        qual_element=element.id,
        qualification_approved=approved.id,
        corrective_action=action.id,
    )


def _cluster_office_work(session: Session, scenario: Scenario) -> None:
    """A duplicate pair and an import report in each cluster, for the coordinators' pages."""
    for key, cluster in (("1", scenario.cluster_1), ("2", scenario.cluster_2)):
        first = factories.make_supplier(
            session, cluster=cluster, legal_name=f"Sai Tools {key} Pvt Ltd"
        )
        second = factories.make_supplier(session, cluster=cluster, legal_name=f"Sai Tools {key}")
        pair = DuplicateCandidate(
            supplier_id=first.id,
            other_supplier_id=second.id,
            score=0.93,
            evidence=["same phone number"],
        )
        record = SupplierImport(
            cluster_id=cluster.id,
            filename=f"cluster{key}.csv",
            mode="all_or_nothing",
            outcome="imported",
        )
        session.add_all([pair, record])
        session.flush()
        scenario.ids[f"duplicate_{key}"] = pair.id
        scenario.ids[f"duplicate_{key}_keep"] = first.id
        scenario.ids[f"import_{key}"] = record.id
    # A duplicate scan coordinator 1 started, which failed: its page is theirs (and admins').
    job = BackgroundJob(
        kind="suppliers-dedup",
        state="failed",
        started_by_id=scenario.users["coordinator_1"].id,
        cluster_id=scenario.cluster_1.id,
        error="The job stopped on an unexpected error (OperationalError: gone).",
    )
    session.add(job)
    session.flush()
    scenario.ids["job_1"] = job.id
