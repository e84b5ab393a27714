"""JSON endpoints: /api/certificates (records, transitions, evidence, verification) and
/api/readiness (readiness and the demand-linked roadmap)."""

from flask import request
from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.api_common import paginate
from suppliermatch.certification import evidence as evidence_service
from suppliermatch.certification import schemas, service, verification
from suppliermatch.certification.permissions import Purpose, cluster_for, supplier_for
from suppliermatch.certification.readiness import supplier_readiness
from suppliermatch.certification.roadmap import cluster_roadmap, roadmap_for_supplier
from suppliermatch.certification.uploads import document_response, download, store_upload
from suppliermatch.extensions import db
from suppliermatch.reference.certificates import default_catalogue

blp = Blueprint(
    "certificates_api",
    __name__,
    url_prefix="/api/certificates",
    description="Certificate records from plan to expiry, their evidence and verification",
)
readiness_blp = Blueprint(
    "readiness_api",
    __name__,
    url_prefix="/api/readiness",
    description="Supplier readiness and the demand-linked certification roadmap",
)

MSME_OR_COORDINATOR = (ActorKind.MSME, ActorKind.COORDINATOR)
DETAIL_FIELDS = schemas.CertificateDetailsSchema().fields.keys()
EVIDENCE_FILE_RESPONSE = document_response("The evidence file, as an attachment")


def _details(data: dict) -> dict:
    return {k: v for k, v in data.items() if k in DETAIL_FIELDS}


@blp.route("", methods=["GET"])
@blp.arguments(schemas.CertificateListArgs, location="query")
@blp.response(200, schemas.CertificateSchema(many=True))
@require(*MSME_OR_COORDINATOR)
def list_certificates(args):
    """Certificate records: an MSME's own, or those of the coordinator's cluster."""
    statement = service.list_certificates_statement(
        db.session,
        current_actor(),
        supplier_id=args.get("supplier_id"),
        state=args.get("state"),
        code=args.get("code"),
        verification=args.get("verification"),
    )
    rows, headers = paginate(db.session, statement, args["page"], args["per_page"])
    return rows, 200, headers


@blp.route("", methods=["POST"])
@blp.arguments(schemas.CertificateCreateSchema)
@blp.response(201, schemas.CertificateSchema)
@require(*MSME_OR_COORDINATOR)
def create_certificate(data):
    """Record a plan, or a certificate already held (state ``certified`` with its facts)."""
    certificate = service.create_certificate(
        db.session,
        current_actor(),
        code=data["code"],
        supplier_id=data.get("supplier_id"),
        state=data["state"],
        note=data.get("note"),
        **_details(data),
    )
    db.session.commit()
    return certificate


@blp.route("/catalogue", methods=["GET"])
@blp.response(200, schemas.CertificateCatalogueEntrySchema(many=True))
def catalogue():
    """The certificates buyers ask for: what each signals, who issues it, how long it lasts."""
    return list(default_catalogue().certificates)


@blp.route("/verification-queue", methods=["GET"])
@blp.arguments(schemas.VerificationQueueArgs, location="query")
@blp.response(200, schemas.VerificationQueueEntrySchema(many=True))
@require(ActorKind.COORDINATOR)
def verification_queue(args):
    """Certified records of the cluster awaiting a coordinator's check (or rejected ones)."""
    return verification.verification_queue(
        db.session, current_actor(), verification=args["verification"]
    )


@blp.route("/<int:certificate_id>", methods=["GET"])
@blp.response(200, schemas.CertificateSchema)
@require(ActorKind.MSME, ActorKind.ANCHOR, ActorKind.COORDINATOR)
def get_certificate(certificate_id):
    """One record (anchors: issued certificates of suppliers that quoted to them)."""
    return service.get_certificate(db.session, current_actor(), certificate_id)


@blp.route("/<int:certificate_id>", methods=["PATCH"])
@blp.arguments(schemas.CertificateUpdateSchema)
@blp.response(200, schemas.CertificateSchema)
@require(*MSME_OR_COORDINATOR)
def update_certificate(data, certificate_id):
    """Edit details. Changing a verified record's number, body or dates unverifies it."""
    certificate = service.update_certificate(
        db.session,
        current_actor(),
        certificate_id,
        version=data["version"],
        changes=_details(data),
        note=data.get("note"),
    )
    db.session.commit()
    return certificate


@blp.route("/<int:certificate_id>/transitions", methods=["POST"])
@blp.arguments(schemas.CertificateTransitionSchema)
@blp.response(200, schemas.CertificateSchema)
@require(*MSME_OR_COORDINATOR)
def transition(data, certificate_id):
    """Move the record to another state; an illegal move answers 409."""
    certificate = service.transition(
        db.session,
        current_actor(),
        certificate_id,
        to_state=data["to"],
        version=data["version"],
        note=data.get("note"),
        changes=_details(data),
    )
    db.session.commit()
    return certificate


