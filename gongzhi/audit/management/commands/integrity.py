from django.core.management.base import BaseCommand, CommandError

from gongzhi.audit import integrity
from gongzhi.audit.context import Origin, origin


class Command(BaseCommand):
    help = ("可信验证 / integrity: `integrity seal` signs a manifest of the application's files after an "
            "install or upgrade; `integrity verify` measures them again (the scheduler does it daily) and "
            "exits non-zero when a file changed, went missing or was added. Both are audited.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seal", help="measure the installed files and sign the manifest")
        sub.add_parser("verify", help="compare the installed files with the signed manifest")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:integrity {action}")):
            if action == "seal":
                count = integrity.seal()
                self.stdout.write(f"sealed {count} files into {integrity.manifest_path()}")
                return
            try:
                report = integrity.verify()
            except integrity.ManifestError as exc:
                raise CommandError(str(exc)) from exc
        for label, paths in (("changed", report.changed), ("missing", report.missing), ("added", report.added)):
            for path in paths:
                self.stderr.write(f"{label}: {path}")
        if not report.ok:
            raise CommandError(f"integrity broken: {len(report.changed)} changed, {len(report.missing)} missing, "
                               f"{len(report.added)} added of the files sealed at {report.sealed_at}")
        self.stdout.write(f"integrity intact: {report.checked} files as sealed at {report.sealed_at}")
