import json

from django.core.management.base import BaseCommand

from itgov.core import context
from itgov.rules.services import policy_profile_load, policy_profiles_load_bundled


class Command(BaseCommand):
    help = "Load policy profiles: the bundled ones (Gulou 2021), or the JSON files given. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")

    def handle(self, *args, files, **options):
        with context.using(context.RequestContext(channel="command")):
            if files:
                profiles = [policy_profile_load(actor=None, spec=json.load(open(f, encoding="utf-8"))) for f in files]
            else:
                profiles = policy_profiles_load_bundled()
        for p in profiles:
            self.stdout.write(f"{p.jurisdiction.name}: {p}")
