"""How fast the register finds a person by ID number or phone, and why the blind index exists.

ID numbers and phones are stored sealed (AES-GCM tokens that differ on every write), so the
database can never compare clear values: an exact search computes the keyed digest of what was
typed and looks it up in the digest column's unique index (`gongzhi.registry.search.search`).
The issue asks for "search by ID number or phone among 1,000,000 people: p95 under 20 ms at the
database". This script puts numbers on that at city scale on PostgreSQL:

  * N random people with an ID number and N random phones linked to people (their clear values
    decrypted from the tokens before anything is timed), searched through `search(user, value)`
    as the city leader (everything in scope), as the first subdistrict's dispatcher with random
    targets (most of them out of scope, which must be just as fast) and as the dispatcher with
    targets inside that subdistrict;
  * per search, the database time (the wall time of every `cursor.execute` issued inside the
    call, summed, through `connection.execute_wrapper`) and the end-to-end time of the Python
    call (normalising, digest, ORM, the statements);
  * a baseline from the same run: what a lookup costs without an index, a scan comparing the
    token column (which has none), on a small sample; and EXPLAIN (ANALYZE, BUFFERS) of one ID and
    one phone search, so that the index used is there to read;
  * a correctness check: the leader must get exactly the person searched for (or, for a phone,
    exactly the people linked to it); the dispatcher exactly that within the subdistrict, and
    nothing outside it.

    python bench/search_people.py --seed           # first run: create, migrate, seed-demo --scale city
    python bench/search_people.py                  # later runs on the same database
    python bench/search_people.py --queries 5000 --rng-seed 7
    python bench/search_people.py --database-url postgres://postgres@127.0.0.1:5432/other

Keep one --var-dir per database: the demo's data keys are generated there on first use and the
sealed values in the database only open, and the digests only match, with those keys.

Exit status: 0 whether or not the target is met (this is a measurement), 1 if a search returned
the wrong people (missed one in scope, or showed one out of scope), 2 if the database is not
ready (too few people without --seed, demo users missing).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from arguments import non_negative, positive  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20.0  # p95 at the database, from the issue
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"
DEFAULT_VAR = "/tmp/gongzhi-bench-var"  # noqa: S108 (a scratch dir for a benchmark, as documented)



def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time search() by ID number and phone at city scale on PostgreSQL, against a table scan."
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--var-dir", default=DEFAULT_VAR,
                        help=f"GONGZHI_VAR_DIR: where the demo data keys live (default {DEFAULT_VAR})")
    parser.add_argument("--min-people", type=non_negative, default=1_000_000,
                        help="people the register must hold, else --seed is needed (default 1,000,000)")
    parser.add_argument("--seed", action="store_true",
                        help="if the register holds too few people: create the database if needed, "
                             "migrate and run `seed-demo --scale city` into it, then measure")
    parser.add_argument("--queries", type=positive, default=1_000,
                        help="searches per kind (ID, phone) and per run (default 1,000)")
    parser.add_argument("--warmup", type=non_negative, default=50, help="untimed searches first (default 50)")
    parser.add_argument("--baseline-sample", type=positive, default=20,
                        help="scan queries for the baseline (default 20)")
    parser.add_argument("--analyze", action="store_true",
                        help="ANALYZE the register's tables before timing (a freshly seeded database has no "
                             "planner statistics until autovacuum gets to it, and never with autovacuum off)")
    parser.add_argument("--rng-seed", type=int, default=1,
                        help="salt of the hash that orders the rows the targets are drawn from; the same seed "
                             "draws the same targets from the same register (default 1)")
    args = parser.parse_args(argv)
    if urlsplit(args.database_url).scheme not in {"postgres", "postgresql", "pgsql"}:
        parser.error("--database-url must be a postgres:// URL")
    return args


def _environment(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["GONGZHI_VAR_DIR"] = args.var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _setup_django() -> None:
    import django

    django.setup()


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:,.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:,.1f} min"
    return f"{seconds / 3600:,.1f} h"


# --- the database -------------------------------------------------------------------------


def count_people() -> int | None:
    """People in the register; None if the database cannot be reached, 0 if not migrated."""
    from django.db import OperationalError, ProgrammingError, connection

    from gongzhi.registry.models import Person

    try:
        return Person.objects.unscoped().count()
    except ProgrammingError:
        return 0
    except OperationalError:
        connection.close()
        return None


def create_database(url: str) -> bool:
    """CREATE DATABASE for the URL's database name unless it exists; True if it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise SystemExit(f"--database-url names no database: {url}")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def run_cli(*command: str) -> float:
    """`python -m gongzhi.cli …` against the same database and var dir; its seconds."""
    print(f"$ python -m gongzhi.cli {' '.join(command)}", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongzhi.cli", *command], cwd=ROOT, env=os.environ.copy(), check=True)
    spent = time.perf_counter() - started
    print(f"  ({_duration(spent)})", flush=True)
    return spent


def seed_city(url: str) -> None:
    from django.db import connection

    connection.close()
    if create_database(url):
        print(f"created database {unquote(urlsplit(url).path.lstrip('/'))}")
    started = time.perf_counter()
    run_cli("migrate", "--no-input", "-v", "0")
    run_cli("seed-demo", "--scale", "city")
    print(f"seeding:          {_duration(time.perf_counter() - started)} (migrate + seed-demo --scale city)")


def register_figures() -> dict[str, int]:
    from django.db import connection

    from gongzhi.registry.models import Person, Phone, PhoneLink

    figures = {
        "people": Person.objects.unscoped().count(),
        "with_id": Person.objects.unscoped().exclude(id_number_digest="").count(),
        "phones": Phone.objects.count(),
        "person_links": PhoneLink.objects.unscoped().filter(person__isnull=False).count(),
        "entity_links": PhoneLink.objects.unscoped().filter(entity__isnull=False).count(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s), pg_relation_size(%s), pg_relation_size(%s)",
                       [Person._meta.db_table, Person._meta.db_table, "reg_person_id_unique"])
        figures["person_total_bytes"], figures["person_heap_bytes"], figures["id_index_bytes"] = cursor.fetchone()
    return figures


def _register_tables() -> list[str]:
    from gongzhi.registry.models import Address, Entity, House, Person, Phone, PhoneLink

    return [m._meta.db_table for m in (Person, Phone, PhoneLink, Entity, House, Address)]


def planner_statistics() -> tuple[str, list[str]]:
    """The server's autovacuum setting and the register tables that were never analysed."""
    from django.db import connection

    tables = _register_tables()
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (autovacuum,) = cursor.fetchone()
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
                       "AND last_analyze IS NULL AND last_autoanalyze IS NULL ORDER BY relname", [tables])
        never = [name for (name,) in cursor.fetchall()]
    return autovacuum, never


