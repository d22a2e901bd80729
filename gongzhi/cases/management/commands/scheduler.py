import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongzhi.audit.integrity import verify_daily
from gongzhi.audit.retention import prune_audit_log
from gongzhi.cases.retention import clear_case_contacts
from gongzhi.cases.sweeps import sweep_deadlines
from gongzhi.notifications.outbox import deliver
from gongzhi.registry.deidentify import deidentify_people
from gongzhi.registry.imports import remove_expired_downloads


class Command(BaseCommand):
    help = ("Queues the periodic tasks (the deadline sweep, notice delivery) every --every seconds, and once a "
            "day the retention jobs (audit log pruning, de-identification of people and case contacts); the "
            "task workers run them. One scheduler per installation.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="queue once and exit (for cron)")

    def handle(self, *args, every, once, **options):
        last_daily = None
        while True:
            sweep_deadlines.enqueue()
            deliver.enqueue()
            today = timezone.localdate()
            if last_daily != today:
                prune_audit_log.enqueue()
                verify_daily.enqueue()
                deidentify_people.enqueue()
                clear_case_contacts.enqueue()
                remove_expired_downloads.enqueue()
                last_daily = today
            if once:
                return
            time.sleep(every)
