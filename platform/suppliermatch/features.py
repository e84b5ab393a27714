"""The list of features: each contributes page blueprints, API blueprints and commands.

Adding a feature means adding it here, once.
"""

from suppliermatch.translatable import N_


def html_blueprints():
    from suppliermatch import home, language_views
    from suppliermatch.accounts import two_factor_views
    from suppliermatch.accounts import views as accounts_views
    from suppliermatch.admin import views as admin_views
    from suppliermatch.certification import views as certification_views
    from suppliermatch.jobs import views as jobs_views
    from suppliermatch.matching import views as matching_views
    from suppliermatch.notifications import views as notifications_views
    from suppliermatch.onboarding import views as onboarding_views
    from suppliermatch.payments import views as payments_views
    from suppliermatch.qualification import views as qualification_views
    from suppliermatch.reports import views as reports_views
    from suppliermatch.requirements import views as requirements_views
    from suppliermatch.suppliers import views as suppliers_views

    return [
        home.bp,
        language_views.bp,
        accounts_views.bp,
        two_factor_views.bp,
        suppliers_views.bp,
        certification_views.bp,
        requirements_views.bp,
        notifications_views.bp,
        onboarding_views.bp,
        matching_views.bp,
        reports_views.bp,
        admin_views.bp,
        jobs_views.bp,
        payments_views.bp,
        qualification_views.bp,
    ]


def api_blueprints():
    from suppliermatch.accounts import api as accounts_api
    from suppliermatch.accounts import two_factor_api
    from suppliermatch.certification import api as certification_api
    from suppliermatch.jobs import api as jobs_api
    from suppliermatch.matching import api as matching_api
    from suppliermatch.notifications import api as notifications_api
    from suppliermatch.onboarding import api as onboarding_api
    from suppliermatch.payments import api as payments_api
    from suppliermatch.qualification import api as qualification_api
    from suppliermatch.reports import api as reports_api
    from suppliermatch.requirements import api as requirements_api
    from suppliermatch.suppliers import api as suppliers_api

    return [
        accounts_api.blp,
        accounts_api.tokens_blp,
        accounts_api.vetting_blp,
        two_factor_api.blp,
        two_factor_api.policy_blp,
        suppliers_api.blp,
        certification_api.blp,
        certification_api.readiness_blp,
        requirements_api.blp,
        requirements_api.scorecards_blp,
        notifications_api.blp,
        onboarding_api.blp,
        matching_api.blp,
        reports_api.blp,
        jobs_api.blp,
        payments_api.blp,
        qualification_api.blp,
    ]


def cli_groups():
    from suppliermatch import dbcli, index_cli
    from suppliermatch.accounts import cli as accounts_cli
    from suppliermatch.certification import cli as certification_cli
    from suppliermatch.jobs import cli as jobs_cli
    from suppliermatch.matching import cli as matching_cli
    from suppliermatch.notifications import cli as notifications_cli
    from suppliermatch.payments import cli as payments_cli
    from suppliermatch.requirements import cli as requirements_cli
    from suppliermatch.seeding import cli as seeding_cli
    from suppliermatch.suppliers import cli as suppliers_cli

    return [
        dbcli.db_cli,
        accounts_cli.users_cli,
        seeding_cli.seed_cli,
        suppliers_cli.suppliers_cli,
        certification_cli.certs_cli,
        requirements_cli.requirements_cli,
        notifications_cli.notifications_cli,
        payments_cli.payments_cli,
        matching_cli.bench_cli,
        index_cli.indexes_cli,
        jobs_cli.worker_command,
        jobs_cli.jobs_cli,
    ]


# Navigation: (who sees it, label, endpoint). A link appears once its endpoint exists.
NAV_LINKS = [
    (("msme",), N_("My profile"), "suppliers.my_profile"),
    (("msme",), N_("Certificates"), "certification.my_certificates"),
    (("msme",), N_("Readiness"), "certification.readiness"),
    (("msme",), N_("Requirements"), "requirements.supplier_list"),
    (("anchor",), N_("Requirements"), "requirements.anchor_list"),
    (("msme", "anchor"), N_("Qualifications"), "qualification.list_page"),
    (("msme", "anchor"), N_("Payments"), "payments.dues_page"),
    (("coordinator", "admin"), N_("Dashboard"), "reports.dashboard"),
    (("coordinator", "admin"), N_("Suppliers"), "suppliers.search_page"),
    (("coordinator", "admin"), N_("Import"), "suppliers.import_page"),
    (("coordinator", "admin"), N_("Onboarding"), "onboarding.onboarding_list"),
    (("coordinator", "admin"), N_("Requirements"), "requirements.coordinator_list"),
    (("coordinator", "admin"), N_("Verification"), "certification.verification_queue"),
    (("coordinator", "admin"), N_("Cluster roadmap"), "certification.cluster_roadmap"),
    (("coordinator", "admin"), N_("Anchor firms"), "accounts.vetting_queue"),
    (("coordinator", "admin"), N_("Anchor payments"), "payments.anchor_scorecards"),
    (("admin",), N_("Users"), "admin.users"),
    (("admin",), N_("Organisations"), "admin.organisations"),
    (("admin",), N_("Clusters"), "admin.clusters"),
    (("admin",), N_("Jobs"), "jobs.admin_jobs"),
    (
        ("anonymous", "msme", "anchor", "unvetted_anchor", "coordinator", "admin"),
        N_("Directory"),
        "suppliers.directory",
    ),
    (
        ("msme", "anchor", "unvetted_anchor", "coordinator", "admin"),
        N_("Notifications"),
        "notifications.inbox",
    ),
]


def nav_links(actor_kind: str) -> list[dict]:
    from flask import current_app, url_for

    from suppliermatch.i18n import translated

    return [
        {"label": translated(label), "url": url_for(endpoint)}
        for kinds, label, endpoint in NAV_LINKS
        if actor_kind in kinds and endpoint in current_app.view_functions
    ]
