from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "itgov.accounts"
    label = "accounts"
