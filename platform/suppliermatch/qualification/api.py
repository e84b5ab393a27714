"""JSON API for part qualification (PPAP / AS9102 first article), the anchor's templates and
approved-supplier list, and 8D corrective actions. Thin: the rules are in the service."""

from flask import current_app, request
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.certification.evidence import EvidenceTooLarge
from suppliermatch.certification.uploads import (
    document_response,
    evidence_cap_bytes,
)
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.file_downloads import send_attachment
from suppliermatch.qualification import schemas, service

blp = Blueprint(
    "qualification_api",
    __name__,
    url_prefix="/api",
    description="Part qualification after an award: PPAP or first article, approved suppliers, 8D",
)
PARTIES = (ActorKind.ANCHOR, ActorKind.MSME)
DOCUMENT_RESPONSE = document_response("The element's document, as an attachment")


def _detail(qualification_id: int) -> dict:
    return service.qualification_detail(
        db.session, actor=current_actor(), qualification_id=qualification_id
    )


def upload(element_id: int, upload) -> None:
    """Store an element's document through the evidence content check (shared with pages)."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a file to upload.", field="file")
    try:
        service.upload_element(
            db.session,
            actor=current_actor(),
            element_id=element_id,
            stream=upload.stream,
            filename=upload.filename,
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_bytes=evidence_cap_bytes(),
        )
    except EvidenceTooLarge as error:
        raise RequestEntityTooLarge(error.message) from None


@blp.route("/qualification-templates", methods=["GET"])
@require(ActorKind.ANCHOR)
@blp.response(200, schemas.TemplateSchema(many=True))
def list_templates():
    """Your firm's qualification templates."""
    return service.templates_of(db.session, actor=current_actor())


@blp.route("/qualification-templates", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.TemplateInputSchema)
@blp.response(201, schemas.TemplateSchema)
def create_template(data):
    """A template: PPAP at a submission level with its elements, or AS9102 forms 1-3."""
    template = service.create_template(db.session, actor=current_actor(), data=data)
    db.session.commit()
    return template


@blp.route("/awards/<int:award_id>/qualifications", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.OpenInputSchema)
@blp.response(201, schemas.QualificationDetailSchema)
def open_qualification(data, award_id):
    """Open a qualification of the awarded supplier's part from one of your templates."""
    qualification = service.open_qualification(
        db.session, actor=current_actor(), award_id=award_id, data=data
    )
    db.session.commit()
    return _detail(qualification.id)


@blp.route("/qualifications", methods=["GET"])
@require(*PARTIES)
@blp.response(200, schemas.QualificationSchema(many=True))
def list_qualifications():
    """Your side's qualifications (the anchor's, or the supplier's)."""
    return service.qualifications_of(db.session, actor=current_actor())


@blp.route("/qualifications/<int:qualification_id>", methods=["GET"])
@require(*PARTIES)
@blp.response(200, schemas.QualificationDetailSchema)
def get_qualification(qualification_id):
    """A qualification with its elements and corrective actions."""
    return _detail(qualification_id)


# The GET rule is registered before the POST one on the same path: werkzeug then answers a
# GET for an id no row can have (over the converter's bound) with 404, not with 405.
@blp.route("/qualification-elements/<int:element_id>/file", methods=["GET"])
@require(*PARTIES)
@blp.doc(responses={"200": DOCUMENT_RESPONSE})
def download_element(element_id):
    """Download an element's document (the anchor and the supplier)."""
    element, path = service.element_file(
        db.session, actor=current_actor(), element_id=element_id,
        upload_dir=current_app.config["UPLOAD_DIR"],
    )  # fmt: skip
    return send_attachment(
        path, mimetype=element.content_type, download_name=element.original_filename
    )


@blp.route("/qualification-elements/<int:element_id>/file", methods=["POST"])
@require(ActorKind.MSME)
@blp.arguments(schemas.UploadSchema, location="files")
@blp.response(200, schemas.QualificationDetailSchema)
@blp.alt_response(413, description="The file is larger than the evidence limit")
def upload_element(files, element_id):
    """Upload an element's document (PDF, PNG or JPEG, checked by content) as ``file``."""
    upload(element_id, request.files.get("file"))
    db.session.commit()
    element, _ = service.element_file(
        db.session, actor=current_actor(), element_id=element_id,
        upload_dir=current_app.config["UPLOAD_DIR"],
    )  # fmt: skip
    return _detail(element.qualification_id)


@blp.route("/qualification-elements/<int:element_id>/review", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.ReviewInputSchema)
@blp.response(200, schemas.QualificationDetailSchema)
def review_element(data, element_id):
    """Accept an uploaded element, or return it with a reason."""
    element = service.review_element(
        db.session, actor=current_actor(), element_id=element_id,
        accept=data["accept"], reason=data.get("reason"),
    )  # fmt: skip
    db.session.commit()
    return _detail(element.qualification_id)


@blp.route("/qualifications/<int:qualification_id>/submission", methods=["POST"])
@require(ActorKind.MSME)
@blp.response(200, schemas.QualificationDetailSchema)
def submit(qualification_id):
    """Submit once every element has its document (the supplier)."""
    service.submit(db.session, actor=current_actor(), qualification_id=qualification_id)
    db.session.commit()
    return _detail(qualification_id)


@blp.route("/qualifications/<int:qualification_id>/decision", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.DecisionInputSchema)
@blp.response(200, schemas.QualificationDetailSchema)
def decide(data, qualification_id):
    """Approve (with validity), approve for an interim period, or reject (with a reason)."""
    service.decide(db.session, actor=current_actor(), qualification_id=qualification_id, **data)
    db.session.commit()
    return _detail(qualification_id)


@blp.route("/approved-suppliers", methods=["GET"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.ApprovedListArgs, location="query")
@blp.response(200, schemas.QualificationSchema(many=True))
def approved_suppliers(args):
    """Your approved-supplier list: approved and interim qualifications still valid."""
    rows = service.my_approved_list(db.session, actor=current_actor())
    category = args.get("category")
    return [q for q in rows if category is None or q.category == category]


@blp.route("/qualifications/<int:qualification_id>/corrective-actions", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.CorrectiveActionInputSchema)
@blp.response(201, schemas.CorrectiveActionSchema)
def open_corrective_action(data, qualification_id):
    """Open an 8D after a rejected lot, with the problem (D2)."""
    action = service.open_corrective_action(
        db.session, actor=current_actor(), qualification_id=qualification_id, data=data
    )
    db.session.commit()
    return action


@blp.route("/corrective-actions/<int:action_id>", methods=["PATCH"])
@require(ActorKind.MSME)
@blp.arguments(schemas.DisciplinesInputSchema)
@blp.response(200, schemas.CorrectiveActionSchema)
def update_disciplines(data, action_id):
    """Write disciplines D1-D8 (the supplier)."""
    action = service.update_disciplines(
        db.session, actor=current_actor(), action_id=action_id, disciplines=data["disciplines"]
    )
    db.session.commit()
    return action


@blp.route("/corrective-actions/<int:action_id>/approval", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.StepInputSchema)
@blp.response(200, schemas.CorrectiveActionSchema)
def approve_step(data, action_id):
    """Approve the containment (D3) or the root cause (D4), or close the 8D (the anchor)."""
    action = service.approve_step(
        db.session, actor=current_actor(), action_id=action_id, step=data["step"]
    )
    db.session.commit()
    return action
