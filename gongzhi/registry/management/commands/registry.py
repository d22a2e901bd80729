import csv
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.audit.context import Origin, origin
from gongzhi.registry import import_kinds, imports, matching
from gongzhi.registry.models import ImportStatus


class Command(BaseCommand):
    help = ("基础信息: `registry import KIND FILE --as USERNAME` imports a spreadsheet as that account; "
            "`registry match-addresses IN.csv OUT.csv --within CODE` (see each one's --help).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        m = sub.add_parser("match-addresses", help="match a CSV column `query` to standard address codes")
        m.add_argument("input")
        m.add_argument("output")
        m.add_argument("--within", required=True, help="the city or district code the addresses are read in")
        m.add_argument("--queue", action="store_true", help="put uncertain rows in the review queue")
        i = sub.add_parser("import", help="import a spreadsheet (.xlsx or .csv) now, as the import page does: the "
                           "account's permission for the kind, its scope, every row checked, the valid rows kept")
        i.add_argument("kind", help="the import kind: " + ", ".join(k.key for k in import_kinds.kinds()))
        i.add_argument("file")
        i.add_argument("--as", dest="username", required=True, help="the account importing (its permission and scope)")
        i.add_argument("--errors", help="where to write the error workbook when rows are refused (default: "
                       "GONGZHI_VAR_DIR/imports/errors-JOB.xlsx); it holds those rows as typed, delete it once done")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:registry {action}")):
            getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_import(self, kind, file, username, errors, **_):
        """Exits non-zero when the account, the kind or the file is refused; refused rows are not a
        failure of the import (the valid ones are kept), they are listed in the error workbook."""
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active account {username}")
        try:
            spec = import_kinds.get(kind)
        except import_kinds.UnknownKind as exc:
            known = ", ".join(k.key for k in import_kinds.kinds())
            raise CommandError(f"{exc} (unknown import kind {kind!r}; the kinds are: {known})") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            job = imports.run_now(actor=user, kind=kind, file_name=path.name, data=path.read_bytes(),
                                  progress=lambda done, outcome: self.stdout.write(
                                      f"{done} rows checked, {outcome.failed} refused so far"))
        except PermissionDenied as exc:
            raise CommandError(f"{exc} ({username} may not import {kind}: needs {spec.permission})") from None
        except imports.ImportRefused as exc:
            raise CommandError(f"{exc} ({file} refused)") from None
        if job.status != ImportStatus.DONE:
            raise CommandError(f"{job.message} ({file} refused: nothing imported; job {job.pk})")
        self.stdout.write(f"{spec.label} {path.name} (job {job.pk}): {job.total} rows, {job.created} created, "
                          f"{job.updated} updated, {job.unchanged} unchanged, {job.failed} refused")
        if job.error_file:
            target = Path(errors) if errors else Path(settings.VAR_DIR) / "imports" / f"errors-{job.pk}.xlsx"
            _write_private(target, imports.error_workbook(job))
            self.stdout.write(f"refused rows, each bad cell marked with its reason: {target}")

    def do_match_addresses(self, input, output, within, queue, **_):
        area = Area.objects.unscoped().filter(code=within).first()
        if area is None:
            raise CommandError(f"no area with code {within}")
        path = Path(input)
        if not path.exists():
            raise CommandError(f"{input}: no such file")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if "query" not in (reader.fieldnames or []):
                raise CommandError(f"{input}: needs a column named `query`")
            rows = list(reader)
            fields = [*reader.fieldnames, "address_code", "confidence", "matched_text"]
        matcher = matching.Matcher(area)
        certain = 0
        with Path(output).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                match = matcher.match(row["query"] or "")
                if match.certain:
                    certain += 1
                elif queue and (row["query"] or "").strip():
                    matching.enqueue(match, source=f"match-addresses {path.name}")
                best = match.address or (match.candidates[0].address if match.candidates else None)
                writer.writerow({
                    **row,
                    "address_code": match.address.code if match.certain else "",
                    "confidence": f"{match.confidence:.2f}",
                    "matched_text": best.full_text if best else "",
                })
        self.stdout.write(f"{len(rows)} rows: {certain} matched, {len(rows) - certain} to review")


def _write_private(path: Path, data: bytes) -> None:
    """Written readable by its owner only: the workbook holds residents' data in clear."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
