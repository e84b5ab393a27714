"""Who is asking: the actor behind a request and the checks every feature uses.

Access rules live in each feature's service (they know what is whose); this module only
answers "what kind of user, of which organisation, cluster and supplier profile".
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from flask import g
from flask_login import current_user
from sqlmodel import Session, select

from suppliermatch.accounts.models import Organisation, OrganisationKind, User, Vetting
from suppliermatch.errors import Forbidden
from suppliermatch.extensions import db


class ActorKind(StrEnum):
    ANONYMOUS = "anonymous"
    MSME = "msme"
    ANCHOR = "anchor"
    # An anchor firm's user the cluster coordinator has not approved (yet, or at all): a
    # kind of its own, so that no check written for ANCHOR lets it through by accident.
    UNVETTED_ANCHOR = "unvetted_anchor"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


_KIND_BY_ORGANISATION = {
    OrganisationKind.MSME: ActorKind.MSME,
    OrganisationKind.ANCHOR: ActorKind.ANCHOR,
    OrganisationKind.CLUSTER_OFFICE: ActorKind.COORDINATOR,
}


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None
    organisation_id: int | None = None
    cluster_id: int | None = None
    # The MSME's own supplier profile, when the actor is an MSME user.
    supplier_id: int | None = None
    is_owner: bool = False

    @property
    def is_admin(self) -> bool:
        return self.kind == ActorKind.ADMIN

    @property
    def is_authenticated(self) -> bool:
        return self.kind != ActorKind.ANONYMOUS

    def coordinates(self, cluster_id: int | None) -> bool:
        """True for the coordinator of that cluster (and for admins)."""
        if self.is_admin:
            return True
        return self.kind == ActorKind.COORDINATOR and cluster_id == self.cluster_id


def is_party_to(actor: Actor, *, anchor_id: int, supplier_id: int) -> bool:
    """True for the buyer's users, the supplier's users (and admins) of something between
    one anchor firm and one supplier: a purchase order, a qualification."""
    if actor.is_admin:
        return True
    if actor.kind == ActorKind.ANCHOR:
        return actor.organisation_id == anchor_id
    if actor.kind == ActorKind.MSME:
        return actor.supplier_id is not None and actor.supplier_id == supplier_id
    return False


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS)
AWAITING_VETTING = (
    "Your firm's account is waiting for the cluster coordinator's approval. Until then you "
    "see what the public directory shows."
)


def actor_for_user(
    session: Session, user: User | None, organisation: Organisation | None = None
) -> Actor:
    """What ``user`` may do; pass the user's ``organisation`` if it is at hand."""
    if user is None:
        return ANONYMOUS
    if user.is_admin:
        return Actor(kind=ActorKind.ADMIN, user_id=user.id, organisation_id=user.organisation_id)
    if organisation is None and user.organisation_id:
        organisation = session.get(Organisation, user.organisation_id)
    if organisation is None:
        return ANONYMOUS
    supplier_id = None
    if organisation.kind == OrganisationKind.MSME:
        from suppliermatch.suppliers.models import Supplier

        supplier_id = session.exec(
            select(Supplier.id).where(Supplier.organisation_id == organisation.id)
        ).first()
    kind = _KIND_BY_ORGANISATION[OrganisationKind(organisation.kind)]
    if kind == ActorKind.ANCHOR and user.vetting != Vetting.APPROVED:
        kind = ActorKind.UNVETTED_ANCHOR
    return Actor(
        kind=kind,
        user_id=user.id,
        organisation_id=organisation.id,
        cluster_id=organisation.cluster_id,
        supplier_id=supplier_id,
        is_owner=user.role == "owner",
    )


def current_actor() -> Actor:
    """The actor for this request, computed once and kept on ``g``."""
    if "actor" not in g:
        # Loading the user may set it already (the API token loader, accounts.auth).
        user = current_user if current_user.is_authenticated else None
        if "actor" not in g:
            g.actor = actor_for_user(db.session, user)
    return g.actor


def forget_current_actor() -> None:
    g.pop("actor", None)


def require(*kinds: ActorKind):
    """View decorator: the signed-in actor must be one of ``kinds`` (admins always pass).

    Anonymous callers get the login flow (401 for the API, redirect for pages) from
    flask-login; a signed-in user of another kind gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if not actor.is_authenticated:
                from suppliermatch.extensions import login_manager

                return login_manager.unauthorized()
            if actor.is_admin or actor.kind in kinds:
                return view(*args, **kwargs)
            if actor.kind == ActorKind.UNVETTED_ANCHOR and ActorKind.ANCHOR in kinds:
                raise Forbidden(AWAITING_VETTING)
            raise Forbidden("Your account cannot do this.")

        # Read by the API document (api_document.py) to declare who may call the operation.
        wrapper.required_kinds = frozenset(kinds)
        return wrapper

    return decorator


def require_login(view):
    return require(*ActorKind)(view)
