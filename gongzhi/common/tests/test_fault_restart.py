"""Issue 15's proof of items 16-19 together: a private PostgreSQL cluster is restarted (twice)
while Open311 clients file reports and an import of people runs, with the platform deployed as
in production: gunicorn, a worker per queue and the scheduler, each its own process.

Afterwards every report sent is exactly one case (0 lost, 0 duplicated: a client retries the
same Idempotency-Key on a lost connection or a 5xx, as a real one does), the import ended done
with counts equal to the people the register holds, and the two workers, the scheduler and the
server are still running, the default queue still draining.

The test builds its own cluster (initdb, a free port, a socket in a temporary folder), whatever
database the suite runs on, so it runs in both passes of `./dev test`; it never touches the
shared server. Skipped where PostgreSQL's initdb is not installed."""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest

from gongzhi.conftest import SYSTEM

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = 4000  # rows of the import: forty chunks (each a transaction), handed to two pool processes
CHUNK = 100
CLIENTS = 4
# Grid centres of the test city (gongzhi/conftest.py WORLD), as (lat, long).
POINTS = [(0.5, 0.25), (0.5, 0.75), (1.5, 0.25), (1.5, 0.75), (1.0, 1.5), (1.0, 3.0)]


def postgres_program(name: str) -> str | None:
    """A PostgreSQL server program: the newest under /usr/lib/postgresql/*/bin, else on PATH."""
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return versions[-1] if versions else shutil.which(name)


INITDB = postgres_program("initdb")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(INITDB is None, reason="PostgreSQL's initdb was not found on PATH or under "
                       "/usr/lib/postgresql/*/bin: the restart fault test builds a private cluster with it"),
    pytest.mark.skipif(AS_ROOT and (shutil.which("runuser") is None or shutil.which("id") is None
                                    or subprocess.run(["id", "postgres"], capture_output=True).returncode),  # noqa: S607
                       reason="running as root, PostgreSQL refuses root: the test needs `runuser` and a `postgres` "
                              "OS user to run the private cluster as"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster in `folder`, on 127.0.0.1:port (as the postgres OS user
    when we are root: initdb and postgres refuse root). fsync=off for speed: a fast restart
    still shuts down cleanly, writing everything; an immediate stop is used only to discard it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.data, self.sockets, self.log = folder / "data", folder / "sockets", folder / "postgres.log"
        self.bin = Path(INITDB).parent
        self.sockets.mkdir()
        if AS_ROOT:
            shutil.chown(folder, "postgres")
            shutil.chown(self.sockets, "postgres")

    def run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / program), *args]
        if AS_ROOT:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.folder)
        assert done.returncode == 0, f"{program} {' '.join(args)}: {done.stdout}{done.stderr}"

    def pg_ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-o", options, *args)

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                 "--no-sync")
        self.pg_ctl("start", "-w")
        with self.connect("postgres") as c:
            c.autocommit = True
            c.execute("CREATE DATABASE gongzhi")

    def restart(self, away: float = 0) -> None:
        """A fast restart (sessions ended, a clean shutdown); `away` seconds down in between."""
        if not away:
            self.pg_ctl("restart", "-m", "fast", "-w")
            return
        self.pg_ctl("stop", "-m", "fast", "-w")
        time.sleep(away)
        self.pg_ctl("start", "-w")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate")

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/gongzhi"

    def connect(self, database: str = "gongzhi"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, connect_timeout=5)

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.connect() as c:
            return c.execute(sql, params).fetchall()


# ------------------------------------------------------------ run in subprocesses, on the cluster

def prepare_city() -> None:
    """The test city, a house to import people into, the report categories, an Open311 key for
    the city and a community worker who may import (prints the key and the worker's id)."""
    from gongzhi.accounts import services as accounts
    from gongzhi.accounts.roles import Role
    from gongzhi.areas.models import Area
    from gongzhi.cases import categories, open311
    from gongzhi.conftest import C1, CITY, build_world
    from gongzhi.registry.tests.conftest import _house

    build_world()
    _house(C1, [("road", "桂溪路"), ("number", "18号"), ("estate", "锦绣花园"), ("building", "1栋"),
                ("unit", "2单元"), ("room", "301")], 0.25, 0.5)
    categories.load_defaults()
    key = open311.new_key(name="fault", area=Area.objects.unscoped().get(code=CITY))
    worker = accounts.create_staff(actor=SYSTEM, username="importer", password="Fault-test-2026", full_name="导入员",
                                   must_change=False)
    accounts.assign_role(actor=SYSTEM, user=worker, role=Role.COMMUNITY_WORKER,
                         area=Area.objects.unscoped().get(code=C1))
    print(json.dumps({"key": key, "user": worker.pk}))


