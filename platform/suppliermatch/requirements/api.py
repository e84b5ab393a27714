"""JSON API for requirements (RFQs): /api/requirements and /api/suppliers/<id>/scorecard.

Thin: parse, call the service with the current actor, commit once, dump. Access rules
live in the services; the ``require`` decorators only turn away the wrong kind of user
before the body is read.
"""

from flask import current_app, jsonify, make_response
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from suppliermatch.access import ActorKind, current_actor, require, require_login
from suppliermatch.api_common import PageArgs, paginate
from suppliermatch.errors import Conflict
from suppliermatch.extensions import db
from suppliermatch.requirements import (
    awards,
    importer,
    invitations,
    quotes,
    schemas,
    service,
)
from suppliermatch.requirements.scorecard import scorecard_for
from suppliermatch.requirements.visibility import get_visible, visible_requirements

blp = Blueprint(
    "requirements_api",
    __name__,
    url_prefix="/api/requirements",
    description="Requirements (RFQs): post, invite, sealed quotes, award and rate",
)
scorecards_blp = Blueprint(
    "scorecards_api",
    __name__,
    url_prefix="/api/suppliers",
    description="Supplier scorecards from ratings and response behaviour",
)


def _view(requirement) -> dict:
    return service.requirement_view(db.session, actor=current_actor(), requirement=requirement)


@blp.route("", methods=["GET"])
@require_login
@blp.arguments(schemas.RequirementListArgs, location="query", as_kwargs=True)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.RequirementSchema(many=True))
def list_requirements(page, per_page, status=None):
    """Requirements you may see: your firm's, your cluster's, or those open to you."""
    actor = current_actor()
    rows, headers = paginate(db.session, visible_requirements(actor, status=status), page, per_page)
    return service.requirement_views(db.session, actor=actor, requirements=rows), 200, headers


@blp.route("", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.RequirementInputSchema)
@blp.response(201, schemas.RequirementSchema)
def create_requirement(data):
    """Post a new requirement as a draft (anchor firms)."""
    requirement = service.create_requirement(db.session, actor=current_actor(), data=data)
    db.session.commit()
    return _view(requirement)


@blp.route("/<int:requirement_id>", methods=["GET"])
@require_login
@blp.response(200, schemas.RequirementSchema)
def get_requirement(requirement_id):
    """One requirement, as far as you may see it."""
    return _view(get_visible(db.session, current_actor(), requirement_id))