@blp.route("/<int:certificate_id>/renewals", methods=["POST"])
@blp.arguments(schemas.CertificateRenewalSchema)
@blp.response(201, schemas.CertificateSchema)
@require(*MSME_OR_COORDINATOR)
def renew(data, certificate_id):
    """Record the next validity period; the renewed record stays on file."""
    renewal = service.renew(db.session, current_actor(), certificate_id, **data)
    db.session.commit()
    return renewal


@blp.route("/<int:certificate_id>/verification", methods=["POST"])
@blp.arguments(schemas.VerificationDecisionSchema)
@blp.response(200, schemas.CertificateSchema)
@require(ActorKind.COORDINATOR)
def decide_verification(data, certificate_id):
    """The coordinator's decision on a certified record: verify, or reject with a reason."""
    actor = current_actor()
    if data["decision"] == "verify":
        certificate = verification.verify(
            db.session, actor, certificate_id, version=data["version"], note=data.get("reason")
        )
    else:
        certificate = verification.reject(
            db.session, actor, certificate_id, version=data["version"], reason=data["reason"]
        )
    db.session.commit()
    return certificate


@blp.route("/<int:certificate_id>/history", methods=["GET"])
@blp.response(200, schemas.CertificateHistoryEventSchema(many=True))
@require(*MSME_OR_COORDINATOR)
def history(certificate_id):
    """The audit trail: who moved the record, when, from what to what, and why."""
    return service.history(db.session, current_actor(), certificate_id)


@blp.route("/<int:certificate_id>/evidence", methods=["GET"])
@blp.response(200, schemas.CertificateEvidenceSchema(many=True))
@require(ActorKind.MSME, ActorKind.ANCHOR, ActorKind.COORDINATOR)
def list_evidence(certificate_id):
    """The evidence documents of a record."""
    return evidence_service.list_evidence(db.session, current_actor(), certificate_id)


@blp.route("/<int:certificate_id>/evidence", methods=["POST"])
@blp.arguments(schemas.CertificateEvidenceUploadSchema, location="files")
@blp.response(201, schemas.CertificateEvidenceSchema)
@blp.alt_response(413, description="The file is larger than the evidence limit")
@require(*MSME_OR_COORDINATOR)
def upload_evidence(files, certificate_id):
    """Upload a PDF, PNG or JPEG (checked by content, size-capped) as multipart ``file``."""
    evidence = store_upload(certificate_id, request.files.get("file"))
    db.session.commit()
    return evidence


@blp.route("/<int:certificate_id>/evidence/<int:evidence_id>", methods=["GET"])
@blp.doc(responses={"200": EVIDENCE_FILE_RESPONSE})
@require(ActorKind.MSME, ActorKind.ANCHOR, ActorKind.COORDINATOR)
def download_evidence(certificate_id, evidence_id):
    """Download an evidence file (owner, cluster coordinator, anchors quoted to)."""
    return download(certificate_id, evidence_id)


# ---------------------------------------------------------------- readiness


@readiness_blp.route("/suppliers/<int:supplier_id>", methods=["GET"])
@readiness_blp.response(200, schemas.ReadinessSchema)
@require(*MSME_OR_COORDINATOR)
def readiness(supplier_id):
    """Readiness per track, the single level used by matching, and the next steps."""
    supplier = supplier_for(db.session, current_actor(), supplier_id, Purpose.READ)
    return supplier_readiness(db.session, supplier.id, today=service.today_in_india())


@readiness_blp.route("/suppliers/<int:supplier_id>/roadmap", methods=["GET"])
@readiness_blp.response(200, schemas.SupplierRoadmapSchema)
@require(*MSME_OR_COORDINATOR)
def supplier_roadmap(supplier_id):
    """Which certificate would make the supplier eligible for which open requirements."""
    supplier = supplier_for(db.session, current_actor(), supplier_id, Purpose.READ)
    return roadmap_for_supplier(db.session, supplier.id, today=service.today_in_india())


@readiness_blp.route("/clusters/<int:cluster_id>/roadmap", methods=["GET"])
@readiness_blp.response(200, schemas.ClusterRoadmapSchema)
@require(ActorKind.COORDINATOR)
def cluster_roadmap_view(cluster_id):
    """Which certificate would unlock the most open demand across the cluster."""
    cluster = cluster_for(db.session, current_actor(), cluster_id)
    return cluster_roadmap(db.session, cluster.id, today=service.today_in_india())
