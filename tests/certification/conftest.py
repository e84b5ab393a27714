"""The certification cast: the shared world plus supplier profiles for MSME A and B."""

import pytest

from tests.certification.builders import supplier_of


@pytest.fixture
def cast(session, world):
    """world + supplier profiles for MSME A (cluster 1) and B (cluster 2)."""
    cast = dict(world)
    cast["supplier_a"] = supplier_of(session, world["msme_a"], categories=["testing"])
    cast["supplier_b"] = supplier_of(session, world["msme_b"], categories=["testing"])
    session.commit()
    return cast