def analyze_register() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in _register_tables():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return time.perf_counter() - started


# --- the targets --------------------------------------------------------------------------


@dataclass
class Target:
    value: str  # the clear ID number or phone number, as typed into the search box
    expected: set[int] = field(default_factory=set)  # person ids the searcher must get


def _random_rows(sql: str, params: list, key: str, count: int, rng_seed: int) -> list[tuple]:
    """`count` rows of `sql` in the order of md5(seed, key): random-looking and repeatable
    (ORDER BY random() after setseed() is not: a parallel scan hands rows over in any order)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY md5(%s || ':' || {key}::text) LIMIT %s", [*params, str(rng_seed), count])
        return list(cursor.fetchall())


def pick_people(count: int, rng_seed: int, *, within: list[int] | None = None) -> list[tuple[int, str]]:
    """(person id, clear ID number) of `count` random people with an ID number."""
    from gongzhi.common import crypto
    from gongzhi.registry.models import Person

    table = Person._meta.db_table
    sql = f"SELECT id, id_number_token FROM {table} WHERE id_number_digest <> ''"  # noqa: S608 (table name)
    params: list = []
    if within is not None:
        sql += " AND id = ANY(%s)"
        params.append(within)
    rows = _random_rows(sql, params, "id", count, rng_seed)
    purpose = Person.id_number.purpose
    return [(pk, crypto.decrypt(token, purpose=purpose)) for pk, token in rows]


def pick_phones(count: int, rng_seed: int, *, within: list[int] | None = None) -> list[tuple[int, str]]:
    """(phone id, clear number) of `count` random phones linked to at least one person."""
    from gongzhi.common import crypto
    from gongzhi.registry.models import Phone, PhoneLink

    phones, links = Phone._meta.db_table, PhoneLink._meta.db_table
    sql = (f"SELECT p.id, p.number_token FROM {phones} p WHERE EXISTS "  # noqa: S608 (table names)
           f"(SELECT 1 FROM {links} l WHERE l.phone_id = p.id AND l.person_id IS NOT NULL)")
    params: list = []
    if within is not None:
        sql += " AND p.id = ANY(%s)"
        params.append(within)
    rows = _random_rows(sql, params, "p.id", count, rng_seed)
    purpose = Phone.number.purpose
    return [(pk, crypto.decrypt(token, purpose=purpose)) for pk, token in rows]


def people_targets(user, picked: list[tuple[int, str]]) -> list[Target]:
    """What `user` must get for each ID number: that person if in scope, else nobody."""
    from gongzhi.accounts import scoping
    from gongzhi.registry.models import Person

    visible = set(scoping.scoped(Person, user).filter(pk__in=[pk for pk, _ in picked]).values_list("pk", flat=True))
    return [Target(value, {pk} if pk in visible else set()) for pk, value in picked]


def phone_targets(user, picked: list[tuple[int, str]]) -> list[Target]:
    """What `user` must get for each phone: the people linked to it through links in scope,
    who are themselves in scope (the same rule as search(), computed another way)."""
    from gongzhi.accounts import scoping
    from gongzhi.registry.models import Person, PhoneLink

    ids = [pk for pk, _ in picked]
    linked: dict[int, set[int]] = {pk: set() for pk in ids}
    for phone_id, person_id in (scoping.scoped(PhoneLink, user).filter(phone_id__in=ids, person__isnull=False)
                                .values_list("phone_id", "person_id")):
        linked[phone_id].add(person_id)
    everyone = set().union(*linked.values())
    visible = set(scoping.scoped(Person, user).filter(pk__in=everyone).values_list("pk", flat=True))
    return [Target(value, linked[pk] & visible) for pk, value in picked]


# --- the timing ---------------------------------------------------------------------------


class StatementTimer:
    """An execute wrapper: the wall time of every statement run while installed."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - started))


