from django.core.management.base import BaseCommand

from itgov.core import context
from itgov.demo.services import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo district (Gulou-like): units, users, experts, the plan and 60 projects. Idempotent."

    def handle(self, *args, **options):
        with context.using(context.RequestContext(channel="command")):
            counts = load_demo()
        self.stdout.write(f"demo district: {counts}")
        self.stdout.write("demo logins (password for all: %s): %s" % (DEMO_PASSWORD, ", ".join(DEMO_USERS)))
