import time

from django.core.management.base import BaseCommand

from gongzhi.cases.sweeps import sweep_deadlines
from gongzhi.notifications.outbox import deliver


class Command(BaseCommand):
    help = ("Queues the periodic tasks (the deadline sweep, notice delivery) every --every seconds; the "
            "task workers run them. One scheduler per installation.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="queue once and exit (for cron)")

    def handle(self, *args, every, once, **options):
        while True:
            sweep_deadlines.enqueue()
            deliver.enqueue()
            if once:
                return
            time.sleep(every)
