"""What crosses HTTP for notifications."""

import marshmallow as ma

from suppliermatch.notifications.service import Kind


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(
        metadata={"description": "One of " + ", ".join(kind.value for kind in Kind)}
    )
    subject = ma.fields.String()
    body = ma.fields.String()
    link = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class NotificationListArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    unread = ma.fields.Boolean(load_default=False, metadata={"description": "Only unread ones"})


class MarkedReadSchema(ma.Schema):
    marked = ma.fields.Integer(metadata={"description": "How many were marked read"})
