from django.core.management.base import BaseCommand

from gongzhi.audit.context import Origin, origin
from gongzhi.deliberation import procedures


class Command(BaseCommand):
    help = ("协商议事: `deliberation load-procedures` installs the default procedure templates "
            "(四议两公开, 议事会协商) that are missing; edited ones stay as they are.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-procedures")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:deliberation {action}")):
            created = procedures.load_defaults()
        self.stdout.write(f"{created} procedure templates created")
