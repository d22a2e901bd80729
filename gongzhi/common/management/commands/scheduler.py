import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongzhi.common import periodic
from gongzhi.common.resilience import DATABASE_DOWN, wait_for_database


class Command(BaseCommand):
    help = ("Runs the periodic jobs every app registers (gongzhi.common.periodic): every --every seconds "
            "those registered every minute (the deadline sweep, notice delivery, resuming interrupted "
            "imports), and once a day the daily ones (retention, de-identification, the integrity check); "
            "tasks are queued for the workers. A lost database connection is retried with a growing "
            "pause. One scheduler per installation.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="queue once and exit (for cron)")

    def handle(self, *args, every, once, **options):
        self.last_daily = None
        attempt = 0
        while True:
            try:
                self.tick()
                attempt = 0
            except DATABASE_DOWN as exc:
                if once:
                    raise
                wait_for_database(attempt, exc, who="scheduler")
                attempt += 1
                continue
            if once:
                return
            time.sleep(every)

    def tick(self) -> None:
        """Every minute's jobs, then, at the first tick of a local day, the daily ones. A tick that
        fails on the database is tried again whole, so a daily job is never skipped for a day."""
        for job in periodic.jobs(periodic.EVERY_MINUTE):
            job.run()
        today = timezone.localdate()
        if self.last_daily != today:
            for job in periodic.jobs(periodic.DAILY):
                job.run()
            self.last_daily = today
