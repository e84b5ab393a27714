"""Fixtures of the security tests: the scenario and a signed-in client per role."""

import pytest

from tests.security.case_count import summary_line
from tests.security.clients import clients_for_roles
from tests.security.scenario import build_scenario


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
