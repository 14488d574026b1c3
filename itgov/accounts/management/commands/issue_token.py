from django.core.management.base import BaseCommand, CommandError

from itgov.accounts.models import User
from itgov.accounts.services import api_token_issue
from itgov.core import context


class Command(BaseCommand):
    help = "Issue an API bearer token for an existing user; prints the token alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="issue_token", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        with context.using(context.RequestContext(channel="command")):
            raw = api_token_issue(actor=None, user=user, name=name)
        self.stdout.write(raw)
