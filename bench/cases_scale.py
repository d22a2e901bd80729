"""Cases at city scale: the deadline sweep, a dispatcher's inbox and the month's rates among
3,000,000 cases, each beside the naive way of getting the same answer.

Issue 4 asks, with 3,000,000 cases (the demo city seeded through the bulk path): the deadline
sweep over the open cases under 1 s; a subdistrict dispatcher's inbox page under 100 ms at the
database; the city-wide rates for one month under 200 ms. This script

  * creates a fresh PostgreSQL database, migrates it and runs `seed-demo --scale city --cases N`
    (the synthetic history: cases, events, rollups), then VACUUM ANALYZE of the case tables
    (--reuse skips all that when the database already holds cases);
  * the sweep: `sweeps.sweep(now)` a minute after the previous sweep, minute after minute (only
    the cases crossing a warning point or deadline in that minute turn), and the busiest
    minute ahead (the most deadlines falling due at once); naive: load every open case and
    check its deadline in Python. All sweeps run in a transaction that is rolled back (foreign
    keys checked as each statement ends, as a commit would);
  * the inbox: `inbox.inbox(user)` + `inbox.page()` for the dispatcher of the subdistrict with
    the most cases, the first page and a page deep into the list (by the cursor), as EXPLAIN
    ANALYZE execution time of the SQL Django sends, and wall time; naive: the same page by
    OFFSET, and counting the subdistrict's cases;
  * the rates: `rates.rates(leader, start, end)` over last month for the city's leader, at the
    database and wall time; naive: the same counts by COUNT over the month's events joined to
    their cases (and a check that both agree);

each the median of --runs runs, printed with its target and whether it is met.

    python bench/cases_scale.py                       # 3,000,000 cases: seeding takes a while
    python bench/cases_scale.py --cases 300000        # a smaller city
    python bench/cases_scale.py --reuse               # measure the database seeded before
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from arguments import non_negative, positive  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_cases"
DEFAULT_VAR = "/tmp/gongzhi-bench-cases-var"  # noqa: S108 (a scratch dir for a benchmark, as documented)
SWEEP_TARGET_MS, INBOX_TARGET_MS, RATES_TARGET_MS = 1000.0, 100.0, 200.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=non_negative, default=3_000_000,
                        help="cases seed-demo makes (default 3,000,000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--var-dir", default=DEFAULT_VAR,
                        help=f"GONGZHI_VAR_DIR: the demo's data keys (default {DEFAULT_VAR})")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database as it is when it already holds cases (no drop, no seeding)")
    parser.add_argument("--runs", type=positive, default=7, help="runs per figure; the median is shown (default 7)")
    parser.add_argument("--seed", type=int, default=1, help="seed-demo's --seed (default 1)")
    parser.add_argument("--deep", type=positive, default=20, help="which inbox page is 'deep' (default the 20th)")
    args = parser.parse_args(argv)
    if urlsplit(args.database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        parser.error("--database-url must be a postgres:// URL")
    return args


# --- the database -------------------------------------------------------------------------


def _name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _maintenance(url: str) -> str:
    return urlsplit(url)._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)


def holds_cases(url: str) -> bool:
    import psycopg

    with psycopg.connect(_maintenance(url), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (_name(url),)).fetchone():
            return False
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        try:
            return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM cases_case)").fetchone()[0])
        except psycopg.errors.UndefinedTable:
            return False


def fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_maintenance(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(_name(url))))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_name(url))))


def run_cli(*command: str) -> float:
    """`python -m gongzhi.cli …` against the same database and var dir; its seconds."""
    print(f"$ gongzhi {' '.join(command)}", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongzhi.cli", *command], cwd=ROOT, env=os.environ.copy(), check=True)
    return time.perf_counter() - started


def _duration(seconds: float) -> str:
    return f"{seconds:,.1f} s" if seconds < 120 else f"{seconds / 60:,.1f} min"


# --- measuring ----------------------------------------------------------------------------


class Statements:
    """An execute wrapper: the SQL, parameters and wall time of each statement while installed."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seen.append((sql, params, time.perf_counter() - started))


def timed(function, runs: int) -> tuple[float, object]:
    """Median wall milliseconds of `runs` calls (after one untimed call) and the last result."""
    result = function()
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), result


