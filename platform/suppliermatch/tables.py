"""Imports every table module so that SQLModel.metadata knows the whole schema.

Alembic's env.py, the test suite and the app factory import this one module instead of
listing the feature modules in three places.
"""

from suppliermatch.accounts import models as accounts_models  # noqa: F401
from suppliermatch.audit import models as audit_models  # noqa: F401
from suppliermatch.certification import models as certification_models  # noqa: F401
from suppliermatch.idempotency import IdempotencyRecord  # noqa: F401
from suppliermatch.jobs import models as jobs_models  # noqa: F401
from suppliermatch.matching import models as matching_models  # noqa: F401
from suppliermatch.models_base import SQLModel
from suppliermatch.notifications import models as notifications_models  # noqa: F401
from suppliermatch.onboarding import models as onboarding_models  # noqa: F401
from suppliermatch.payments import models as payments_models  # noqa: F401
from suppliermatch.qualification import models as qualification_models  # noqa: F401
from suppliermatch.reports import models as reports_models  # noqa: F401
from suppliermatch.requirements import models as requirements_models  # noqa: F401
from suppliermatch.suppliers import models as suppliers_models  # noqa: F401

metadata = SQLModel.metadata
