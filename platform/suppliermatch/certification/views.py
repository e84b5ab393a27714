"""Pages: my certificates, a certificate with its evidence and history, the coordinator's
verification queue, the readiness plan with the demand-linked roadmap, and the cluster
roadmap for coordinators."""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from sqlmodel import select

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.accounts.models import Cluster, User
from suppliermatch.certification import evidence as evidence_service
from suppliermatch.certification import schemas, service, verification
from suppliermatch.certification.permissions import (
    Purpose,
    certificate_for,
    certificate_purposes,
    cluster_for,
    supplier_for,
)
from suppliermatch.certification.readiness import (
    RENEWAL_WINDOW,
    supplier_readiness,
)
from suppliermatch.certification.readiness_sql import levels_summary
from suppliermatch.certification.roadmap import (
    cluster_roadmap as build_cluster_roadmap,
)
from suppliermatch.certification.roadmap import (
    monthly_volume,
    roadmap_for_supplier,
    volume_phrase,
)
from suppliermatch.certification.uploads import download, evidence_cap_bytes, store_upload
from suppliermatch.errors import DomainError, NotFound
from suppliermatch.extensions import db
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import domain_errors, load_form
from suppliermatch.i18n import N_, flash, gettext, word
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.suppliers.models import Supplier
from suppliermatch.suppliers.summaries import kept

bp = Blueprint("certification", __name__)

MSME_OR_COORDINATOR = (ActorKind.MSME, ActorKind.COORDINATOR)
DETAIL_FIELDS = schemas.CertificateDetailsSchema().fields.keys()


@bp.app_context_processor
def certification_helpers():
    catalogue = default_catalogue()
    return {
        "cert_name": catalogue.display_name,
        "state_label": word,
        "volume_phrase": volume_phrase,
        # For other features' pages (the supplier profile): the level and its label.
        "supplier_readiness_of": lambda supplier_id: supplier_readiness(db.session, supplier_id),
    }


def _details(data: dict) -> dict:
    return {k: v for k, v in data.items() if k in DETAIL_FIELDS}


def _supplier_in_view():
    """The supplier a page is about: the MSME's own, or ``?supplier_id=`` for coordinators."""
    actor = current_actor()
    requested = request.args.get("supplier_id", type=int)
    if actor.kind == ActorKind.MSME:
        if requested is not None and requested != actor.supplier_id:
            raise NotFound("No such supplier.")
        if actor.supplier_id is None:
            return None
        requested = actor.supplier_id
    if requested is None:
        return None
    return supplier_for(db.session, actor, requested, Purpose.READ)


# ---------------------------------------------------------------- my certificates


@bp.route("/certificates", methods=["GET"])
@require(*MSME_OR_COORDINATOR)
def my_certificates():
    supplier = _supplier_in_view()
    if supplier is None and current_actor().kind != ActorKind.MSME:
        return redirect(url_for("certification.verification_queue"))
    return _render_list(supplier, errors={}, form={})


@bp.route("/certificates", methods=["POST"])
@require(*MSME_OR_COORDINATOR)
@one_time_form
def create_certificate():
    supplier = _supplier_in_view()
    if supplier is None:
        raise NotFound("Set up your supplier profile before recording certificates.")
    data, errors = load_form(schemas.CertificateCreateSchema(), request.form)
    if data is not None:
        try:
            certificate = service.create_certificate(
                db.session,
                current_actor(),
                code=data["code"],
                supplier_id=supplier.id,
                state=data["state"],
                note=data.get("note"),
                **_details(data),
            )
        except DomainError as error:
            db.session.rollback()
            errors = domain_errors(error)
        else:
            db.session.commit()
            flash(
                gettext(
                    "%(certificate)s added.",
                    certificate=default_catalogue().display_name(certificate.code),
                )
            )
            return redirect(
                url_for("certification.certificate_detail", certificate_id=certificate.id)
            )
    return _render_list(supplier, errors=errors, form=request.form, status=422)


def _render_list(supplier, *, errors, form, status=200):
    records = service.supplier_certificates(db.session, supplier.id) if supplier else []
    current = service.current_records(records)
    live = [r for r in current if r.state not in service.CLOSED_STATES]
    past = [r for r in records if r not in live]
    return (
        render_template(
            "certification/list.html",
            supplier=supplier,
            live=live,
            past=past,
            catalogue=default_catalogue(),
            initial_states=service.INITIAL_STATES,
            errors=errors,
            form=form,
            today=service.today_in_india(),
        ),
        status,
    )


