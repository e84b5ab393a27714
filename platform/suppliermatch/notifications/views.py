"""Pages: the in-app notification list."""

import json

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from suppliermatch.access import require_login
from suppliermatch.api_common import PAGINATION_HEADER, paginate, requested_page
from suppliermatch.extensions import db
from suppliermatch.notifications import service

bp = Blueprint("notifications", __name__)
PER_PAGE = 30


@bp.route("/notifications", methods=["GET"])
@require_login
def inbox():
    page = requested_page(request.args)
    statement = service.for_user(db.session, current_user.id)
    rows, header = paginate(db.session, statement, page, PER_PAGE)
    unread = service.unread_count(db.session, current_user.id)
    return render_template(
        "notifications/inbox.html",
        notifications=rows,
        unread=unread,
        page=page,
        has_next=page * PER_PAGE < json.loads(header[PAGINATION_HEADER])["total"],
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@require_login
def mark_read(notification_id):
    """Mark read and follow the notification's link (only our own relative paths)."""
    notification = service.mark_read(
        db.session, user_id=current_user.id, notification_id=notification_id
    )
    db.session.commit()
    link = notification.link or ""
    if link.startswith("/") and not link.startswith("//"):
        return redirect(link)
    return redirect(url_for("notifications.inbox"))


@bp.route("/notifications/read-all", methods=["POST"])
@require_login
def mark_all_read():
    service.mark_all_read(db.session, user_id=current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.inbox"))
