from django.core.management.base import BaseCommand, CommandError

from gongzhi.audit import log


class Command(BaseCommand):
    help = "审计日志 / the audit log: `audit verify` checks the hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="detect edited, deleted or reordered entries")

    def handle(self, *args, action, **options):
        verdict = log.verify()
        for problem in verdict.problems:
            self.stderr.write(problem)
        if not verdict.ok:
            raise CommandError(f"audit chain broken: {len(verdict.problems)} problem(s) in {verdict.checked} entries")
        self.stdout.write(f"audit chain intact: {verdict.checked} entries")
