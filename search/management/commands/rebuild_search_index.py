import time

from django.core.management.base import BaseCommand

from search.indexing import index_offers


class Command(BaseCommand):
    help = "Rebuilds every offer's search document (after bulk changes that bypass save())."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = index_offers()
        self.stdout.write(f"{count} Suchdokumente in {time.perf_counter() - started:.1f} s neu aufgebaut.")
