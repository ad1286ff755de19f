from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from core.navigation import NavItem, register

        from . import permissions, signals

        signals.connect()
        register(NavItem("Users", "accounts:user_list", permissions.is_admin, order=90))