# ---------------------------------------------------------------- one certificate


@bp.route("/certificates/<int:certificate_id>", methods=["GET"])
@require(ActorKind.MSME, ActorKind.ANCHOR, ActorKind.COORDINATOR)
def certificate_detail(certificate_id):
    return _render_detail(certificate_id)


def _render_detail(certificate_id, *, errors=None, form_name=None, status=200):
    actor = current_actor()
    certificate, supplier = certificate_for(db.session, actor, certificate_id, Purpose.READ)
    purposes = certificate_purposes(db.session, actor, certificate, supplier)
    can_manage = Purpose.MANAGE in purposes
    events = service.history(db.session, actor, certificate.id) if can_manage else []
    names = _user_names({e.actor_user_id for e in events} | {certificate.verified_by_id})
    return (
        render_template(
            "certification/detail.html",
            certificate=certificate,
            supplier=supplier,
            definition=default_catalogue().get(certificate.code),
            evidence=evidence_service.evidence_for(db.session, certificate.id),
            events=events,
            user_names=names,
            chain=service.renewal_chain(db.session, certificate),
            renewed=bool(service.renewed_ids(db.session, [certificate.id])),
            next_states=service.next_states(certificate) if can_manage else [],
            can_manage=can_manage,
            can_verify=Purpose.VERIFY in purposes,
            renewable=service.CertState(certificate.state) in service.RENEWABLE_STATES,
            renewal_due=certificate.expires_on is not None
            and certificate.expires_on - service.today_in_india() <= RENEWAL_WINDOW,
            closed=certificate.state in service.CLOSED_STATES,
            cap_megabytes=evidence_cap_bytes() / (1024 * 1024),
            errors=errors or {},
            form_name=form_name,
            form=request.form if errors else {},
        ),
        status,
    )


