"""A form's unit of work (forms.attempt): a refused rule is rolled back and shown on the
form; a refusal that is not about the form goes to the error page; success commits."""

import pytest
from sqlmodel import select

from suppliermatch.accounts.models import Organisation
from suppliermatch.errors import Forbidden, NotFound, ValidationFailed
from suppliermatch.forms import attempt


def _add_then(session, failure):
    def change():
        session.add(Organisation(name="Half-stored Forge", kind="msme"))
        session.flush()
        raise failure

    return change


def _stored(session) -> list[str]:
    return session.exec(
        select(Organisation.name).where(Organisation.name == "Half-stored Forge")
    ).all()


def test_a_refused_rule_is_rolled_back_and_shown_with_its_field_and_status(app, session):
    with app.test_request_context():
        outcome = attempt(_add_then(session, ValidationFailed("Too long.", field="name")), "Saved.")
    assert outcome.refused and outcome.status == 422
    assert outcome.errors == {"name": ["Too long."]}
    assert _stored(session) == []


@pytest.mark.parametrize("failure", [NotFound("No such thing."), Forbidden("Not yours.")])
def test_not_found_and_forbidden_go_to_the_error_page_rolled_back(app, session, failure):
    with app.test_request_context(), pytest.raises(type(failure)):
        attempt(_add_then(session, failure), "Saved.")
    assert _stored(session) == []


def test_success_commits_and_flashes_what_the_result_makes(app, session):
    with app.test_request_context():
        from flask import get_flashed_messages

        outcome = attempt(lambda: "Forge 7", lambda name: f"{name} saved.", propagate=())
        assert get_flashed_messages() == ["Forge 7 saved."]
    assert not outcome.refused and outcome.result == "Forge 7"
