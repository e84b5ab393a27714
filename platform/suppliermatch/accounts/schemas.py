"""What crosses HTTP for accounts. Unknown fields are refused (marshmallow's RAISE)."""

import marshmallow as ma

from suppliermatch.accounts.passwords import MAX_PASSWORD_LENGTH

Email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))


class LoginSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class SignUpSchema(ma.Schema):
    account_type = ma.fields.String(required=True, validate=ma.validate.OneOf(["msme", "anchor"]))
    organisation_name = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=200))
    cluster = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=60),
        metadata={"description": "Cluster slug, e.g. ganjam"},
    )
    full_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=160))
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class PasswordChangeSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    full_name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "msme, anchor, coordinator or admin"})
    organisation_id = ma.fields.Integer(allow_none=True)
    cluster_id = ma.fields.Integer(allow_none=True)
    supplier_id = ma.fields.Integer(allow_none=True)
    csrf_token = ma.fields.String(
        metadata={"description": "Send as X-CSRFToken on state-changing cookie-authenticated calls"}
    )


class CsrfSchema(ma.Schema):
    csrf_token = ma.fields.String()


class TokenCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String()
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = ma.fields.String(metadata={"description": "Shown once; store it now."})
