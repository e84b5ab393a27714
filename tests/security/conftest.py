"""Fixtures of the security tests: the scenario and a signed-in client per role."""

import pytest

from tests.security.clients import clients_for_roles
from tests.security.scenario import build_scenario


@pytest.fixture
def scenario(session):
    return build_scenario(session)


@pytest.fixture
def role_clients(app, scenario):
    return clients_for_roles(app, scenario)
