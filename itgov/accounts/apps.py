from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "itgov.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (sign-in events for the audit trail)
