from django_tasks_db.management.commands import db_worker

from gongzhi.common.worker import ResilientWorker, new_worker_id


class Command(db_worker.Command):
    help = ("Runs background tasks from the database and outlives its restarts: a lost connection is "
            "retried with a growing pause, and tasks a dead worker had claimed run again. One worker per "
            "queue: --queue-name default (SMS codes, notices, sweeps) and --queue-name imports.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, max_tasks,
               worker_id, exclude_queues, **options):
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id or new_worker_id(),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [])
        worker.configure_signals()
        worker.run()