def explain_ms(sql: str, params, runs: int) -> tuple[float, str]:
    """Median execution time EXPLAIN ANALYZE reports for the statement (without timing each
    node, whose clock reads would add to a scan of a million rows), and its plan with timings."""
    from django.db import connection

    def run(options: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) " + sql, params)
            return "\n".join(line for (line,) in cursor.fetchall())

    spent = []
    for _ in range(runs + 1):
        match = re.search(r"Execution Time: ([\d.]+) ms", run("ANALYZE, TIMING OFF"))
        spent.append(float(match.group(1)) if match else float("nan"))
    return statistics.median(spent[1:]), run("ANALYZE, BUFFERS")


def verdict(ms: float, target: float) -> str:
    return "met" if ms < target else "NOT MET"


def line(name: str, ms: float, naive_ms: float, target: float, note: str = "") -> str:
    ratio = f"{naive_ms / ms:,.0f}× faster" if ms > 0 else ""
    return (f"{name:<34} {ms:>9,.1f} ms   naive {naive_ms:>10,.1f} ms ({ratio})   target < {target:,.0f} ms: "
            f"{verdict(ms, target)}{'   ' + note if note else ''}")


# --- the sweep ----------------------------------------------------------------------------


def measure_sweep(runs: int) -> dict:
    """Steady-state sweeps a minute apart, the busiest minute ahead, and the naive check."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gongzhi.cases import deadlines, sweeps
    from gongzhi.cases.models import Case
    from gongzhi.cases.workflow import OPEN

    start = timezone.now().replace(second=0, microsecond=0)
    figures: dict = {}
    with transaction.atomic():
        # Foreign keys checked as each statement ends, as they would be at each sweep's commit
        # (deferred, they would never run in a transaction that is rolled back).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        caught_up = sweeps.sweep(start)
        figures["catch_up"] = ((time.perf_counter() - started) * 1000, caught_up)
        minutes = []
        for i in range(1, runs + 1):
            began = time.perf_counter()
            turned = sweeps.sweep(start + dt.timedelta(minutes=i))
            minutes.append(((time.perf_counter() - began) * 1000, turned))
        figures["minutes"] = minutes
        # The busiest minute ahead: the sweep (on the minute) that meets the most deadlines and
        # warning points, those in the minute before it and on it.
        after = start + dt.timedelta(minutes=runs)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m, count(*) FROM (SELECT date_trunc('minute', due_at + interval '59.999999 s') AS m "
                "FROM cases_case WHERE state = ANY(%s) AND due_at > %s UNION ALL SELECT date_trunc('minute', "
                "warn_at + interval '59.999999 s') FROM cases_case WHERE state = ANY(%s) AND warn_at > %s) t "
                "GROUP BY m ORDER BY 2 DESC, 1 LIMIT 1", [sorted(OPEN), after, sorted(OPEN), after])
            row = cursor.fetchone()
        if row is not None:
            busiest = row[0]
            sweeps.sweep(busiest - dt.timedelta(minutes=1))  # the previous minute's sweep
            began = time.perf_counter()
            turned = sweeps.sweep(busiest)
            figures["busiest"] = ((time.perf_counter() - began) * 1000, turned, busiest)
        transaction.set_rollback(True)

    def naive():
        now = start + dt.timedelta(minutes=1)
        rows = Case.objects.unscoped().filter(state__in=OPEN, due_at__isnull=False).values_list(
            "pk", "warn_at", "due_at", "light")
        turning = []
        for pk, warn, due, light in rows:
            target = deadlines.light(now, warn, due)
            if (target == "red" and light != "red") or (target == "yellow" and light == "green"):
                turning.append(pk)
        return turning

    figures["naive"] = timed(naive, max(3, runs // 2))
    figures["open"] = Case.objects.unscoped().filter(state__in=OPEN, due_at__isnull=False).count()
    return figures


# --- the inbox ----------------------------------------------------------------------------


def measure_inbox(user, deep: int, runs: int) -> dict:
    from django.db import connection

    from gongzhi.accounts import scoping
    from gongzhi.cases import inbox
    from gongzhi.cases.models import Case

    statements = Statements()
    figures: dict = {}
    cursor, pages = "", 0
    cursors = [""]
    while pages < deep:  # walk to the deep page by the cursor, untimed
        rows, cursor = inbox.page(inbox.inbox(user), after=cursor)
        pages += 1
        if not cursor:
            break
        cursors.append(cursor)
    figures["pages_walked"] = pages
    for label, after in (("first", cursors[0]), ("deep", cursors[-1])):
        statements.seen.clear()
        with connection.execute_wrapper(statements):
            wall, (rows, _next) = timed(lambda after=after: inbox.page(inbox.inbox(user), after=after), runs)
        sql, params, _ = statements.seen[-1]
        db_ms, plan = explain_ms(sql, params, runs)
        figures[label] = (db_ms, wall, len(rows), sql, plan)
    depth = (len(cursors) - 1) * 50
    queryset = inbox.inbox(user)
    sql, params = queryset[depth: depth + 50].query.sql_with_params()
    figures["offset"] = explain_ms(sql, params, runs)[0], depth
    statements.seen.clear()
    with connection.execute_wrapper(statements):
        scoping.scoped(Case, user).count()  # every case of the subdistrict, to number the pages
    count_sql, count_params, _ = statements.seen[-1]
    figures["count"] = explain_ms(count_sql, count_params, runs)[0]
    figures["waiting"] = queryset.count()
    return figures


# --- the rates ----------------------------------------------------------------------------


NAIVE_RATES = """
SELECT count(*) FILTER (WHERE e.action = 'report'),
       count(*) FILTER (WHERE e.action IN ('accept', 'reject', 'self_resolve')
                          AND COALESCE((e.data ->> 'on_time')::boolean, true)),
       count(*) FILTER (WHERE e.action IN ('close', 'merge', 'self_resolve')),
       count(*) FILTER (WHERE e.action IN ('handle', 'self_resolve')),
       count(*) FILTER (WHERE e.action = 'self_resolve' OR (e.action = 'handle'
                          AND COALESCE((e.data ->> 'on_time')::boolean, true))),
       count(*) FILTER (WHERE e.action = 'evaluate'),
       count(*) FILTER (WHERE e.action = 'evaluate' AND e.data ->> 'satisfaction' IN ('satisfied', 'basically_satisfied'))
  FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
 WHERE e.at >= %s AND e.at < %s AND c.area_code LIKE %s
