"""How fast points are assigned to grids, and why the vectorised STRtree path exists.

Every report, patrol track and sensor reading is filed under the grid that holds its location.
`GridIndex.locate_many` does that for a batch with one STRtree query and one vectorised
point-in-polygon test; the obvious alternative tests every grid polygon in turn, which is what a
first version of the code would do. This script puts numbers on both at city scale (~15,000 grids):
N random points (default 1,000,000) in the bounding box of the grids, the vectorised path timed over
all of them, the naive loop timed over a sample and extrapolated, and the two checked to agree on
that sample. The target from the issue is at least 500,000 points per second.

    python bench/grid_lookup.py                    # grids from the database if it has the city, else built
    python bench/grid_lookup.py --from-db          # insist on the database (seed-demo --scale city)
    python bench/grid_lookup.py --points 200000 --naive-sample 500 --repeat 5 --seed 7

Exit status: 0 whether or not the target is met (this is a measurement), 1 if the naive loop and
the vectorised path disagree on any sampled point, 2 if --from-db finds no grids.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from arguments import non_negative, positive  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
TARGET = 500_000  # points per second, from the issue
CITY_GRIDS = 10_000  # a database with at least this many grids holds the city scale



def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Assign random points to the city-scale grids; vectorised STRtree path vs. a naive loop."
    )
    parser.add_argument("--points", type=positive, default=1_000_000, help="random points (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of numpy's generator for the points (default 1)")
    parser.add_argument("--repeat", type=positive, default=3, help="timed runs of the vectorised path; best counts (default 3)")
    parser.add_argument("--naive-sample", type=non_negative, default=2_000,
                        help="points given to the naive loop, extrapolated; 0 skips it (default 2,000)")
    parser.add_argument("--from-db", action="store_true",
                        help="take the grids from the database only (run `seed-demo --scale city` first)")
    return parser.parse_args(argv)


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()


def grids_from_db() -> list[tuple[str, dict]]:
    """(code, GeoJSON) of every grid in the database; [] if it has none or is not migrated."""
    from django.db import DatabaseError, connection

    from gongzhi.areas.models import Area, Level

    # An absent SQLite file would be created empty just by looking: treat it as empty instead.
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
            return []
    try:
        return list(
            Area.objects.unscoped()
            .filter(level=Level.GRID, geometry__isnull=False)
            .values_list("code", "geometry")
        )
    except DatabaseError:
        return []


def count_db_grids() -> int:
    from django.db import DatabaseError, connection

    from gongzhi.areas.models import Area, Level

    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
            return 0
    try:
        return Area.objects.unscoped().filter(level=Level.GRID, geometry__isnull=False).count()
    except DatabaseError:
        return 0


def grids_built() -> list[tuple[str, dict]]:
    from gongzhi.demo.seed import SCALES, build_features

    return [(f.code, f.geometry) for f in build_features(SCALES["city"], seed=1)
            if f.level == "grid" and f.geometry is not None]


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:,.1f} min"
    return f"{seconds / 3600:,.1f} h"


def naive_locate(codes, polygons, xs, ys) -> list[str | None]:
    """Per point, every polygon in code order, unprepared; the first that intersects wins."""
    from shapely.geometry import Point

    found: list[str | None] = []
    for x, y in zip(xs, ys, strict=True):
        point = Point(x, y)
        hit = None
        for code, polygon in zip(codes, polygons, strict=True):
            if polygon.intersects(point):
                hit = code
                break
        found.append(hit)
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _setup_django()

    import numpy as np
    import shapely
    from shapely.geometry import shape

    from gongzhi.areas.lookup import GridIndex

    # 1. The grids.
    started = time.perf_counter()
    if args.from_db:
        rows = grids_from_db()
        if not rows:
            print("The database holds no grids. Fill it first:\n"
                  "    python -m gongzhi.cli migrate\n"
                  "    python -m gongzhi.cli seed-demo --scale city", file=sys.stderr)
            return 2
        source = "database (--from-db)"
    elif count_db_grids() >= CITY_GRIDS:
        rows = grids_from_db()
        source = "database"
    else:
        rows = grids_built()
        source = "build_features(SCALES['city'], seed=1), no database"
    loaded = time.perf_counter() - started
    print(f"grids:            {len(rows):,} from {source} in {loaded:.2f} s")
    if len(rows) < CITY_GRIDS:
        print(f"                  (fewer than {CITY_GRIDS:,}: not the city scale; "
              "`seed-demo --scale city` stores it)")

    started = time.perf_counter()
    index = GridIndex.build(0, rows)
    built = time.perf_counter() - started
    print(f"index build:      {built:.3f} s (GridIndex.build: parse, sort, prepare, STRtree)")

    # 2. The points: uniform in the bounding box of all grids, so some fall outside every grid.
    minx, miny, maxx, maxy = shapely.total_bounds(index.polygons)
    rng = np.random.default_rng(args.seed)
    lons = rng.uniform(minx, maxx, args.points)
    lats = rng.uniform(miny, maxy, args.points)
    print(f"points:           {args.points:,} uniform in lon {minx:.4f}..{maxx:.4f}, "
          f"lat {miny:.4f}..{maxy:.4f} (seed {args.seed})")

    # 3. The vectorised path: best of --repeat runs over all points.
    times = []
    answers = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        answers = index.locate_many(lons, lats)
        times.append(time.perf_counter() - started)
    assert answers is not None
    best = min(times)
    rate = args.points / best
    inside = int(np.count_nonzero(np.not_equal(answers, None)))
    print(f"in a grid:        {inside:,} of {args.points:,} ({inside / args.points:.1%})")
    print(f"vectorised:       {rate:,.0f} points/s (best of {args.repeat}: {best:.3f} s; "
          f"all runs {', '.join(f'{t:.3f}' for t in times)} s)")

    # 4. The naive loop on a sample: same polygons, parsed afresh so that none is prepared.
    mismatches = 0
    sample = min(args.naive_sample, args.points)
    naive_rate = None
    if sample:
        ordered = sorted(rows, key=lambda row: row[0])
        codes = [code for code, _ in ordered]
        polygons = [shape(geometry) for _, geometry in ordered]
        assert not any(shapely.is_prepared(polygons))
        print(f"naive loop:       {sample:,} points × up to {len(polygons):,} polygons ...", flush=True)
        started = time.perf_counter()
        naive = naive_locate(codes, polygons, lons[:sample].tolist(), lats[:sample].tolist())
        spent = time.perf_counter() - started
        naive_rate = sample / spent
        print(f"naive:            {naive_rate:,.1f} points/s ({sample:,} points in {spent:.2f} s; "
              f"{args.points:,} would take {_duration(args.points / naive_rate)})")
        differ = [i for i in range(sample) if naive[i] != answers[i]]
        mismatches = len(differ)
        if differ:
            print(f"MISMATCH:         {mismatches:,} of {sample:,} sampled points differ, e.g.")
            for i in differ[:5]:
                print(f"                  ({float(lons[i])!r}, {float(lats[i])!r}): "
                      f"naive {naive[i]}, vectorised {answers[i]}")
        else:
            print(f"agreement:        naive and vectorised give the same grid for all {sample:,} sampled points")

    # 5. The summary, last.
    summary = f"grid_lookup: {args.points:,} points, {rate:,.0f} points/s vectorised, "
    summary += f"{rate / naive_rate:,.0f}× the naive loop, " if naive_rate else "naive loop skipped, "
    summary += f"target {TARGET:,}/s: {'met' if rate >= TARGET else 'MISSED'}"
    if mismatches:
        summary += f", naive check FAILED ({mismatches:,} of {sample:,} differ)"
    print(summary)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
