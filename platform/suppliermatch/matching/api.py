"""JSON API: ranked suppliers for a requirement, its match weights and its shortlist.

    GET    /api/requirements/<id>/matches                  ranking (paged), reasons, why-not
    GET    /api/requirements/<id>/match-weights            defaults, overrides, effective
    PUT    /api/requirements/<id>/match-weights            the anchor changes the weights
    GET    /api/requirements/<id>/shortlist
    POST   /api/requirements/<id>/shortlist                {supplier_id, note}
    DELETE /api/requirements/<id>/shortlist/<supplier_id>

Thin: access rules and the work are in ``matching.service``.
"""

from dataclasses import asdict

from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.api_common import pagination_header
from suppliermatch.extensions import db
from suppliermatch.matching import schemas, service

blp = Blueprint(
    "matching_api",
    __name__,
    url_prefix="/api/requirements",
    description="Ranked suppliers for a requirement, with reasons; weights and shortlist",
)
# Anchors rank their own requirements, coordinators their cluster's; MSMEs are refused.
OVERSEERS = (ActorKind.ANCHOR, ActorKind.COORDINATOR)


@blp.route("/<int:requirement_id>/matches", methods=["GET"])
@require(*OVERSEERS)
@blp.arguments(schemas.MatchArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.MatchesSchema)
def matches(requirement_id, page, per_page, include_excluded, approved_only):
    """Suppliers ranked for the requirement, best first, with factors and reasons.

    Suppliers failing a hard constraint are never ranked; ``include_excluded=true`` lists
    those offering the process with what they fail. Pages run through the best 200.
    """
    shown_to = page * per_page
    found = service.rank_requirement(
        db.session,
        requirement_id,
        actor=current_actor(),
        limit=service.MAX_RANKED,
        explain_top=min(shown_to, service.MAX_RANKED),
        include_excluded=include_excluded,
        approved_only=approved_only,
    )
    start = (page - 1) * per_page
    body = {
        "requirement_id": found.requirement.id,
        "process": found.process,
        "process_name": found.process_name,
        "related_processes": list(found.related_processes),
        "notes": list(found.notes),
        "weights": found.weights,
        "total": len(found.items),
        "fully_qualified_total": found.fully_qualified_total,
        "items": [asdict(item) for item in found.items[start : start + per_page]],
    }
    if include_excluded:
        body["excluded"] = [asdict(item) for item in found.excluded]
    return body, 200, pagination_header(len(found.items), page, per_page)


@blp.route("/<int:requirement_id>/match-weights", methods=["GET"])
@require(*OVERSEERS)
@blp.response(200, schemas.MatchWeightsSchema)
def get_weights(requirement_id):
    """The factor weights used for this requirement: defaults and the anchor's overrides."""
    return asdict(service.match_weights(db.session, requirement_id, actor=current_actor()))


@blp.route("/<int:requirement_id>/match-weights", methods=["PUT"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.MatchWeightsInputSchema)
@blp.response(200, schemas.MatchWeightsSchema)
def put_weights(data, requirement_id):
    """Replace the weight overrides (the anchor's users); ``{}`` restores the defaults."""
    weights = service.set_match_weights(
        db.session,
        requirement_id,
        actor=current_actor(),
        weights=data["weights"],
        version=data["version"],
    )
    db.session.commit()
    return asdict(weights)


@blp.route("/<int:requirement_id>/shortlist", methods=["GET"])
@require(*OVERSEERS)
@blp.response(200, schemas.ShortlistEntrySchema(many=True))
def get_shortlist(requirement_id):
    """Suppliers the anchor put aside for this requirement."""
    return [asdict(e) for e in service.shortlist(db.session, requirement_id, actor=current_actor())]


@blp.route("/<int:requirement_id>/shortlist", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.ShortlistInputSchema)
@blp.response(201, schemas.ShortlistEntrySchema(many=True))
@blp.alt_response(200, schema=schemas.ShortlistEntrySchema(many=True), description="Already there")
def add_to_shortlist(data, requirement_id):
    """Shortlist a supplier (adding one already there changes nothing); returns the list."""
    actor = current_actor()
    _, created = service.add_to_shortlist(
        db.session, requirement_id, actor=actor, supplier_id=data["supplier_id"], note=data["note"]
    )
    db.session.commit()
    entries = [asdict(e) for e in service.shortlist(db.session, requirement_id, actor=actor)]
    return entries, 201 if created else 200


@blp.route("/<int:requirement_id>/shortlist/<int:supplier_id>", methods=["DELETE"])
@require(ActorKind.ANCHOR)
@blp.response(204)
def remove_from_shortlist(requirement_id, supplier_id):
    """Take a supplier off the shortlist."""
    service.remove_from_shortlist(db.session, requirement_id, supplier_id, actor=current_actor())
    db.session.commit()
