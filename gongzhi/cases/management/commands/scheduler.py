import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongzhi.audit.integrity import verify_daily
from gongzhi.audit.retention import prune_audit_log
from gongzhi.cases.retention import clear_case_contacts
from gongzhi.cases.sweeps import sweep_deadlines
from gongzhi.common.resilience import DATABASE_DOWN, wait_for_database
from gongzhi.notifications.outbox import deliver
from gongzhi.registry.deidentify import deidentify_people
from gongzhi.registry.imports import recover_stalled, remove_expired_downloads


class Command(BaseCommand):
    help = ("Queues the periodic tasks (the deadline sweep, notice delivery) every --every seconds, and once a "
            "day the retention jobs (audit log pruning, de-identification of people and case contacts); the "
            "task workers run them. Imports whose worker stopped are resumed or ended. A lost database "
            "connection is retried with a growing pause. One scheduler per installation.")

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
        sweep_deadlines.enqueue()
        deliver.enqueue()
        recover_stalled()
        today = timezone.localdate()
        if self.last_daily != today:
            prune_audit_log.enqueue()
            verify_daily.enqueue()
            deidentify_people.enqueue()
            clear_case_contacts.enqueue()
            remove_expired_downloads.enqueue()
            self.last_daily = today
