from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.audit import checkpoints, log, retention, signing
from gongzhi.audit.context import Origin, origin
from gongzhi.common.actors import SystemActor


class Command(BaseCommand):
    help = ("审计日志 / the audit log: `audit verify [--checkpoint FILE …]` checks the keyed chain (and holds "
            "it against signed checkpoints); `audit checkpoint -o FILE` exports a signed checkpoint; "
            "`audit new-key KID [--alg sm3]` prints an entry for GONGZHI_AUDIT_KEYS; `audit prune` removes "
            "entries older than GONGZHI_AUDIT_RETENTION_DAYS (the scheduler does it daily).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="detect edited, deleted or reordered entries")
        verify.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                            help="a checkpoint exported earlier; the log must still carry its head hash")
        checkpoint = sub.add_parser("checkpoint", help="export a signed checkpoint of the chain's head (audited)")
        checkpoint.add_argument("-o", "--output", required=True, metavar="FILE")
        new = sub.add_parser("new-key", help="print a fresh audit key entry to put first in GONGZHI_AUDIT_KEYS")
        new.add_argument("kid")
        new.add_argument("--alg", choices=signing.ALGORITHMS, default="sha256")
        sub.add_parser("prune", help="remove entries past the retention period (recorded in the chain)")

    def handle(self, *args, action, **options):
        if action == "prune":
            removed = retention.prune()
            self.stdout.write(f"pruned {removed} entries older than {retention.cutoff():%Y-%m-%d}")
            return
        if action == "new-key":
            self.stdout.write(signing.new_key(options["kid"], options["alg"]))
            return
        if action == "checkpoint":
            with origin(Origin(source="cli:audit checkpoint")):
                checkpoint = checkpoints.export(actor=SystemActor("server shell"))
            Path(options["output"]).write_text(checkpoints.dumps(checkpoint))
            self.stdout.write(f"checkpoint of entry #{checkpoint['count']} written to {options['output']}")
            return
        self._verify(options["checkpoint"])

    def _verify(self, files):
        verdict = log.verify()
        problems = list(verdict.problems)
        for name in files:
            try:
                text = Path(name).read_text()
            except OSError as exc:
                raise CommandError(f"cannot read checkpoint {name}: {exc.strerror}") from exc
            problems += [f"checkpoint {name}: {problem}" for problem in checkpoints.check(text)]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {verdict.checked} entries")
        held = f", consistent with {len(files)} checkpoint(s)" if files else ""
        self.stdout.write(f"audit chain intact: {verdict.checked} entries{held}")
