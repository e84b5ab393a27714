"""Alembic makes exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from suppliermatch.dbcli import alembic_config
from suppliermatch.tables import metadata


@pytest.fixture
def empty_database_url(new_database):
    return new_database()


def test_upgrade_to_head_matches_the_models(empty_database_url):
    command.upgrade(alembic_config(empty_database_url), "head")
    engine = sa.create_engine(empty_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_back(empty_database_url):
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = sa.create_engine(empty_database_url)
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()
    command.upgrade(config, "head")


def test_anchor_vetting_migration_keeps_self_registered_anchors_waiting(empty_database_url):
    """Anchors who signed themselves up before vetting existed wait for their coordinator;
    anchors the platform created stay approved; other users get no vetting state."""
    config = alembic_config(empty_database_url)
    command.upgrade(config, "7dc356c09e7c-1")  # just before vetting existed
    engine = sa.create_engine(empty_database_url)
    now = "2026-11-30 10:00:00"
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO organisation (id, kind, name, created_at) VALUES "
                "(1, 'anchor', 'Signed-up Magnets', :now), (2, 'anchor', 'Seeded Magnets', :now),"
                " (3, 'msme', 'Asha Works', :now)"
            ),
            {"now": now},
        )
        for user_id, organisation_id in ((1, 1), (2, 2), (3, 3)):
            connection.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, full_name, password_hash, organisation_id, '
                    "role, is_admin, is_active, session_token, created_at) VALUES "
                    "(:id, :email, 'Someone', 'x', :org, 'owner', false, true, 't', :now)"
                ),
                {
                    "id": user_id,
                    "email": f"u{user_id}@example.test",
                    "org": organisation_id,
                    "now": now,
                },
            )
        connection.execute(
            sa.text(
                "INSERT INTO auditevent (entity_type, entity_id, action, actor_user_id, "
                "created_at) VALUES ('user', 1, 'signup', 1, :now), ('user', 3, 'signup', 3, :now)"
            ),
            {"now": now},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(sa.text('SELECT id, vetting FROM "user" ORDER BY id'))
        states = {user_id: vetting for user_id, vetting in rows}
    engine.dispose()
    assert states == {1: "pending", 2: "approved", 3: None}


def test_claims_migration_gives_earlier_imports_an_empty_supplier_list(empty_database_url):
    """Import records from before imports kept their suppliers list none; going back
    drops what was addressed to unclaimed profiles (the older schema has no place for it)."""
    config = alembic_config(empty_database_url)
    command.upgrade(config, "b3e8f1a4c2d7")  # just before claims existed
    engine = sa.create_engine(empty_database_url)
    now = "2026-12-01 10:00:00"
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO supplierimport (id, filename, mode, outcome, rows_total, "
                "rows_created, rows_updated, rows_rejected, problems_total, problems, notices, "
                "created_at) VALUES (1, 'old.csv', 'all_or_nothing', 'imported', 1, 1, 0, 0, "
                "0, '[]', '[]', :now)"
            ),
            {"now": now},
        )
    command.upgrade(config, "head")
    with engine.begin() as connection:
        kept = connection.execute(sa.text("SELECT supplier_ids FROM supplierimport")).scalar()
        connection.execute(
            sa.text(
                "INSERT INTO supplier (id, legal_name, search_text, is_public, version, "
                "categories, created_at, updated_at) VALUES (1, 'Asha Works', '', true, 1, "
                "'[]', :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO notification (supplier_id, kind, subject, body, created_at, "
                "email_attempts) VALUES (1, 'claim_invitation', 'Claim', 'Claim it', :now, 0)"
            ),
            {"now": now},
        )
    command.downgrade(config, "b3e8f1a4c2d7")
    with engine.connect() as connection:
        left = connection.execute(sa.text("SELECT count(*) FROM notification")).scalar()
    engine.dispose()
    assert kept in ([], "[]")
    assert left == 0
