"""What the admin forms accept; the rules beyond shape are in ``admin.service``."""

import marshmallow as ma
from marshmallow import validate as v

from suppliermatch.accounts.models import OrganisationKind
from suppliermatch.admin.service import ROLES

# A cluster's slug names it in URLs and on the command line (``--cluster ganjam``).
CLUSTER_SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$"


class NewUserForm(ma.Schema):
    email = ma.fields.Email(required=True, validate=v.Length(max=254))
    full_name = ma.fields.String(required=True, validate=v.Length(min=2, max=160))
    role = ma.fields.String(required=True, validate=v.OneOf(list(ROLES)))
    # None for a platform admin, who belongs to no organisation.
    organisation_id = ma.fields.Integer(load_default=None, validate=v.Range(min=1))


class ActiveForm(ma.Schema):
    active = ma.fields.Boolean(required=True)


class RoleForm(ma.Schema):
    role = ma.fields.String(required=True, validate=v.OneOf(list(ROLES)))


class NewOrganisationForm(ma.Schema):
    kind = ma.fields.String(required=True, validate=v.OneOf([k.value for k in OrganisationKind]))
    name = ma.fields.String(required=True, validate=v.Length(min=2, max=200))
    cluster_id = ma.fields.Integer(required=True, validate=v.Range(min=1))


class NewClusterForm(ma.Schema):
    slug = ma.fields.String(
        required=True,
        validate=v.Regexp(
            CLUSTER_SLUG, error="Use lower-case letters, digits and hyphens, e.g. ganjam."
        ),
    )
    name = ma.fields.String(required=True, validate=v.Length(min=3, max=160))
    state = ma.fields.String(required=True, validate=v.Length(min=2, max=60))