def start_import(user_id: int, path: str) -> None:
    """Queues the import of the CSV at `path` as that user (prints the job's id)."""
    from gongzhi.accounts.models import User
    from gongzhi.registry import imports

    job = imports.start(actor=User.objects.get(pk=user_id), kind="people", file_name="people.csv",
                        data=Path(path).read_bytes())
    print(job.pk)


def people_csv(run: str, block: int = 0) -> bytes:
    """PEOPLE new people; each `block` its own birth dates, so that the imports of one cluster
    never share an ID number (a shared one would update a person, not create one)."""
    import datetime as dt

    from gongzhi.registry.tests.factories import id_number
    from gongzhi.registry.tests.test_imports import H1_CODE_TEXT, PEOPLE_HEADER, csv_bytes

    born = dt.date(1950, 1, 1) + dt.timedelta(days=block * PEOPLE)
    rows = [[f"故障{run}-{i}", id_number(born=(born + dt.timedelta(days=i)).strftime("%Y%m%d"), serial="246"),
             "户籍人口", H1_CODE_TEXT, "子女", "2021-05-01", "", ""] for i in range(PEOPLE)]
    return csv_bytes([PEOPLE_HEADER, *rows])


# ------------------------------------------------------------ the test

class Platform:
    """The platform's processes on the cluster, each in its own process group, logging to a file."""

    def __init__(self, folder: Path, cluster: Cluster, logs: str = "") -> None:
        # One var folder (keys, uploads) for every platform on the cluster; logs per test.
        self.folder, self.cluster, self.port = folder / logs if logs else folder, cluster, free_port()
        self.folder.mkdir(exist_ok=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("DATABASE_", "GONGZHI_", "PYTEST_", "MEDIA_ROOT", "REDIS_URL"))}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "gongzhi.settings", "DATABASE_URL": cluster.url(),
            "GONGZHI_VAR_DIR": str(folder / "var"), "GONGZHI_TWO_FACTOR": "optional", "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1",
            # Every client is one address and one key here: the bounds are counted, not reached.
            "GONGZHI_OPEN311_RATE_PER_ADDRESS": "1000000/m", "GONGZHI_OPEN311_RATE_PER_KEY": "1000000/m",
            # Small chunks on two pool processes: the restarts land inside a parallel import.
            "GONGZHI_IMPORT_CHUNK": str(CHUNK), "GONGZHI_IMPORT_PARALLEL_ROWS": "1000", "GONGZHI_IMPORT_WORKERS": "2",
        })

    def python(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run([sys.executable, *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-4000:]}"
        return done.stdout

    def call(self, function: str, *args) -> str:
        """Calls a function of this module in a fresh process on the cluster."""
        script = (f"import django; django.setup(); from {__name__} import {function}; "
                  f"{function}(*{args!r})")
        return self.python("-c", script)

    def spawn(self, name: str, *args: str) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.processes[name] = subprocess.Popen([sys.executable, *args], env=self.env, cwd=ROOT, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def worker(self, name: str, queue: str) -> None:
        self.spawn(name, "-m", "gongzhi.cli", "worker", "--queue-name", queue, "--interval", "0.5",
                   "--no-startup-delay")

    def start(self) -> None:
        self.spawn("gunicorn", "-m", "gunicorn", "-c", "python:gongzhi.gunicorn_conf", "gongzhi.wsgi",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--log-level", "warning")
        for queue in ("default", "imports"):
            self.worker(f"worker-{queue}", queue)
        self.spawn("scheduler", "-m", "gongzhi.cli", "scheduler", "--every", "2")
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            assert time.monotonic() < deadline, f"the server did not answer /healthz: {self.logs()}"
            time.sleep(0.3)

    def dead(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def logs(self) -> str:
        tails = []
        for path in sorted(self.folder.glob("*.log")):
            tails.append(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(tails)

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


class Clients:
    """CLIENTS threads filing Open311 reports, one at a time each, every report with its own
    Idempotency-Key and marker; a lost connection or a 5xx is retried with the same key until a
    200 (at most REPORT_SECONDS per report), as a well-behaved client does."""

    REPORT_SECONDS = 60

    def __init__(self, port: int, key: str, run: str) -> None:
        self.port, self.key, self.run = port, key, run
        self.sent: list[str] = []
        self.answered: list[str] = []
        self.unanswered: list[str] = []
        self.statuses: Counter = Counter()
        self.refusals: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(CLIENTS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=self.REPORT_SECONDS + 30)

    def count(self) -> int:
        with self.lock:
            return len(self.answered)

    def client(self, number: int) -> None:
        conn = None
        sent = 0
        while not self.stopping.is_set():
            marker = f"fault-{self.run}-{number}-{sent}"
            lat, lon = POINTS[(number + sent) % len(POINTS)]
            body = urllib.parse.urlencode({"api_key": self.key, "service_code": "garbage_pileup", "lat": lat,
                                           "long": lon, "description": marker})
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": marker}
            with self.lock:
                self.sent.append(marker)
            deadline = time.monotonic() + self.REPORT_SECONDS
            while True:
                try:
                    conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
                    conn.request("POST", "/open311/v2/requests.json", body=body, headers=headers)
                    response = conn.getresponse()
                    content, status = response.read(), response.status
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn, status, content = None, 0, b""
                with self.lock:
                    self.statuses[status] += 1
                    if status == 200:
                        self.answered.append(marker)
                    elif status and status != 503 and len(self.refusals) < 5:
                        self.refusals.append(f"{status}: {content[:300]!r}")
                if status == 200:
                    break
                if 0 < status < 500 or time.monotonic() > deadline:
                    with self.lock:
                        self.unanswered.append(marker)
                    break
                time.sleep(0.2)
            sent += 1
        if conn is not None:
            conn.close()


def wait_for(condition, seconds: float, what: str, platform: Platform, every: float = 0.5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s\n{platform.logs()}"
        time.sleep(every)


@pytest.fixture(scope="module")
def city():
    """The private cluster, migrated, with the test city: built once for the tests of this file
    (folder, cluster, the Open311 key and the importing worker's id)."""
    # As root, in /tmp: the postgres OS user must reach the folder (a TMPDIR under /root it could not).
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-fault-", dir="/tmp" if AS_ROOT else None))  # noqa: S108
    cluster = Cluster(folder)
    try:
        cluster.start()
        setup = Platform(folder, cluster)
        setup.python("-m", "gongzhi.cli", "migrate", "--verbosity", "0", timeout=300)
        prepared = json.loads(setup.call("prepare_city").strip().splitlines()[-1])
        yield folder, cluster, prepared
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_postgresql_restart_under_intake_and_import_loses_and_duplicates_nothing(city):
    root, cluster, prepared = city
    platform = Platform(root, cluster, "restart")
    folder = platform.folder
    run = f"{int(time.time() * 1000) % 10**9:09d}"
    clients = None
    try:
        upload = folder / "people.csv"
        upload.write_bytes(people_csv(run))
        platform.start()
        clients = Clients(platform.port, prepared["key"], run)
        clients.start()
        job = int(platform.call("start_import", prepared["user"], str(upload)).strip().splitlines()[-1])

        def progress() -> tuple[str, int]:
            return cluster.query("SELECT status, processed FROM registry_importjob WHERE id = %s", (job,))[0]

        # The first restart lands inside the import (a chunk committed, more to come) and under
        # intake; the second, with the database away for two seconds, a few seconds later (the
        # scheduler has ticked), once intake has taken reports again.
        wait_for(lambda: progress()[1] > 0 or progress()[0] in {"done", "failed"}, 90, "the import began", platform,
                 every=0.05)
        import_at_restart = progress()
        cluster.restart()
        for restart in (1, 2):
            before, since = clients.count(), time.monotonic()
            wait_for(lambda: clients.count() >= before + 20 and time.monotonic() > since + 3, 90,  # noqa: B023
                     f"intake resumed after restart {restart}", platform)
            if restart == 1:
                cluster.restart(away=2)
        clients.stop()
        wait_for(lambda: progress()[0] in {"done", "failed"}, 120, "the import ended", platform)
        later = cluster.query("SELECT now()")[0][0]

        # 0 lost, 0 duplicated: every marker sent is exactly one case.
        stored = Counter(description for (description,) in cluster.query(
            "SELECT description FROM cases_case WHERE description LIKE %s", (f"fault-{run}-%",)))
        lost = [m for m in clients.sent if stored[m] == 0]
        duplicated = {m: n for m, n in stored.items() if n > 1}
        assert not clients.unanswered, (clients.unanswered[:5], clients.refusals, clients.statuses)
        assert not lost and not duplicated, (lost[:5], duplicated, clients.statuses)
        assert set(stored) == set(clients.sent) and len(clients.answered) == len(clients.sent)
        assert clients.statuses[500] == 0, clients.refusals  # the database away is a 503, not an error

        # The import: done, its counts add up, and what it says it created is in the register.
        status, total, created, updated, unchanged, failed, message = cluster.query(
            "SELECT status, total, created, updated, unchanged, failed, message FROM registry_importjob "
            "WHERE id = %s", (job,))[0]
        people = cluster.query("SELECT count(*) FROM registry_person WHERE name LIKE %s", (f"故障{run}-%",))[0][0]
        chunks = cluster.query("SELECT count(*), sum(rows) FROM registry_importchunk WHERE job_id = %s", (job,))[0]
        assert status == "done", (message, platform.logs())
        assert total == PEOPLE and created + updated + unchanged + failed == total, (total, created, failed)
        assert created == people == PEOPLE and failed == 0
        assert chunks == (PEOPLE // CHUNK, PEOPLE)
        took = cluster.query("SELECT finished_at - created_at FROM registry_importjob WHERE id = %s", (job,))[0][0]

        # The workers, the scheduler and the server outlived both restarts, and urgent work still
        # runs: the tasks queued on the default queue before now all end, and later ones succeed.
        assert not platform.dead(), (platform.dead(), platform.logs())
        # ... and each of them did lose its connection (the fault reached them; the import's
        # mid-way), so what held is what they do about it.
        for name in ("worker-default", "worker-imports", "scheduler"):
            assert "database unavailable" in (folder / f"{name}.log").read_text(), platform.logs()
        assert import_at_restart[0] == "running" and 0 < import_at_restart[1] < PEOPLE, import_at_restart

        def drained() -> bool:
            waiting, done_since = cluster.query(
                "SELECT count(*) FILTER (WHERE status IN ('READY', 'RUNNING') AND enqueued_at <= %s), "
                "count(*) FILTER (WHERE status = 'SUCCESSFUL' AND enqueued_at > %s) "
                "FROM django_tasks_database_dbtaskresult WHERE queue_name = 'default'", (later, later))[0]
            return waiting == 0 and done_since > 0

        wait_for(drained, 60, "the default queue drained", platform)
        assert not platform.dead(), (platform.dead(), platform.logs())
        print(f"\nfault test: {len(clients.sent)} reports, statuses {dict(clients.statuses)}; import at the first "
              f"restart {import_at_restart}; people {people} in {took}")
    finally:
        if clients is not None:
            clients.stop()
        platform.stop()


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process from /proc, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], int(fields[1]), int(fields[19])


def children_of(pid: int) -> dict[int, int]:
    """The processes whose parent is `pid` (pid → start time, to tell a reused pid apart)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) and stat[1] == pid and stat[0] != "Z":
            found[int(entry.name)] = stat[2]
    return found


def running(pid: int, started: int) -> bool:
    stat = proc_stat(pid)
    return stat is not None and stat[2] == started and stat[0] not in {"Z", "X"}


def stop_mid_import(platform: Platform, name: str, job: int, signals: int) -> dict:
    """Sends SIGTERM `signals` times (a tenth of a second apart) to the imports worker `name` (the process,
    not its group, as systemd's KillMode=mixed does) once its pool of two has committed a chunk of
    `job` and has more to do; asserts that the worker exits within 30 s and that none of its pool's
    children (found in /proc before the signal) outlives it. Returns what was seen."""
    worker, cluster = platform.processes[name], platform.cluster

    def progress() -> tuple[str, int, int]:
        return cluster.query("SELECT status, processed, total FROM registry_importjob WHERE id = %s", (job,))[0]

    pool: dict[int, int] = {}

    def mid_way() -> bool:
        status, processed, total = progress()
        assert status not in {"done", "failed"}, f"the import ended before the signal: {status}"
        pool.update(children_of(worker.pid))
        return 0 < processed < total and len(pool) >= 2

    wait_for(mid_way, 90, "the parallel import began", platform, every=0.05)
    at_signal = progress()
    signalled = time.monotonic()
    for n in range(signals):
        if n:  # soon after: an idle machine finishes the remaining chunks within a second
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the imports worker did not exit within 30 s of SIGTERM\n{platform.logs()}")
    exited = time.monotonic() - signalled
    wait_for(lambda: not [pid for pid, started in pool.items() if running(pid, started)], 10,
             f"the pool's children {sorted(pool)} ended with the worker", platform, every=0.1)
    return {"at signal": at_signal, "exited in": round(exited, 1), "children": len(pool), "at exit": progress()}


def assert_imported(cluster: Cluster, root: Path, job: int, run: str, platform: Platform) -> None:
    """The job is done, its counts add up to the file and to the register, and its upload is gone."""
    status, total, created, updated, unchanged, failed, message, source = cluster.query(
        "SELECT status, total, created, updated, unchanged, failed, message, source FROM registry_importjob "
        "WHERE id = %s", (job,))[0]
    people = cluster.query("SELECT count(*) FROM registry_person WHERE name LIKE %s", (f"故障{run}-%",))[0][0]
    chunks = cluster.query("SELECT count(*), sum(rows) FROM registry_importchunk WHERE job_id = %s", (job,))[0]
    assert status == "done", (message, platform.logs())
    assert total == PEOPLE and created + updated + unchanged + failed == total, (total, created, failed)
    assert created == people == PEOPLE and failed == 0, (created, updated, unchanged, people, failed)
    assert chunks == (PEOPLE // CHUNK, PEOPLE)
    # The upload (residents' data in a sealed file) is deleted once the job is done.
    assert source == "" and not list((root / "var").rglob(f"{job}-*.sealed")), source


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the pool's children through /proc (Linux)")
def test_sigterm_to_the_imports_worker_mid_import_leaves_nothing_hung_and_the_job_ends_done(city):
    """Issue 15 item 17, end to end, on a real `gongzhi worker --queue-name imports` whose pool
    of two imports a file chunk by chunk. One SIGTERM (a supervisor's stop): the worker finishes
    the running import (docs/operations.md: TimeoutStopSec) and exits, no pool child left. Two
    (the forced stop): the worker leaves the import mid-way and exits at once, no child left; a
    new worker (the supervisor's restart) and the scheduler resume it from its last chunk. Both
    jobs end done, their counts equal to the people in the register, their uploads deleted."""
    root, cluster, prepared = city
    platform = Platform(root, cluster, "sigterm")
    seen = []
    try:
        platform.spawn("scheduler", "-m", "gongzhi.cli", "scheduler", "--every", "2")
        for attempt, signals in enumerate((1, 2)):
            run = f"{int(time.time() * 1000) % 10**9:09d}"
            upload = platform.folder / f"people-{run}.csv"
            upload.write_bytes(people_csv(run, block=1 + attempt))
            name = f"worker-imports-{attempt}"
            platform.worker(name, "imports")
            job = int(platform.call("start_import", prepared["user"], str(upload)).strip().splitlines()[-1])
            seen.append(stop_mid_import(platform, name, job, signals))
            if signals > 1:
                # Forced out before it finished: still running (its worker gone), or queued again by the
                # scheduler. (Its pool may have committed every chunk by then; the job still has to end.)
                assert seen[-1]["at exit"][0] in {"running", "queued"}, seen
            # The supervisor starts the worker again: a job left mid-way resumes and ends.
            platform.worker(f"{name}-again", "imports")

            def ended() -> bool:
                return cluster.query("SELECT status FROM registry_importjob WHERE id = %s",
                                     (job,))[0][0] in {"done", "failed"}  # noqa: B023

            wait_for(ended, 120, "the import ended", platform)
            assert_imported(cluster, root, job, run, platform)
            # Idle, it stops at once; the next import is the next worker's alone.
            platform.processes[f"{name}-again"].send_signal(signal.SIGTERM)
            platform.processes[f"{name}-again"].wait(timeout=30)
        print(f"\nsigterm test: {seen}")
    finally:
        platform.stop()
