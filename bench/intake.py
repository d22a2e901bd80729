"""How many cases a server takes in through Open311, against the same server's cheapest page.

Reports arrive in bursts (a storm, a burst pipe, a hotline campaign). This script starts
gunicorn (with the platform's gunicorn_conf) on PostgreSQL on this machine, then for --seconds
(default 60) lets --clients (default 32) concurrent clients post Open311 service requests (each with its own Idempotency-Key and a
unique marker in the description), and, as the baseline in the same run, lets them GET the
trivial /livez page (no database; /healthz now asks it) for as long. The two alternate in
--rounds (default 6), so a machine
whose speed drifts (a shared host) slows both alike. It prints requests per second and p50/p99
latency of both, the ratio, the CPU each request cost the server, the database and the clients
(read from /proc), the errors, and counts the cases in the database: none may be lost (every
200 is a case) and none duplicated (every marker once).

    python bench/intake.py                    # 32 clients, 60 s each
    python bench/intake.py --clients 8 --seconds 10
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=6, help="alternations of the two loads")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: gunicorn_conf's, a core each)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="gongzhi_bench_intake")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--workdir", default="/tmp/gongzhi-bench-intake")  # noqa: S108 (a benchmark scratch folder)
    return parser.parse_args()


def prepare(args) -> tuple[str, list[tuple[float, float]]]:
    """A fresh database with the small demo city; an Open311 key; points inside its grids."""
    import psycopg

    with psycopg.connect(f"{args.server.replace('postgres://', 'postgresql://')}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        c.execute(f'CREATE DATABASE "{args.database}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    from shapely.geometry import shape

    from gongzhi.areas.models import Area
    from gongzhi.cases import open311

    key = open311.new_key(name="bench", area=Area.objects.unscoped().get(code="510100000000"))
    points = []
    for geometry in Area.objects.unscoped().filter(level="grid").values_list("geometry", flat=True):
        p = shape(geometry).representative_point()
        points.append((p.x, p.y))
    return key, points


def load(args, method: str, path: str, body_for, seconds: float) -> tuple[list[float], int, list[int]]:
    """Runs the clients; returns (latencies in ms of successes, errors, statuses seen)."""
    latencies: list[float] = []
    errors = [0]
    statuses: list[int] = []
    first_error: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        sent = 0
        while time.monotonic() < stop_at:
            body, headers = body_for(number, sent)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                ok = response.status == 200
                status = response.status
                if not ok and status and not first_error:
                    first_error.append(content.decode(errors="replace")[:300])
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
                ok, status = False, 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                statuses.append(status)
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
            sent += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if first_error:
        print(f"first error answer: {first_error[0]}")
    return latencies, errors[0], statuses


def summary(name: str, latencies: list[float], errors: int, seconds: float) -> float:
    rate = len(latencies) / seconds
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(f"{name:<22} {rate:>9,.0f}/s  p50 {q[49]:7.1f} ms  p99 {q[98]:7.1f} ms  errors {errors}")
    return rate


def _cpu(pid: int) -> tuple[str, int, float]:
    """(command, process group, CPU seconds so far) of one process and of its children that
    ended (a database connection closed after DATABASE_CONN_MAX_AGE, say), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    command = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    return command, int(fields[2]), sum(int(n) for n in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_by_part(server_group: int) -> dict[str, float]:
    """CPU seconds so far of the server (gunicorn's process group), the database (every process
    named postgres) and the clients (this process). Linux only; elsewhere empty."""
    if not Path("/proc/self/stat").exists():
        return {}
    parts = {"server": 0.0, "database": 0.0}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command, group, seconds = _cpu(int(entry))
            except (OSError, ValueError, IndexError):  # ended meanwhile
                continue
            if group == server_group:
                parts["server"] += seconds
            elif command == "postgres":
                parts["database"] += seconds
    own = os.times()
    parts["clients"] = own.user + own.system
    return parts


def cpu_line(name: str, before: dict[str, float], after: dict[str, float], requests: int) -> None:
    if before and requests:
        costs = "  ".join(f"{part} {(after[part] - before[part]) * 1000 / requests:.2f}" for part in before)
        print(f"{name:<22} CPU per request in ms: {costs}")


def main() -> int:
    args = parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GONGZHI_VAR_DIR": str(work / "var"), "DATABASE_URL": f"{args.server}/{args.database}",
           "DJANGO_SETTINGS_MODULE": "gongzhi.settings", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "GONGZHI_TASKS": "immediate", "LOG_LEVEL": "ERROR",
           # One address and one key carry every client here; the bounds are still counted, not hit.
           "GONGZHI_OPEN311_RATE_PER_ADDRESS": "100000000/m", "GONGZHI_OPEN311_RATE_PER_KEY": "100000000/m"}
    os.environ.update(env)
    print("preparing a fresh database with the small demo city …", flush=True)
    key, points = prepare(args)
    from gongzhi import gunicorn_conf

    workers = args.workers or gunicorn_conf.workers
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:gongzhi.gunicorn_conf", "gongzhi.wsgi",
                               "--bind", f"127.0.0.1:{args.port}", "--workers", str(workers), "--log-level", "error"],
                              env=env, cwd=ROOT, start_new_session=True)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/livez")
                break
            except OSError:
                time.sleep(0.2)
        print(f"gunicorn: {workers} workers; {args.clients} clients, {args.seconds:.0f} s of each load "
              f"in {args.rounds} alternating rounds", flush=True)
        run = f"{random.randrange(10**9):09d}"

        def trivial(_number, _sent):
            return None, {}

        # The form's fixed parts encoded once: the clients share the server's two cores, so what
        # they spend building requests is taken from the server.
        fixed = urllib.parse.urlencode({"api_key": key, "service_code": "garbage_pileup"})
        places = [urllib.parse.urlencode({"lat": lat, "long": lon}) for lon, lat in points]
        described = urllib.parse.quote_plus("压测 ")

        def reports(round_number):
            def report(number, sent):  # each marker (and Idempotency-Key) once in the whole run
                marker = f"bench-{run}-{round_number}-{number}-{sent}"  # URL-safe as it is
                body = f"{fixed}&{places[(number * 7919 + sent) % len(places)]}&description={described}{marker}"
                return body, {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": marker}
            return report

        base_latencies, intake_latencies, statuses = [], [], []
        base_errors = intake_errors = 0
        zero = cpu_by_part(server.pid)
        base_cpu, intake_cpu = dict.fromkeys(zero, 0.0), dict.fromkeys(zero, 0.0)
        each = args.seconds / args.rounds
        for round_number in range(args.rounds):  # alternating, so a drift in the machine's speed slows both alike
            for name, spent, method, path, body in (("base", base_cpu, "GET", "/livez", trivial),
                                                     ("intake", intake_cpu, "POST", "/open311/v2/requests.json",
                                                      reports(round_number))):
                before = cpu_by_part(server.pid)
                latencies, errors, seen = load(args, method, path, body, each)
                after = cpu_by_part(server.pid)
                for part in spent:
                    spent[part] += after[part] - before[part]
                if name == "base":
                    base_latencies += latencies
                    base_errors += errors
                else:
                    intake_latencies += latencies
                    intake_errors += errors
                    statuses += seen
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    base_rate = summary("trivial GET /livez", base_latencies, base_errors, args.seconds)
    intake_rate = summary("Open311 POST requests", intake_latencies, intake_errors, args.seconds)
    cpu_line("trivial GET /livez", dict.fromkeys(base_cpu, 0.0), base_cpu, len(base_latencies) + base_errors)
    cpu_line("Open311 POST requests", dict.fromkeys(intake_cpu, 0.0), intake_cpu,
             len(intake_latencies) + intake_errors)
    from django.db.models import Count

    from gongzhi.cases.models import Case

    cases = Case.objects.unscoped().filter(description__startswith="压测 bench-" + run)
    stored = cases.count()
    duplicated = cases.values("description").annotate(n=Count("id")).filter(n__gt=1).count()
    lost = len(intake_latencies) - stored
    q = statistics.quantiles(intake_latencies, n=100) if len(intake_latencies) > 1 else [0] * 99
    print(f"cases stored {stored:,}; answered 200 {len(intake_latencies):,}; lost {lost}; duplicated {duplicated}; "
          f"statuses {json.dumps({s: statuses.count(s) for s in sorted(set(statuses))})}")
    ratio = intake_rate / base_rate if base_rate else 0
    verdict = "met" if ratio >= 0.4 and q[98] < 150 and intake_errors == 0 and lost == 0 and duplicated == 0 \
        else "not met"
    print(f"intake: {intake_rate:,.0f} cases/s = {ratio:.3f} × the trivial endpoint ({base_rate:,.0f}/s); "
          f"p99 {q[98]:.0f} ms; errors {intake_errors}, lost {lost}, duplicated {duplicated}; "
          f"target 0.4×, p99 < 150 ms, none lost: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
