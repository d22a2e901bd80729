from django.core.management.base import BaseCommand

from gongzhi.audit.context import Origin, origin
from gongzhi.cases import categories


class Command(BaseCommand):
    help = "事件: `cases load-categories` creates the default category tree's missing categories."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-categories")

    def handle(self, *args, action, **options):
        with origin(Origin(source="cli:cases load-categories")):
            created = categories.load_defaults()
        self.stdout.write(f"{created} categories created")
