import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas.models import Area
from gongzhi.audit.context import Origin, origin
from gongzhi.registry import matching


class Command(BaseCommand):
    help = "基础信息: match-addresses IN.csv OUT.csv --within CODE (and import/export, see --help)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        m = sub.add_parser("match-addresses", help="match a CSV column `query` to standard address codes")
        m.add_argument("input")
        m.add_argument("output")
        m.add_argument("--within", required=True, help="the city or district code the addresses are read in")
        m.add_argument("--queue", action="store_true", help="put uncertain rows in the review queue")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:registry {action}")):
            getattr(self, "do_" + action.replace("-", "_"))(**options)

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