@dataclass
class Run:
    label: str
    kind: str  # "ID" | "phone"
    db_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    found: int = 0  # searches whose expected set was non-empty
    wrong: list[str] = field(default_factory=list)
    first_sql: list[tuple[str, object]] = field(default_factory=list)


def time_searches(user, label: str, kind: str, targets: list[Target], timer: StatementTimer) -> Run:
    from gongzhi.registry import search

    how = "id_number" if kind == "ID" else "phone"
    run = Run(label, kind)
    limit = 20
    for target in targets:
        timer.statements.clear()
        started = time.perf_counter()
        results = search.search(user, target.value, limit=limit)
        spent = time.perf_counter() - started
        run.total_ms.append(spent * 1000)
        run.db_ms.append(sum(s for _, _, s in timer.statements) * 1000)
        run.statements.append(len(timer.statements))
        if not run.first_sql:
            run.first_sql = [(sql, params) for sql, params, _ in timer.statements]
        got = {p.pk for p in results.people}
        run.found += bool(target.expected)
        complete = got == target.expected if len(target.expected) <= limit else got <= target.expected
        if results.how != how or not complete:
            run.wrong.append(f"{kind} {mask(target.value)}: search said {results.how!r}, "
                             f"got {sorted(got)[:5]}, expected {sorted(target.expected)[:5]}")
    return run


def mask(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def percentiles(values: list[float]) -> tuple[float, float, float, float]:
    """p50, p95, p99 (linear interpolation between closest ranks) and the maximum."""
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], max(values)


def _ms(value: float) -> str:
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def time_scan(tokens: list[str], timer: StatementTimer) -> list[float]:
    """The baseline: the same exact match on a column without an index (a full scan each)."""
    from django.db import connection

    from gongzhi.registry.models import Person

    sql = f"SELECT id FROM {Person._meta.db_table} WHERE id_number_token = %s"  # noqa: S608 (table name)
    spent = []
    with connection.cursor() as cursor:
        for i, token in enumerate(tokens):
            timer.statements.clear()
            cursor.execute(sql, [token])
            rows = cursor.fetchall()
            if len(rows) != 1:
                print(f"  note: scan for a sampled token found {len(rows)} rows")
            if i >= 2:  # the first two read the table into the cache, like the warm-up above
                spent.append(timer.statements[-1][2] * 1000)
    return spent


