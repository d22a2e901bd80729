from django.core.management.base import BaseCommand

from gongzhi.audit.context import Origin, origin
from gongzhi.cases import categories, sweeps


class Command(BaseCommand):
    help = ("事件: `cases load-categories` creates the default category tree's missing categories; "
            "`cases sweep` turns deadline lights (run it every minute from cron or a timer).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-categories")
        sub.add_parser("sweep")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:cases {action}")):
            if action == "sweep":
                turned = sweeps.sweep()
                self.stdout.write(f"{turned.get('yellow', 0)} turned yellow, {turned.get('red', 0)} turned red")
                return
            created = categories.load_defaults()
        self.stdout.write(f"{created} categories created")
