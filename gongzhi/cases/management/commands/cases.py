import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gongzhi.audit.context import Origin, origin
from gongzhi.cases import categories, rollups, sweeps


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = ("事件: `cases load-categories` creates the default category tree's missing categories; "
            "`cases sweep` turns deadline lights (run it every minute from cron or a timer); "
            "`cases rebuild-rollups [--start D] [--end D]` recounts the rates' daily rollups from the "
            "case events (after a bulk load).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-categories")
        sub.add_parser("sweep")
        rebuild = sub.add_parser("rebuild-rollups")
        rebuild.add_argument("--start", type=_date, help="first day (YYYY-MM-DD); default: the first event")
        rebuild.add_argument("--end", type=_date, help="last day (YYYY-MM-DD); default: the last event")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:cases {action}")):
            if action == "sweep":
                turned = sweeps.sweep()
                self.stdout.write(f"{turned.get('yellow', 0)} turned yellow, {turned.get('red', 0)} turned red")
                return
            if action == "rebuild-rollups":
                start, end = options.get("start"), options.get("end")
                if start and end and start > end:
                    raise CommandError("--start is after --end")
                rows = rollups.rebuild(start, end)
                self.stdout.write(f"{rows} rollup rows written for {start or 'the first day'} … {end or 'the last'}")
                return
            created = categories.load_defaults()
        self.stdout.write(f"{created} categories created")
