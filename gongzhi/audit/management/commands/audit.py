from django.core.management.base import BaseCommand, CommandError

from gongzhi.audit import log, retention


class Command(BaseCommand):
    help = ("审计日志 / the audit log: `audit verify` checks the hash chain; `audit prune` removes entries "
            "older than GONGZHI_AUDIT_RETENTION_DAYS (the scheduler does it daily).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="detect edited, deleted or reordered entries")
        sub.add_parser("prune", help="remove entries past the retention period (recorded in the chain)")

    def handle(self, *args, action, **options):
        if action == "prune":
            removed = retention.prune()
            self.stdout.write(f"pruned {removed} entries older than {retention.cutoff():%Y-%m-%d}")
            return
        verdict = log.verify()
        for problem in verdict.problems:
            self.stderr.write(problem)
        if not verdict.ok:
            raise CommandError(f"audit chain broken: {len(verdict.problems)} problem(s) in {verdict.checked} entries")
        self.stdout.write(f"audit chain intact: {verdict.checked} entries")
