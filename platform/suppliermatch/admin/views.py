"""Admin pages: users, organisations and clusters. Thin: forms are read by the schemas,
rules are in ``admin.service``, each POST commits once or shows its page with the errors."""

from flask import Blueprint, redirect, render_template, request, url_for
from sqlmodel import select

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.accounts.models import Cluster, Organisation, User
from suppliermatch.admin import schemas, service
from suppliermatch.api_common import paginate, requested_page
from suppliermatch.errors import DomainError
from suppliermatch.extensions import db
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.i18n import flash

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


def _history() -> dict:
    """The latest admin changes, with the names of who made them and of what they touched."""
    events = service.recent_admin_events(db.session)
    ids = {e.actor_user_id for e in events if e.actor_user_id}
    names = {u.id: u.full_name for u in db.session.exec(select(User).where(User.id.in_(ids)))}
    return {"history": events, "names": names}


def _apply(schema, change, page, back: str):
    """Read the form, make the change (it returns what to tell the admin) and commit, then
    go ``back`` (an endpoint); or show the page again with each refused field's reason
    (422, or 409 for a rule the change would break)."""
    data, errors = load_form(schema, request.form)
    status = 422
    if data is not None:
        try:
            message = change(data)
        except DomainError as error:
            db.session.rollback()
            errors, status = domain_errors(error), error.status_code
        else:
            db.session.commit()
            flash(message)
            return redirect(url_for(back))
    return page(errors=errors, form=request.form, status=status)


# -- users ------------------------------------------------------------------------------------


def _users_page(*, errors=None, form=None, status=200):
    page = requested_page(request.args)
    rows, _ = paginate(db.session, service.users_statement(), page, PER_PAGE)
    organisations = db.session.exec(select(Organisation).order_by(Organisation.name)).all()
    return render_template(
        "admin/users.html",
        rows=[(user, organisation, service.role_of(user)) for user, organisation in rows],
        organisations=organisations,
        roles=service.ROLES,
        kinds=service.KIND_LABELS,
        page=page,
        has_next=len(rows) == PER_PAGE,
        errors=errors or {},
        form=form or {},
        **_history(),
    ), status


@bp.route("/users", methods=["GET"])
@require(ActorKind.ADMIN)
def users():
    return _users_page()


@bp.route("/users", methods=["POST"])
@require(ActorKind.ADMIN)
@one_time_form
def create_user():
    def change(data):
        user = service.create_user(db.session, current_actor(), **data)
        return f"Account created for {user.email}: they set a password with “Forgot password?”."

    return _apply(schemas.NewUserForm(), change, _users_page, "admin.users")


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@require(ActorKind.ADMIN)
def set_user_active(user_id):
    def change(data):
        user = service.set_user_active(db.session, current_actor(), user_id, **data)
        return f"{user.full_name} {'can sign in again' if user.is_active else 'is deactivated'}."

    return _apply(schemas.ActiveForm(), change, _users_page, "admin.users")


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@require(ActorKind.ADMIN)
def change_role(user_id):
    def change(data):
        user = service.change_role(db.session, current_actor(), user_id, **data)
        return f"{user.full_name}: role now {service.ROLES[service.role_of(user)]}."

    return _apply(schemas.RoleForm(), change, _users_page, "admin.users")


# -- organisations ----------------------------------------------------------------------------


def _organisations_page(*, errors=None, form=None, status=200):
    return render_template(
        "admin/organisations.html",
        rows=service.organisations_with_counts(db.session),
        clusters=db.session.exec(select(Cluster).order_by(Cluster.name)).all(),
        kinds=service.KIND_LABELS,
        errors=errors or {},
        form=form or {},
        **_history(),
    ), status


@bp.route("/organisations", methods=["GET"])
@require(ActorKind.ADMIN)
def organisations():
    return _organisations_page()


@bp.route("/organisations", methods=["POST"])
@require(ActorKind.ADMIN)
@one_time_form
def create_organisation():
    def change(data):
        organisation = service.create_organisation(db.session, current_actor(), **data)
        return f"{organisation.name} created: add its users on the Users page."

    return _apply(schemas.NewOrganisationForm(), change, _organisations_page, "admin.organisations")


@bp.route("/organisations/<int:organisation_id>/active", methods=["POST"])
@require(ActorKind.ADMIN)
def set_organisation_active(organisation_id):
    def change(data):
        changed = service.set_organisation_active(
            db.session, current_actor(), organisation_id, **data
        )
        verb = "reactivated" if data["active"] else "deactivated"
        return f"{changed} user(s) {verb}."

    return _apply(schemas.ActiveForm(), change, _organisations_page, "admin.organisations")


# -- clusters ---------------------------------------------------------------------------------


def _clusters_page(*, errors=None, form=None, status=200):
    return render_template(
        "admin/clusters.html",
        rows=service.clusters_with_counts(db.session),
        errors=errors or {},
        form=form or {},
        **_history(),
    ), status


@bp.route("/clusters", methods=["GET"])
@require(ActorKind.ADMIN)
def clusters():
    return _clusters_page()


@bp.route("/clusters", methods=["POST"])
@require(ActorKind.ADMIN)
@one_time_form
def create_cluster():
    def change(data):
        cluster = service.create_cluster(db.session, current_actor(), **data)
        return f"{cluster.name} created."

    return _apply(schemas.NewClusterForm(), change, _clusters_page, "admin.clusters")
