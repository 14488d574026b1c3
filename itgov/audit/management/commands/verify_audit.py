from django.core.management.base import BaseCommand, CommandError

from itgov.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain: finds a tampered, missing or removed event."

    def handle(self, *args, **options):
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.checked} events")
        self.stdout.write(f"audit chain intact: {report.checked} events")
