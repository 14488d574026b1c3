from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "itgov.organizations"
    label = "organizations"
