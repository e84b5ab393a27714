"""JSON API for one's own notifications: /api/notifications."""

from flask_login import current_user
from flask_smorest import Blueprint

from suppliermatch.access import require_login
from suppliermatch.api_common import PageArgs, paginate
from suppliermatch.extensions import db
from suppliermatch.notifications import schemas, service

blp = Blueprint(
    "notifications_api",
    __name__,
    url_prefix="/api/notifications",
    description="Your notifications (invitations, amendments, deadlines, awards)",
)


@blp.route("", methods=["GET"])
@require_login
@blp.arguments(schemas.NotificationListArgs, location="query", as_kwargs=True)
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.response(200, schemas.NotificationSchema(many=True))
def list_notifications(unread, page, per_page):
    """Your notifications, newest first."""
    statement = service.for_user(db.session, current_user.id, unread_only=unread)
    rows, headers = paginate(db.session, statement, page, per_page)
    return rows, 200, headers


@blp.route("/<int:notification_id>/read", methods=["POST"])
@require_login
@blp.response(200, schemas.NotificationSchema)
def mark_read(notification_id):
    """Mark one of your notifications read."""
    notification = service.mark_read(
        db.session, user_id=current_user.id, notification_id=notification_id
    )
    db.session.commit()
    return notification


@blp.route("/read-all", methods=["POST"])
@require_login
@blp.response(200, schemas.MarkedReadSchema)
def mark_all_read():
    """Mark all your notifications read."""
    marked = service.mark_all_read(db.session, user_id=current_user.id)
    db.session.commit()
    return {"marked": marked}
