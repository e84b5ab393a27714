"""An imported cluster: a coordinator, suppliers nobody has claimed, and the mail they get."""

import pytest

from tests import factories
from tests.smtp import RecordingMailer

BASE_URL = "https://suppliermatch.test"
CLAIM_LINK = BASE_URL.replace(".", r"\.") + r"/claim/([A-Za-z0-9_-]+)"


@pytest.fixture
def cluster(session):
    return factories.make_cluster(session)


@pytest.fixture
def coordinator(session, cluster):
    user = factories.make_user(session, kind="coordinator", cluster=cluster)
    session.commit()
    return user


@pytest.fixture
def imported(session, cluster):
    """Two imported suppliers with an e-mail on record, and one without."""
    suppliers = {
        "asha": factories.make_supplier(
            session,
            cluster=cluster,
            legal_name="Asha Precision Works",
            email="accounts@asha.test",
            gstin="21AABCK1234F1ZB",
        ),
        "bhavani": factories.make_supplier(
            session,
            cluster=cluster,
            legal_name="Bhavani Graphite Products",
            email="sales@no-such-mailbox.test",
            udyam_number="UDYAM-OD-07-0012345",
        ),
        "silent": factories.make_supplier(
            session, cluster=cluster, legal_name="Chola Silent Coatings"
        ),
    }
    session.commit()
    return suppliers


@pytest.fixture
def mailer(app, monkeypatch):
    """Records the e-mails sent at once (claim codes)."""
    recorder = RecordingMailer()
    monkeypatch.setitem(app.config, "MAILER", recorder)
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    return recorder


def send_outbox(app) -> str:
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    return result.output