"""


def measure_rates(leader, start: dt.date, end: dt.date, runs: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from gongzhi.accounts import scoping
    from gongzhi.cases import rates

    statements = Statements()
    with connection.execute_wrapper(statements):
        wall, result = timed(lambda: rates.rates(leader, start=start, end=end), runs)
    sql, params, _ = statements.seen[-1]
    db_ms, plan = explain_ms(sql, params, runs)
    prefix = min(g.area_prefix for g in scoping.grants(leader) if g.area_prefix)
    bounds = [timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
              timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)), prefix + "%"]
    naive_ms, naive_plan = explain_ms(NAIVE_RATES, bounds, max(3, runs // 2))
    with connection.cursor() as cursor:
        cursor.execute(NAIVE_RATES, bounds)
        reported, responded_on_time, closed, handled, handled_on_time, rated, satisfied = cursor.fetchone()
    row = result[0]
    agree = (row["reported"], row["responded_on_time"], row["closed"], row["handled"], row["handled_on_time"],
             row["rated"], row["satisfied"] + row["basically_satisfied"]) == (
        reported, responded_on_time, closed, handled, handled_on_time, rated, satisfied)
    return {"db": db_ms, "wall": wall, "row": row, "naive": naive_ms, "agree": agree, "plan": plan,
            "naive_plan": naive_plan, "prefix": prefix}


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["GONGZHI_VAR_DIR"] = args.var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    os.environ.setdefault("GONGZHI_TASKS", "immediate")
    sys.path.insert(0, str(ROOT))

    if args.reuse and holds_cases(args.database_url):
        print(f"reusing {_name(args.database_url)} as it is")
    else:
        print(f"fresh database {_name(args.database_url)}; seeding the city with {args.cases:,} cases", flush=True)
        fresh_database(args.database_url)
        spent = run_cli("migrate", "--no-input", "-v", "0")
        spent += run_cli("seed-demo", "--scale", "city", "--seed", str(args.seed), "--cases", str(args.cases))
        print(f"seeding: {_duration(spent)} (migrate + seed-demo)", flush=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from gongzhi.cases.models import Case, CaseEvent, CaseStat, CommunityStat

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Case, CaseEvent, CaseStat, CommunityStat):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    print(f"VACUUM ANALYZE of the case tables: {_duration(time.perf_counter() - started)}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_caseevent), "
                       "(SELECT count(*) FROM cases_casestat), pg_total_relation_size('cases_case'), "
                       "pg_total_relation_size('cases_caseevent')")
        cases, events, stats, case_bytes, event_bytes = cursor.fetchone()
    print(f"data: {cases:,} cases ({case_bytes / 2**20:,.0f} MiB with indexes), {events:,} events "
          f"({event_bytes / 2**20:,.0f} MiB), {stats:,} rollup rows")

    # Who: the dispatcher of the subdistrict with the most cases, and the city's leader.
    with connection.cursor() as cursor:
        cursor.execute("SELECT substr(area_code, 1, 9), count(*) FROM cases_case GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        sub_prefix, sub_cases = cursor.fetchone()
    User = get_user_model()
    dispatcher = User.objects.get(username=f"d{sub_prefix}000")
    leader = User.objects.get(username="leader")

    runs = args.runs
    print(f"\nmedian of {runs} runs each; times in milliseconds", flush=True)

    sweep = measure_sweep(runs)
    steady = statistics.median(ms for ms, _ in sweep["minutes"])
    worst = max(ms for ms, _ in sweep["minutes"])
    per_minute = [t["red"] + t["yellow"] for _, t in sweep["minutes"]]
    naive_ms, naive_found = sweep["naive"]
    catch_ms, catch = sweep["catch_up"]
    print(f"\nsweep: {sweep['open']:,} open cases with a deadline; catching up to now turned {catch['yellow']:,} "
          f"yellow and {catch['red']:,} red in {catch_ms:,.0f} ms (not timed against the target)")
    print(line("sweep, a minute after the last", steady, naive_ms, SWEEP_TARGET_MS,
               f"(max {worst:,.1f} ms; {min(per_minute)}–{max(per_minute)} cases turned a minute)"))
    busiest_ms = None
    if "busiest" in sweep:
        busiest_ms, turned, when = sweep["busiest"]
        print(line("sweep, the busiest minute ahead", busiest_ms, naive_ms, SWEEP_TARGET_MS,
                   f"({turned['yellow'] + turned['red']:,} cases turned at {timezone.localtime(when):%a %H:%M})"))
    print(f"  naive: load the {sweep['open']:,} open cases and check each deadline in Python "
          f"(found {len(naive_found):,} to turn; writing them not included)")

    box = measure_inbox(dispatcher, args.deep, runs)
    first_db, first_wall, first_rows, first_sql, first_plan = box["first"]
    deep_db, deep_wall, _rows, _, deep_plan = box["deep"]
    offset_ms, depth = box["offset"]
    print(f"\ninbox of {dispatcher.username} (subdistrict {sub_prefix}, {sub_cases:,} cases, {box['waiting']:,} "
          f"waiting; page {box['pages_walked']} is the deep one)")
    print(line("inbox, first page (database)", first_db, box["count"], INBOX_TARGET_MS,
               f"(wall {first_wall:,.1f} ms, {first_rows} cases; naive: count the subdistrict's cases)"))
    print(line("inbox, deep page (database)", deep_db, offset_ms, INBOX_TARGET_MS,
               f"(wall {deep_wall:,.1f} ms; naive: OFFSET {depth:,})"))

    today = timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    money = measure_rates(leader, start, end, runs)
    row = money["row"]
    print(f"\nrates of {start:%Y-%m} for the leader (area prefix {money['prefix']}): reported {row['reported']:,}, "
          f"response {row['response_rate']}, resolution {row['resolution_rate']}, satisfaction "
          f"{row['satisfaction_rate']}, on time {row['on_time_rate']}; the naive count "
          f"{'agrees' if money['agree'] else 'DISAGREES'}")
    print(line("rates, city, one month (database)", money["db"], money["naive"], RATES_TARGET_MS,
               f"(wall {money['wall']:,.1f} ms; naive: COUNT over the month's events and their cases)"))

    print("\n-- plans --")
    print(f"inbox, first page:\n{first_sql}\n{first_plan}\n")
    print(f"inbox, deep page:\n{deep_plan}\n")
    print(f"rates:\n{money['plan']}\n")
    print(f"rates, naive:\n{money['naive_plan']}\n")

    print(f"cases_scale: {cases:,} cases; sweep {steady:,.1f} ms (busiest minute {busiest_ms or 0:,.1f}) "
          f"vs naive {naive_ms:,.0f}, target 1 s: {verdict(max(steady, busiest_ms or 0), SWEEP_TARGET_MS)}; "
          f"inbox {first_db:,.1f}/{deep_db:,.1f} ms at the database vs OFFSET {offset_ms:,.1f}, target 100 ms: "
          f"{verdict(max(first_db, deep_db), INBOX_TARGET_MS)}; rates {money['db']:,.1f} ms vs naive "
          f"{money['naive']:,.0f}, target 200 ms: {verdict(money['db'], RATES_TARGET_MS)}")
    return 0 if money["agree"] else 1  # a measurement; only wrong rates are a failure


if __name__ == "__main__":
    sys.exit(main())
