from django.core.management.base import BaseCommand

from itgov.catalogue.similarity import reindex_all


class Command(BaseCommand):
    help = ("Rebuild the duplicate-build detection index (art. 3, 18): every project, system and resource that may "
            "be indexed (never a classified one, art. 5, nor a draft).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="objects per bulk insert")

    def handle(self, *args, **options):
        counts = reindex_all(batch=options["batch"], stdout=self.stdout)
        self.stdout.write(f"similarity index rebuilt: {sum(counts.values())} documents")
