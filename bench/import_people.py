"""How fast the register takes a spreadsheet of people, against PostgreSQL COPY of the same rows.

A city's first load and every district's yearly re-check are imports of hundreds of thousands
of rows. This script makes N valid person rows (unique ID numbers with check digits, real house
addresses, phones, tags), writes them as CSV and as .xlsx, and measures in one run:

  * COPY: the CSV streamed by PostgreSQL's COPY into a plain table (no checks, no indexes): the
    floor no import can go below;
  * our CSV import: every row checked (ID check digit and birth date, address, enumerations,
    dates, phones, duplicates), ID numbers and phones sealed with AES-GCM and indexed blind,
    people, residences, events, phones, tags and history written (COPY inside, on PostgreSQL);
  * our .xlsx import of another N rows the same way (python-calamine reads the sheet).

It creates (and drops first) its own database. Last line: a one-line summary.

    python bench/import_people.py                      # 1,000,000 rows
    python bench/import_people.py --rows 100000 --xlsx-rows 50000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADER = ["姓名", "身份证号", "人口类型", "现住地址", "与户主关系", "居住方式", "入住日期", "联系电话", "标签"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows (default 1,000,000)")
    parser.add_argument("--xlsx-rows", type=int, default=None, help="xlsx rows (default: as many as --rows)")
    parser.add_argument("--database", default="gongzhi_bench_import", help="database to create (dropped first)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--workdir", default="/tmp/gongzhi-bench-import",  # noqa: S108 (a benchmark scratch folder)
                        help="files and keys go here")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def fresh_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.replace('postgres://', 'postgresql://')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def people_rows(count: int, houses: list[str], rng: random.Random, offset: int):
    """Valid rows: unique ID numbers (the serial and the day make them unique per offset)."""
    from gongzhi.registry.identifiers import id_check_character

    residencies = ("户籍人口", "户籍人口", "户籍人口", "流动人口")
    relations = ("户主", "配偶", "子女", "子女", "父母")
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂"
    start = dt.date(1940, 1, 1)
    for i in range(offset, offset + count):
        born = start + dt.timedelta(days=i % 29000)
        serial = (i // 29000) % 1000
        first17 = f"510107{born:%Y%m%d}{serial:03d}"
        yield [rng.choice(surnames) + rng.choice(given) + rng.choice(given), first17 + id_check_character(first17),
               rng.choice(residencies), rng.choice(houses), rng.choice(relations), "自有", "2020-05-01",
               f"13{i % 10}{i:08d}"[:11], "党员" if i % 12 == 0 else ""]


def main() -> int:
    args = parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    os.environ["GONGZHI_VAR_DIR"] = str(work / "var")
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    xlsx_rows = args.rows if args.xlsx_rows is None else args.xlsx_rows

    print(f"database {args.database}: fresh, migrated, small demo city seeded …", flush=True)
    fresh_database(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    from gongzhi.accounts import scoping
    from gongzhi.accounts.models import User
    from gongzhi.registry import importers, sheets
    from gongzhi.registry.models import House, Person

    actor = User.objects.get(username="communityworker")
    houses = list(scoping.scoped(House, actor).values_list("address__code", flat=True))
    rng = random.Random(args.seed)

    csv_path = work / "people.csv"
    started = time.perf_counter()
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(people_rows(args.rows, houses, rng, 0))
    print(f"generated {args.rows:,} rows as CSV ({csv_path.stat().st_size / 1e6:.0f} MB) "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    # Baseline: COPY of the same bytes into a plain table.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_people_copy")
        cursor.execute("CREATE TABLE bench_people_copy (name text, id_number text, residency text, address text, "
                       "relation text, tenure text, since text, phones text, tags text)")
    connection.commit() if not connection.get_autocommit() else None
    started = time.perf_counter()
    with connection.cursor() as cursor, csv_path.open("rb") as fh, \
            cursor.cursor.copy("COPY bench_people_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
        while chunk := fh.read(1 << 20):
            copy.write(chunk)
    copy_seconds = time.perf_counter() - started
    copy_rate = args.rows / copy_seconds
    print(f"COPY into a plain table: {copy_seconds:.2f} s, {copy_rate:,.0f} rows/s", flush=True)

    before = Person.objects.unscoped().count()
    started = time.perf_counter()
    outcome = importers.run("people", sheets.read_rows("people.csv", csv_path.read_bytes()), actor=actor)
    csv_seconds = time.perf_counter() - started
    csv_rate = outcome.total / csv_seconds
    created = Person.objects.unscoped().count() - before
    print(f"our CSV import: {csv_seconds:.1f} s, {csv_rate:,.0f} rows/s; created {created:,}, "
          f"refused {len(outcome.bad):,}", flush=True)
    if outcome.created + outcome.updated + outcome.unchanged + len(outcome.bad) != args.rows \
            or outcome.created != created:
        print("MISMATCH: rows lost or counted twice", file=sys.stderr)
        return 1

    xlsx_rate = 0.0
    if xlsx_rows:
        from openpyxl import Workbook

        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("数据")
        sheet.append(HEADER)
        for row in people_rows(xlsx_rows, houses, rng, args.rows):
            sheet.append(row)
        xlsx_path = work / "people.xlsx"
        workbook.save(xlsx_path)
        print(f"generated {xlsx_rows:,} other rows as .xlsx ({xlsx_path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        data = xlsx_path.read_bytes()
        started = time.perf_counter()
        read = sum(1 for _ in sheets.read_rows("people.xlsx", data)) - 1
        read_rate = read / (time.perf_counter() - started)
        before = Person.objects.unscoped().count()
        started = time.perf_counter()
        outcome = importers.run("people", sheets.read_rows("people.xlsx", data), actor=actor)
        xlsx_seconds = time.perf_counter() - started
        xlsx_rate = outcome.total / xlsx_seconds
        created = Person.objects.unscoped().count() - before
        print(f"reading the .xlsx alone (python-calamine): {read_rate:,.0f} rows/s", flush=True)
        print(f"our .xlsx import: {xlsx_seconds:.1f} s, {xlsx_rate:,.0f} rows/s; created {created:,}, "
              f"refused {len(outcome.bad):,}", flush=True)

    ratio = csv_rate / copy_rate
    csv_verdict = "met" if ratio >= 0.3 else "not met"
    xlsx_verdict = "met" if xlsx_rate >= 50_000 else "not met"
    print(f"import_people: {args.rows:,} rows; CSV {csv_rate:,.0f} rows/s = {ratio:.3f} × COPY "
          f"({copy_rate:,.0f} rows/s), target 0.3: {csv_verdict}; xlsx {xlsx_rate:,.0f} rows/s, "
          f"target 50,000: {xlsx_verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
