from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from core.navigation import NavItem, register
        from core.sections import Section

        from . import (
            headship_views,
            lockout,
            permissions,
            second_factor,
            second_factor_views,
            session_limits,
            signals,
            user_page,
        )

        signals.connect()
        register(NavItem("Users", "accounts:user_list", permissions.is_admin, order=90))
        from core.export_jobs import register as register_export

        from .exports import USERS

        register_export(USERS)
        # Receivers of user_logged_in / user_login_failed (docs/adr/0009): imported for their signals.
        del lockout, second_factor, session_limits
        user_page.register(
            Section(
                key="sign_in",
                title="Signing in",
                order=5,
                template="accounts/sections/sign_in.html",
                context=second_factor_views.sign_in_section,
            )
        )
        user_page.register(
            Section(
                key="headships",
                title="Headteacher of",
                order=11,
                template="accounts/sections/headships.html",
                context=headship_views.section,
            )
        )