def _user_names(user_ids) -> dict[int, str]:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.exec(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _form_action(certificate_id, form_name, schema, act, done_message):
    """Run one form's action; on a refusal show the page again with the reasons."""
    data, errors = load_form(schema, request.form)
    if data is not None:
        try:
            result = act(data)
        except DomainError as error:
            db.session.rollback()
            return _render_detail(
                certificate_id,
                errors=domain_errors(error),
                form_name=form_name,
                status=error.status_code,
            )
        db.session.commit()
        flash(done_message)
        return redirect(url_for("certification.certificate_detail", certificate_id=result.id))
    return _render_detail(certificate_id, errors=errors, form_name=form_name, status=422)


@bp.route("/certificates/<int:certificate_id>/edit", methods=["POST"])
@require(*MSME_OR_COORDINATOR)
def edit_certificate(certificate_id):
    def act(data):
        return service.update_certificate(
            db.session,
            current_actor(),
            certificate_id,
            version=data["version"],
            changes=_details(data),
            note=data.get("note"),
        )

    return _form_action(
        certificate_id, "edit", schemas.CertificateUpdateSchema(), act, N_("Details saved.")
    )


@bp.route("/certificates/<int:certificate_id>/transition", methods=["POST"])
@require(*MSME_OR_COORDINATOR)
def transition_certificate(certificate_id):
    def act(data):
        return service.transition(
            db.session,
            current_actor(),
            certificate_id,
            to_state=data["to"],
            version=data["version"],
            note=data.get("note"),
            changes=_details(data),
        )

    return _form_action(
        certificate_id,
        "transition",
        schemas.CertificateTransitionSchema(),
        act,
        N_("Status updated."),
    )


@bp.route("/certificates/<int:certificate_id>/renew", methods=["POST"])
@require(*MSME_OR_COORDINATOR)
@one_time_form
def renew_certificate(certificate_id):
    def act(data):
        return service.renew(db.session, current_actor(), certificate_id, **data)

    return _form_action(
        certificate_id, "renew", schemas.CertificateRenewalSchema(), act, N_("Renewal recorded.")
    )


@bp.route("/certificates/<int:certificate_id>/verification", methods=["POST"])
@require(ActorKind.COORDINATOR)
def decide_verification(certificate_id):
    def act(data):
        if data["decision"] == "verify":
            return verification.verify(
                db.session,
                current_actor(),
                certificate_id,
                version=data["version"],
                note=data.get("reason"),
            )
        return verification.reject(
            db.session,
            current_actor(),
            certificate_id,
            version=data["version"],
            reason=data["reason"],
        )

    return _form_action(
        certificate_id,
        "verification",
        schemas.VerificationDecisionSchema(),
        act,
        N_("Decision recorded."),
    )


@bp.route("/certificates/<int:certificate_id>/evidence", methods=["POST"])
@require(*MSME_OR_COORDINATOR)
@one_time_form
def upload_evidence(certificate_id):
    try:
        store_upload(certificate_id, request.files.get("file"))
    except DomainError as error:
        db.session.rollback()
        if error.status_code == 404:
            raise
        return _render_detail(
            certificate_id,
            errors=domain_errors(error),
            form_name="evidence",
            status=error.status_code,
        )
    db.session.commit()
    flash(N_("Evidence uploaded."))
    return redirect(url_for("certification.certificate_detail", certificate_id=certificate_id))


@bp.route("/certificates/<int:certificate_id>/evidence/<int:evidence_id>", methods=["GET"])
@require(ActorKind.MSME, ActorKind.ANCHOR, ActorKind.COORDINATOR)
def download_evidence(certificate_id, evidence_id):
    return download(certificate_id, evidence_id)


# ---------------------------------------------------------------- coordinators


@bp.route("/certificates/verification", methods=["GET"])
@require(ActorKind.COORDINATOR)
def verification_queue():
    actor = current_actor()
    return render_template(
        "certification/queue.html",
        waiting=verification.verification_queue(db.session, actor),
        rejected=verification.verification_queue(
            db.session, actor, verification=service.Verification.REJECTED
        ),
    )


@bp.route("/readiness/cluster", methods=["GET"])
@require(ActorKind.COORDINATOR)
def cluster_roadmap():
    actor = current_actor()
    cluster_id = request.args.get("cluster_id", type=int) or actor.cluster_id
    if cluster_id is None:
        clusters = list(db.session.exec(select(Cluster).order_by(Cluster.name)))
        return render_template("certification/choose_cluster.html", clusters=clusters)
    cluster = cluster_for(db.session, actor, cluster_id)
    today = service.today_in_india()
    roadmap = build_cluster_roadmap(db.session, cluster.id, today=today)
    # Counted in the database (a cluster's suppliers are not read one by one), and kept
    # until a supplier or certificate changes: seconds at a million suppliers.
    bands, average, _ = kept(
        db.session,
        ("readiness levels", cluster.id, today),
        lambda: levels_summary(
            db.session,
            sa.and_(Supplier.cluster_id == cluster.id, Supplier.merged_into_id.is_(None)),
            today=today,
            bands=LEVEL_BANDS,
        ),
    )
    return render_template(
        "certification/cluster_roadmap.html",
        cluster=cluster,
        roadmap=roadmap,
        level_bands=bands,
        average_level=average,
        today=today,
    )


# Readiness bands for the cluster's distribution chart: (label, lowest level, below).
LEVEL_BANDS = (
    ("Not started", 0.0, 0.0001),
    ("Under 25%", 0.0001, 0.25),
    ("25-50%", 0.25, 0.5),
    ("50-75%", 0.5, 0.75),
    ("75-99%", 0.75, 1.0),
    ("Fully certified", 1.0, 1.0001),
)


# ---------------------------------------------------------------- readiness


@bp.route("/readiness", methods=["GET"])
@require(*MSME_OR_COORDINATOR)
def readiness():
    supplier = _supplier_in_view()
    if supplier is None:
        if current_actor().kind != ActorKind.MSME:
            return redirect(url_for("certification.cluster_roadmap"))
        return render_template("certification/readiness.html", supplier=None)
    today = service.today_in_india()
    roadmap = roadmap_for_supplier(db.session, supplier.id, today=today)
    records = service.current_records(service.supplier_certificates(db.session, supplier.id))
    return render_template(
        "certification/readiness.html",
        supplier=supplier,
        readiness=supplier_readiness(db.session, supplier.id, today=today),
        roadmap=roadmap,
        held=len(service.countable_certificates(db.session, supplier.id, on=today)),
        under_way=sum(1 for r in records if r.state in service.PIPELINE_STATES),
        # Next steps that would open demand on their own: code -> requirements opened.
        unlocks={
            item.gaps[0].code: len(item.requirements)
            for item in roadmap.items
            if len(item.gaps) == 1
        },
        eligible_volume=monthly_volume(roadmap.eligible_now),
        today=today,
    )