@blp.route("/<int:requirement_id>", methods=["PATCH"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.RequirementUpdateSchema(partial=schemas.UPDATE_PARTIAL))
@blp.response(200, schemas.RequirementSchema)
def update_requirement(data, requirement_id):
    """Edit a draft or published requirement; send the ``version`` you read (409 if stale)."""
    version = data.pop("version")
    note = data.pop("note", None)
    requirement = service.update_requirement(
        db.session,
        actor=current_actor(),
        requirement_id=requirement_id,
        data=data,
        version=version,
        note=note,
    )
    db.session.commit()
    return _view(requirement)


def _transition(move, requirement_id, data):
    requirement = move(db.session, actor=current_actor(), requirement_id=requirement_id, **data)
    db.session.commit()
    return _view(requirement)


@blp.route("/<int:requirement_id>/publish", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.TransitionSchema)
@blp.response(200, schemas.RequirementSchema)
def publish(data, requirement_id):
    """draft -> published: suppliers can see it (per visibility) and quote."""
    return _transition(service.publish, requirement_id, data)


@blp.route("/<int:requirement_id>/close", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.TransitionSchema)
@blp.response(200, schemas.RequirementSchema)
def close(data, requirement_id):
    """published -> closed before the deadline: bidding ends and quotes are unsealed."""
    return _transition(service.close, requirement_id, data)


@blp.route("/<int:requirement_id>/cancel", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.CancelSchema)
@blp.response(200, schemas.RequirementSchema)
def cancel(data, requirement_id):
    """Cancel a draft, published or closed requirement, giving a reason."""
    return _transition(service.cancel, requirement_id, data)


@blp.route("/<int:requirement_id>/history", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
@blp.response(200, schemas.AuditEventSchema(many=True))
def history(requirement_id):
    """The audit trail: every transition and amendment, who and when."""
    return service.history(db.session, actor=current_actor(), requirement_id=requirement_id)


# -- invitations -------------------------------------------------------------------------------


@blp.route("/<int:requirement_id>/invitations", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
@blp.response(200, schemas.InvitationSchema(many=True))
def list_invitations(requirement_id):
    """Invited suppliers and their answers (anchor and cluster coordinator)."""
    return invitations.invitations_for(
        db.session, actor=current_actor(), requirement_id=requirement_id
    )


@blp.route("/<int:requirement_id>/invitations", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.InviteSchema)
@blp.response(201, schemas.InvitationSchema(many=True))
def invite(data, requirement_id):
    """Invite suppliers by id; those already invited stay as they are."""
    actor = current_actor()
    invitations.invite_suppliers(
        db.session, actor=actor, requirement_id=requirement_id, supplier_ids=data["supplier_ids"]
    )
    db.session.commit()
    wanted = set(data["supplier_ids"])
    listed = invitations.invitations_for(db.session, actor=actor, requirement_id=requirement_id)
    return [i for i in listed if i["supplier_id"] in wanted]


@blp.route("/<int:requirement_id>/decline", methods=["POST"])
@require(ActorKind.MSME)
@blp.arguments(schemas.DeclineSchema)
@blp.response(200, schemas.OwnInvitationSchema)
def decline(data, requirement_id):
    """Decline your invitation, telling the buyer why."""
    invitation = invitations.decline(
        db.session, actor=current_actor(), requirement_id=requirement_id, reason=data["reason"]
    )
    db.session.commit()
    return invitation


# -- quotes ------------------------------------------------------------------------------------


@blp.route("/<int:requirement_id>/quotes", methods=["GET"])
@require(ActorKind.ANCHOR)
@blp.response(200, schemas.ComparisonSchema)
def compare(requirement_id):
    """The quotes side by side once bidding has ended; before that, only how many there are."""
    comparison = quotes.compare_quotes(
        db.session, actor=current_actor(), requirement_id=requirement_id
    )
    db.session.commit()  # the security log records who opened the prices
    return comparison


@blp.route("/<int:requirement_id>/quotes", methods=["POST"])
@require(ActorKind.MSME)
@blp.arguments(schemas.QuoteInputSchema)
@blp.response(201, schemas.QuoteSchema)
def submit_quote(data, requirement_id):
    """Submit your sealed quote. Retrying with the same ``Idempotency-Key`` is safe."""
    try:
        quote = quotes.submit_quote(
            db.session, actor=current_actor(), requirement_id=requirement_id, data=data
        )
        db.session.commit()
    except IntegrityError:
        # A second quote of this supplier's got there first (or a retry carrying the same
        # Idempotency-Key, whose answer idempotency.py then gives instead of this 409).
        db.session.rollback()
        raise Conflict(
            "You have already quoted for this requirement; edit your quote instead."
        ) from None
    return quotes.quote_views(db.session, [quote])[0]


@blp.route("/<int:requirement_id>/quotes/mine", methods=["GET"])
@require(ActorKind.MSME)
@blp.response(200, schemas.QuoteSchema)
def my_quote(requirement_id):
    """Your own quote for this requirement."""
    quote = quotes.own_quote(db.session, actor=current_actor(), requirement_id=requirement_id)
    return quotes.quote_views(db.session, [quote])[0]


@blp.route("/<int:requirement_id>/quotes/mine", methods=["PUT"])
@require(ActorKind.MSME)
@blp.arguments(schemas.QuoteUpdateSchema)
@blp.response(200, schemas.QuoteSchema)
def revise_quote(data, requirement_id):
    """Revise your quote until the deadline; send the ``version`` you read (409 if stale)."""
    version = data.pop("version")
    quote = quotes.update_quote(
        db.session, actor=current_actor(), requirement_id=requirement_id, data=data, version=version
    )
    db.session.commit()
    return quotes.quote_views(db.session, [quote])[0]


# -- awards and ratings ------------------------------------------------------------------------


@blp.route("/<int:requirement_id>/award", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.AwardInputSchema)
@blp.response(201, schemas.AwardSchema(many=True))
def award(data, requirement_id):
    """Award a closed requirement to one or more quoting suppliers (split quantities)."""
    actor = current_actor()
    awards.award(
        db.session,
        actor=actor,
        requirement_id=requirement_id,
        allocations=data["allocations"],
        note=data.get("note"),
    )
    db.session.commit()
    return awards.awards_for(db.session, actor=actor, requirement_id=requirement_id)


@blp.route("/<int:requirement_id>/awards", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
@blp.response(200, schemas.AwardSchema(many=True))
def list_awards(requirement_id):
    """Who was awarded what, with ratings (anchor and cluster coordinator)."""
    return awards.awards_for(db.session, actor=current_actor(), requirement_id=requirement_id)


@blp.route("/<int:requirement_id>/awards/<int:award_id>/rating", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.RatingInputSchema)
@blp.response(201, schemas.RatingSchema)
def rate(data, requirement_id, award_id):
    """Rate delivered work (quality, on time, communication: 1-5), once per award."""
    rating = awards.rate_award(
        db.session,
        actor=current_actor(),
        requirement_id=requirement_id,
        award_id=award_id,
        data=data,
    )
    db.session.commit()
    return rating


# -- import ------------------------------------------------------------------------------------


@blp.route("/import", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.ImportFileSchema, location="files")
@blp.response(201, schemas.ImportReportSchema)
def import_requirements(files):
    """Import a CSV in the benchmark layout (coordinators and admins). All rows or none."""
    rows = importer.read_upload(files["file"], max_bytes=current_app.config["IMPORT_MAX_BYTES"])
    report = importer.import_requirements(db.session, rows, actor=current_actor())
    if not report.ok:
        db.session.rollback()
        body = schemas.ImportReportSchema().dump(report)
        body.update(
            code=422,
            status="Unprocessable Entity",
            message=f"{len(report.errors)} problem(s) in the file; nothing was imported.",
        )
        return make_response(jsonify(body), 422)
    db.session.commit()
    return report


# -- scorecards --------------------------------------------------------------------------------


@scorecards_blp.route("/<int:supplier_id>/scorecard", methods=["GET"])
@require(ActorKind.ANCHOR, ActorKind.COORDINATOR)
@scorecards_blp.response(200, schemas.ScorecardSchema)
def scorecard(supplier_id):
    """A supplier's ratings and response behaviour (buyers and coordinators)."""
    supplier, card = scorecard_for(db.session, actor=current_actor(), supplier_id=supplier_id)
    return {**card.as_dict(), "supplier_name": supplier.legal_name}
