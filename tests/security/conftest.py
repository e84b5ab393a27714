"""Fixtures of the security tests: the scenario and a signed-in client per role."""

import pytest

from suppliermatch.extensions import limiter
from tests.security.case_count import summary_line
from tests.security.clients import clients_for_roles
from tests.security.scenario import build_scenario


@pytest.fixture(autouse=True)
def _rate_limits_as_the_app_says(app):
    """Flask-Limiter's extension object is shared by every app, and ``init_app`` sets its
    ``enabled`` flag: an app made with limits on (test_headers_and_limits.py) leaves them
    on for the suite's app, whose tests sign in more than 10 times a minute. A test that
    makes such an app gets it on again when its fixture runs, after this one."""
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture
def scenario(session):
    return build_scenario(session)


@pytest.fixture
def role_clients(app, scenario):
    return clients_for_roles(app, scenario)


def pytest_terminal_summary(terminalreporter):
    line = summary_line()
    if line:
        terminalreporter.write_line(line)
