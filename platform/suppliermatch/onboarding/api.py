"""JSON endpoints: coordinators invite imported suppliers and see how far each got; MSMEs
claim their profiles by the invitation's link or by a code sent to the e-mail on record."""

from flask import session as cookie_session
from flask_login import login_user
from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, forget_current_actor, require
from suppliermatch.accounts.api import me_payload
from suppliermatch.accounts.schemas import AcceptedSchema, MeSchema
from suppliermatch.api_common import PageArgs, paginate
from suppliermatch.audit.service import record_security_event
from suppliermatch.extensions import db, limiter
from suppliermatch.onboarding import claims, invitations, mail, schemas
from suppliermatch.ratelimits import AUTH_RATE_LIMIT, EMAIL_LINK_RATE_LIMIT, identifier_key

blp = Blueprint(
    "onboarding_api",
    __name__,
    url_prefix="/api",
    description="Imported suppliers invited to claim their profiles, and the claims",
)


def outcome_payload(outcome: invitations.InviteOutcome) -> dict:
    return {
        "invited": outcome.invited,
        "skipped": [{"supplier_id": i, "reason": reason} for i, reason in outcome.skipped],
    }


@blp.route("/supplier-invitations", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.OnboardingArgs, location="query", as_kwargs=True)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.OnboardingStatusSchema(many=True))
def list_statuses(status, page, per_page):
    """The suppliers of your cluster (all, for admins), each with whether it was invited,
    whether the invitation bounced, and whether the MSME claimed the profile."""
    statement = invitations.onboarding_statement(current_actor(), status=status)
    rows, headers = paginate(db.session, statement, page, per_page)
    return invitations.status_views(rows), 200, headers


@blp.route("/supplier-invitations", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.ClaimInviteSchema)
@blp.response(200, schemas.ClaimInviteOutcomeSchema)
@blp.alt_response(422, description="A supplier id is not of your cluster (nothing is sent)")
def invite(data):
    """E-mail the chosen suppliers (or every uninvited one, of the cluster or of one import)
    a one-time link to claim their profile. Inviting one invited before sends a new link;
    claimed profiles and profiles without an e-mail are skipped and listed."""
    actor = current_actor()
    if data["all_uninvited"]:
        outcome = invitations.invite_uninvited(db.session, actor, import_id=data["import_id"])
    else:
        outcome = invitations.invite_selected(db.session, actor, data["supplier_ids"])
    db.session.commit()
    return outcome_payload(outcome)


@blp.route("/suppliers/<int:supplier_id>/invitation", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.response(200, schemas.OnboardingStatusSchema)
def invitation_status(supplier_id):
    """Whether this supplier was invited, bounced or claimed its profile."""
    return invitations.status_for(db.session, current_actor(), supplier_id)


@blp.route("/suppliers/<int:supplier_id>/invitation", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.response(200, schemas.OnboardingStatusSchema)
@blp.alt_response(409, description="Claimed already")
@blp.alt_response(422, description="No e-mail on record (email)")
def send_invitation(supplier_id):
    """Invite this supplier, or send its invitation again (the earlier link stops working)."""
    actor = current_actor()
    invitations.invite_one(db.session, actor, supplier_id)
    db.session.commit()
    return invitations.status_for(db.session, actor, supplier_id)


@blp.route("/suppliers/<int:supplier_id>/reassign", methods=["POST"])
@require(ActorKind.COORDINATOR)
@blp.arguments(schemas.ReassignSchema)
@blp.response(200, schemas.OnboardingStatusSchema)
@blp.alt_response(409, description="Nobody has claimed the profile")
def reassign(data, supplier_id):
    """Take a claimed profile from the organisation that has it and invite the enterprise's
    right contact to claim it; the audit trail keeps who had it and why it moved."""
    actor = current_actor()
    claims.reassign(db.session, actor, supplier_id, email=data["email"], reason=data["reason"])
    db.session.commit()
    return invitations.status_for(db.session, actor, supplier_id)


def _claimed(user, *, via: str) -> dict:
    """Record the claim, commit, and sign this browser in as the profile's new owner."""
    record_security_event(db.session, "profile_claimed", user_id=user.id, note=via)
    db.session.commit()
    cookie_session.clear()
    login_user(user)
    forget_current_actor()
    return me_payload()


@blp.route("/claims/invitation", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@blp.arguments(schemas.ClaimByLinkSchema)
@blp.response(201, MeSchema)
@blp.alt_response(422, description="The link is not valid (token), or a field is refused")
def claim_by_link(data):
    """Take over the invited profile: a new MSME organisation owns it, with you as its
    first user; signs you in."""
    user = claims.claim_by_link(
        db.session,
        token=data["token"],
        full_name=data["full_name"],
        email=data["email"],
        password=data["password"],
    )
    return _claimed(user, via="invitation")


@blp.route("/claims/code", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@limiter.limit(EMAIL_LINK_RATE_LIMIT, key_func=identifier_key)
@blp.arguments(schemas.IdentifierSchema)
@blp.response(202, AcceptedSchema)
def request_claim_code(data):
    """E-mail a code to the address on record of the unclaimed profile with this GSTIN or
    Udyam number. The answer is the same whether or not one was sent."""
    found = claims.request_claim_code(db.session, data)
    if found is not None:
        db.session.commit()
        mail.send_claim_code(*found)
    return {"message": claims.CODE_SENT}


@blp.route("/claims", methods=["POST"])
@limiter.limit(AUTH_RATE_LIMIT)
@blp.arguments(schemas.ClaimByCodeSchema)
@blp.response(201, MeSchema)
@blp.alt_response(409, description="Claimed already")
@blp.alt_response(422, description="The code is not right (code), or a field is refused")
def claim_by_code(data):
    """Take over the unclaimed profile with this GSTIN or Udyam number, with the code sent
    to its e-mail on record; signs you in."""
    user = claims.claim_by_code(
        db.session,
        data,
        code=data["code"],
        full_name=data["full_name"],
        email=data["email"],
        password=data["password"],
    )
    return _claimed(user, via="code")