def explain(title: str, statements: list[tuple[str, object]]) -> None:
    from django.db import connection

    for n, (sql, params) in enumerate(statements, 1):
        print(f"\n-- {title}, statement {n} of {len(statements)}:\n{sql}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            for (line,) in cursor.fetchall():
                print(f"   {line}")


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _environment(args)
    _setup_django()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    db = settings.DATABASES["default"]
    print(f"database:         {db['NAME']} on {db.get('HOST') or 'local socket'}:{db.get('PORT') or 5432} "
          f"({connection.vendor}), var dir {args.var_dir}")
    if connection.vendor != "postgresql":
        print("this benchmark is for PostgreSQL", file=sys.stderr)
        return 2

    # 1. The register: enough people, or seed it.
    people = count_people()
    if people is None or people < args.min_people:
        have = "cannot be reached (missing?)" if people is None else f"holds {people:,} people"
        if not args.seed:
            print(f"The database {have}; the benchmark needs at least {args.min_people:,}.\n"
                  f"Run again with --seed to create it if needed, migrate and fill it "
                  f"(`seed-demo --scale city`, several minutes), or pass --min-people.", file=sys.stderr)
            return 2
        print(f"the database {have}: seeding the city (this takes a while)", flush=True)
        seed_city(args.database_url)
        people = count_people() or 0
        if people < args.min_people:
            print(f"note: after seeding the register holds {people:,} people, fewer than --min-people "
                  f"{args.min_people:,}; measuring anyway")

    figures = register_figures()
    print(f"register:         {figures['people']:,} people ({figures['with_id']:,} with an ID number), "
          f"{figures['phones']:,} phones, {figures['person_links']:,} phone links to people, "
          f"{figures['entity_links']:,} to entities")
    print(f"sizes:            registry_person {figures['person_total_bytes'] / 2**20:,.0f} MiB with indexes "
          f"(heap {figures['person_heap_bytes'] / 2**20:,.0f} MiB), ID digest index "
          f"{figures['id_index_bytes'] / 2**20:,.0f} MiB")

    if args.analyze:
        print(f"analyze:          ANALYZE of {', '.join(_register_tables())} in {analyze_register():.1f} s")
    autovacuum, never_analysed = planner_statistics()
    if never_analysed:
        print(f"statistics:       NEVER ANALYSED: {', '.join(never_analysed)} (autovacuum {autovacuum}); "
              "the planner guesses, see the plans below; --analyze gathers them")
    else:
        print(f"statistics:       the register's tables have been analysed (autovacuum {autovacuum})")

    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["leader", "dispatcher"])}
    if len(users) != 2:
        print("the demo users `leader` and `dispatcher` are missing: run with --seed", file=sys.stderr)
        return 2
    leader, dispatcher = users["leader"], users["dispatcher"]

    from gongzhi.accounts import scoping
    from gongzhi.registry.models import Person, PhoneLink

    prefixes = sorted(g.area_prefix for g in scoping.grants(dispatcher) if g.area_prefix)
    print(f"users:            leader (whole city), dispatcher (area prefix {', '.join(prefixes) or 'none'})")

    # 2. The targets, clear values decrypted now, before any timing. Three disjoint random
    # draws per kind (warm-up, leader, dispatcher) so that no run finds its pages cached by
    # another; plus draws from inside the dispatcher's subdistrict.
    n, w = args.queries, args.warmup
    from gongzhi.common.crypto import SealError

    started = time.perf_counter()
    try:
        people_drawn = pick_people(w + 2 * n, args.rng_seed)
        phones_drawn = pick_phones(w + 2 * n, args.rng_seed)
    except SealError as exc:
        print(f"The register's sealed values do not open with the keys in {args.var_dir} ({exc}): "
              "pass the --var-dir the database was seeded with.", file=sys.stderr)
        return 2
    local_people = list(scoping.scoped(Person, dispatcher).values_list("pk", flat=True))
    local_phones = list(scoping.scoped(PhoneLink, dispatcher).filter(person__isnull=False)
                        .values_list("phone_id", flat=True).distinct())
    people_local = pick_people(n, args.rng_seed, within=local_people)
    phones_local = pick_phones(n, args.rng_seed, within=local_phones)
    warm_people, leader_people, disp_people = (people_drawn[:w], people_drawn[w:w + n], people_drawn[w + n:])
    warm_phones, leader_phones, disp_phones = (phones_drawn[:w], phones_drawn[w:w + n], phones_drawn[w + n:])
    plans = [
        ("leader", leader, "ID", people_targets(leader, leader_people)),
        ("leader", leader, "phone", phone_targets(leader, leader_phones)),
        ("dispatcher, random", dispatcher, "ID", people_targets(dispatcher, disp_people)),
        ("dispatcher, random", dispatcher, "phone", phone_targets(dispatcher, disp_phones)),
        ("dispatcher, own area", dispatcher, "ID", people_targets(dispatcher, people_local)),
        ("dispatcher, own area", dispatcher, "phone", phone_targets(dispatcher, phones_local)),
    ]
    print(f"targets:          {len(people_drawn):,} people and {len(phones_drawn):,} phones at random, "
          f"{len(people_local):,} people and {len(phones_local):,} phones in the dispatcher's area "
          f"(of {len(local_people):,} / {len(local_phones):,}); picked and decrypted in "
          f"{time.perf_counter() - started:.1f} s")

    # 3. The timing, with every statement's wall time recorded.
    from gongzhi.registry import search

    # The samples above are a large heap no web worker holds; without this a full collection
    # lands inside one search now and then (~50 ms end-to-end, none of it at the database).
    gc.collect()
    gc.freeze()
    timer = StatementTimer()
    runs: list[Run] = []
    with connection.execute_wrapper(timer):
        for user in (leader, dispatcher):  # warm-up: connection, grants, code paths, index root pages
            for _, value in warm_people[: (w + 1) // 2] + warm_phones[: w // 2]:
                search.search(user, value)
        for label, user, kind, targets in plans:
            runs.append(time_searches(user, label, kind, targets, timer))
        baseline_tokens = list(Person.objects.unscoped().filter(pk__in=[pk for pk, _ in leader_people])
                               .values_list("id_number_token", flat=True)[: args.baseline_sample + 2])
        scan_ms = time_scan(baseline_tokens, timer)

    # 4. The figures.
    print(f"\nsearch(user, value), {n:,} searches per row after {w} warm-up searches per user; milliseconds")
    print(f"{'':28} {'in scope':>9}  {'database: p50':>13} {'p95':>7} {'p99':>7} {'max':>7}   "
          f"{'end-to-end: p50':>15} {'p95':>7} {'p99':>7} {'max':>7}  stmts")
    for run in runs:
        d50, d95, d99, dmax = percentiles(run.db_ms)
        t50, t95, t99, tmax = percentiles(run.total_ms)
        stmts = "/".join(str(s) for s in sorted(set(run.statements)))
        print(f"{run.label + ' — ' + run.kind:28} {run.found:>9,}  {_ms(d50):>13} {_ms(d95):>7} {_ms(d99):>7} "
              f"{_ms(dmax):>7}   {_ms(t50):>15} {_ms(t95):>7} {_ms(t99):>7} {_ms(tmax):>7}  {stmts}")
    s50, s95, s99, smax = percentiles(scan_ms) if scan_ms else (0.0, 0.0, 0.0, 0.0)
    print(f"{'baseline: scan on the token':28} {'':>9}  {_ms(s50):>13} {_ms(s95):>7} {_ms(s99):>7} {_ms(smax):>7}"
          f"   ({len(scan_ms)} queries: id_number_token = %s, a column with no index)")

    id_p95 = max(percentiles(r.db_ms)[1] for r in runs if r.kind == "ID")
    phone_p95 = max(percentiles(r.db_ms)[1] for r in runs if r.kind == "phone")
    ratio = s95 / id_p95 if id_p95 else float("inf")
    print(f"\nworst database p95: {_ms(id_p95)} ms (ID), {_ms(phone_p95)} ms (phone); "
          f"scan p95 / ID search p95 = {ratio:,.0f}×")

    explain("an ID search as the leader", runs[0].first_sql)
    explain("a phone search as the leader", runs[1].first_sql)
    explain("an ID search as the dispatcher (random target)", runs[2].first_sql[:1])

    wrong = [line for run in runs for line in (f"{run.label}: {w}" for w in run.wrong)]
    if wrong:
        print(f"\nWRONG RESULTS: {len(wrong):,} searches, e.g.")
        for line in wrong[:10]:
            print(f"  {line}")

    # 5. The summary, last.
    met = id_p95 < TARGET_MS and phone_p95 < TARGET_MS
    summary = (f"search_people: {figures['people']:,} people, {figures['phones']:,} phones; "
               f"p95 db {_ms(id_p95)} ms (ID) / {_ms(phone_p95)} ms (phone), target {TARGET_MS:g} ms: "
               f"{'met' if met else 'MISSED'}; {ratio:,.0f}× faster than a scan")
    if never_analysed:
        summary += f"; {len(never_analysed)} tables never analysed"
    if wrong:
        summary += f"; correctness FAILED ({len(wrong):,} searches wrong)"
    print(summary)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
