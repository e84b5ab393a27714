"""Who sees which report: the access rules of the dashboard and the match reports.

- Dashboard: a coordinator sees its own cluster (asking for another cluster answers 404);
  an admin sees every cluster together or one chosen cluster.
- Match report of a requirement: the anchor that posted it (without the cluster office's
  internal notes), the coordinator of the requirement's cluster, and admins. For everyone
  else the requirement does not exist (404), as on the requirement's own pages.
- Coordinator notes: written by the requirement's cluster coordinator (and admins).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Cluster
from suppliermatch.certification.permissions import get_row
from suppliermatch.errors import Forbidden, NotFound
from suppliermatch.requirements.models import Requirement
from suppliermatch.requirements.visibility import can_manage

NO_SUCH_CLUSTER = "No such cluster."
NO_SUCH_REQUIREMENT = "No such requirement."


@dataclass(frozen=True)
class Scope:
    """The clusters a dashboard covers: one, or (for admins) all of them."""

    clusters: tuple[Cluster, ...]
    # The cluster chosen, or None when the admin looks at all clusters together.
    cluster: Cluster | None

    @property
    def cluster_ids(self) -> tuple[int, ...]:
        return tuple(c.id for c in self.clusters)

    @property
    def label(self) -> str:
        return self.cluster.name if self.cluster else "All clusters"

    @property
    def is_everything(self) -> bool:
        return self.cluster is None


def all_clusters(session: Session) -> list[Cluster]:
    return list(session.exec(select(Cluster).order_by(Cluster.name)))


def dashboard_scope(session: Session, actor: Actor, cluster_id: int | None = None) -> Scope:
    """The clusters ``actor`` asked for and may see."""
    if actor.is_admin:
        if cluster_id is None:
            return Scope(clusters=tuple(all_clusters(session)), cluster=None)
        cluster = get_row(session, Cluster, cluster_id)
        if cluster is None:
            raise NotFound(NO_SUCH_CLUSTER)
        return Scope(clusters=(cluster,), cluster=cluster)
    if actor.kind != ActorKind.COORDINATOR:
        raise Forbidden("The cluster dashboard is for cluster coordinators.")
    if cluster_id is not None and cluster_id != actor.cluster_id:
        raise NotFound(NO_SUCH_CLUSTER)
    cluster = session.get(Cluster, actor.cluster_id) if actor.cluster_id else None
    if cluster is None:
        raise NotFound(NO_SUCH_CLUSTER)
    return Scope(clusters=(cluster,), cluster=cluster)


def in_scope(column, scope: Scope):
    """SQL condition: ``column`` (a cluster id) is one of the scope's clusters.

    Everything (admin, no filter) also takes rows that belong to no cluster.
    """
    if scope.is_everything:
        return sa.true()
    return col(column).in_(scope.cluster_ids)


def can_read_notes(actor: Actor, requirement: Requirement) -> bool:
    """Coordinator notes are internal to the cluster office (and admins)."""
    return actor.coordinates(requirement.cluster_id)


def report_requirement(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    """The requirement whose match report ``actor`` may read, or NotFound."""
    requirement = get_row(session, Requirement, requirement_id)
    if requirement is None:
        raise NotFound(NO_SUCH_REQUIREMENT)
    if actor.kind == ActorKind.ANCHOR and can_manage(actor, requirement):
        return requirement
    if can_read_notes(actor, requirement):
        return requirement
    if actor.kind in (ActorKind.ANCHOR, ActorKind.COORDINATOR) or actor.is_admin:
        raise NotFound(NO_SUCH_REQUIREMENT)
    raise Forbidden("Match reports are for the buying anchor and the cluster coordinator.")


def noted_requirement(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    """The requirement ``actor`` may write coordinator notes on."""
    requirement = report_requirement(session, actor, requirement_id)
    if not can_read_notes(actor, requirement):
        raise Forbidden("Only the cluster coordinator writes notes on a match report.")
    return requirement
