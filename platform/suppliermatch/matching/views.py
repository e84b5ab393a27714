"""The ranked-suppliers page of a requirement: reasons, shortlist, invite, weights.

The anchor's users act on it; the cluster's coordinator sees the same page read-only.
Thin: every rule is in ``matching.service`` (and invitations in the requirements feature).
"""

from flask import Blueprint, redirect, render_template, request, url_for

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.api_common import requested_page
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import attempt
from suppliermatch.i18n import N_
from suppliermatch.matching import service
from suppliermatch.matching.badges import MATCH_BADGES
from suppliermatch.matching.engine import scoring
from suppliermatch.requirements import invitations
from suppliermatch.requirements.visibility import can_manage

bp = Blueprint("matching", __name__)
# Ten a page, as search results go: on a phone 25 cards made the page 10,500 px tall.
PER_PAGE = 10
MAX_PAGE = service.MAX_RANKED // PER_PAGE + 1
# Suppliers left out for a hard constraint, shown under the ranking.
EXCLUDED_SHOWN = 25
# Reasons shown on a supplier's card; the rest fold under it, so that a phone shows a
# supplier in about a screen rather than three.
REASONS_SHOWN = 2
OVERSEERS = (ActorKind.ANCHOR, ActorKind.COORDINATOR)


@bp.route("/requirements/<int:requirement_id>/matches", methods=["GET"])
@require(*OVERSEERS)
def requirement_matches(requirement_id):
    return _render(requirement_id)


def _render(requirement_id, *, errors=None, status=200):
    actor = current_actor()
    page = requested_page(request.args, last=MAX_PAGE)
    found = service.rank_requirement(
        db.session,
        requirement_id,
        actor=actor,
        limit=service.MAX_RANKED,
        explain_top=min(page * PER_PAGE, service.MAX_RANKED),
        include_excluded=True,
        approved_only=request.args.get("approved_only") == "1",
    )
    start = (page - 1) * PER_PAGE
    weights = service.match_weights(db.session, requirement_id, actor=actor)
    page_html = render_template(
        "matching/requirement_matches.html",
        found=found,
        r=found.requirement,
        items=found.items[start : start + PER_PAGE],
        excluded=found.excluded[:EXCLUDED_SHOWN],
        page=page,
        has_next=start + PER_PAGE < len(found.items),
        can_manage=can_manage(actor, found.requirement),
        can_invite=found.requirement.status in invitations.INVITABLE_STATES,
        weights=weights,
        weight_names=list(scoring.DEFAULT_WEIGHTS),
        badges=MATCH_BADGES,
        shown_reasons=REASONS_SHOWN,
        errors=errors or {},
    )
    return page_html, status


def _back(requirement_id):
    page = request.form.get("page", type=int)
    return redirect(
        url_for("matching.requirement_matches", requirement_id=requirement_id, page=page or None)
    )


def _attempt(requirement_id, change, done: str):
    """Run a change; commit and go back to the page, or show the page with the error."""
    outcome = attempt(change, done)
    if outcome.refused:
        return _render(requirement_id, errors=outcome.errors, status=outcome.status)
    return _back(requirement_id)


def _supplier_id() -> int:
    supplier_id = request.form.get("supplier_id", type=int)
    if supplier_id is None:
        raise ValidationFailed("Choose a supplier.", field="supplier_id")
    return supplier_id


@bp.route("/requirements/<int:requirement_id>/matches/shortlist", methods=["POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def shortlist_add(requirement_id):
    def change():
        service.add_to_shortlist(
            db.session, requirement_id, actor=current_actor(), supplier_id=_supplier_id()
        )

    return _attempt(requirement_id, change, N_("Added to the shortlist."))


@bp.route(
    "/requirements/<int:requirement_id>/matches/shortlist/<int:supplier_id>/remove",
    methods=["POST"],
)
@require(ActorKind.ANCHOR)
def shortlist_remove(requirement_id, supplier_id):
    def change():
        service.remove_from_shortlist(
            db.session, requirement_id, supplier_id, actor=current_actor()
        )

    return _attempt(requirement_id, change, N_("Taken off the shortlist."))


@bp.route("/requirements/<int:requirement_id>/matches/invite", methods=["POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def invite(requirement_id):
    def change():
        invitations.invite_suppliers(
            db.session,
            actor=current_actor(),
            requirement_id=requirement_id,
            supplier_ids=[_supplier_id()],
        )

    return _attempt(requirement_id, change, N_("Invitation sent."))


@bp.route("/requirements/<int:requirement_id>/matches/weights", methods=["POST"])
@require(ActorKind.ANCHOR)
def weights(requirement_id):
    def change():
        version = request.form.get("version", type=int)
        if version is None:
            raise ValidationFailed("Reload the page and try again.", field="version")
        values = {}
        for name in scoring.DEFAULT_WEIGHTS:
            text = request.form.get(name, "").strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                raise ValidationFailed(
                    N_("%(text)s is not a number.", text=repr(text[:20])), field=name
                ) from None
            if value != scoring.DEFAULT_WEIGHTS[name]:
                values[name] = value
        service.set_match_weights(
            db.session, requirement_id, actor=current_actor(), weights=values, version=version
        )

    return _attempt(requirement_id, change, N_("Weights saved; the ranking below uses them."))
