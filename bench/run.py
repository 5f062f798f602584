#!/usr/bin/env python3
"""The onestop benchmark: load from wrk (and hey for a fixed rate) against the release binary,
the server pinned to core 0 and the load to core 1, every figure a ratio of two things measured
in the same run, alternating A and B, median of the rounds. See bench/README.md.

    bench/run.py            # the full run (about 15 minutes here; builds ~1M appointments once)
    bench/run.py --short    # the CI version: small scales, one-second loads, correctness checked

Writes target/bench/results.md (the table for the README) and target/bench/results.json.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "onestop")
WORK = os.path.join(ROOT, "target", "bench")
PG_ADMIN = os.environ.get("ONESTOP_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SERVER_CPU, LOAD_CPU = "0", "1"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


# ---------------------------------------------------------------- databases


class Db:
    """A benchmark database: SQLite in a data directory, or a PostgreSQL database."""

    def __init__(self, backend, name):
        self.backend, self.name = backend, name
        self.dir = os.path.join(WORK, f"{backend}-{name}")
        self.url = (
            f"{PG_ADMIN}/onestop_bench_{name}" if backend == "postgres" else os.path.join(self.dir, "onestop.sqlite3")
        )

    def args(self):
        return ["--data-dir", self.dir, "--database", self.url]

    def sql(self, query):
        if self.backend == "sqlite":
            import sqlite3

            with sqlite3.connect(self.url) as c:
                return c.execute(query).fetchall()
        out = run(["psql", "-At", "-F", "\t", self.url, "-c", query])
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def create(self, scale, reuse):
        marker = os.path.join(self.dir, "scale.json")
        if reuse and os.path.exists(marker):
            with open(marker) as f:
                m = json.load(f)
            if m.get("scale") == scale and m.get("day") == time.strftime("%Y-%m-%d"):
                log(f"  reusing {self.backend} scale {scale} ({m['summary']})")
                return m
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        if self.backend == "postgres":
            db = f"onestop_bench_{self.name}"
            run(["psql", f"{PG_ADMIN}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"])
            run(["psql", f"{PG_ADMIN}/postgres", "-qc", f"CREATE DATABASE {db}"])
        t = time.monotonic()
        out = run([BIN, *self.args(), "demo", "--scale", str(scale)])
        secs = time.monotonic() - t
        accounts = {}
        for line in out.splitlines():
            m = re.match(r"\s+\S.*?\s(\S+@\S+)\s+(\S+)$", line)
            if m:
                accounts[m.group(1)] = m.group(2)
        summary = next(line for line in out.splitlines() if line.startswith("scale "))
        appointments = int(self.sql("SELECT COUNT(*) FROM appointments")[0][0])
        m = {"scale": scale, "day": time.strftime("%Y-%m-%d"), "accounts": accounts, "summary": summary,
             "appointments": appointments, "seconds": round(secs, 1)}
        with open(marker, "w") as f:
            json.dump(m, f)
        log(f"  {self.backend}: {summary}")
        return m


# ---------------------------------------------------------------- servers


class Server:
    """A process pinned to the server core, with its peak memory readable and resettable."""

    def __init__(self, name, cmd, port, env=None, ready="/healthz"):
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.logf = open(os.path.join(WORK, f"{name}.log"), "w")
        self.proc = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, *cmd], stdout=self.logf, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + ready, timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except Exception:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start; see {self.logf.name}")
            time.sleep(0.2)

    def pids(self):
        """The process and its children (gunicorn's workers)."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [self.proc.pid, *map(int, out.split())]

    def reset_peak(self):
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                pass

    def peak_mib(self):
        """Peak resident memory since the last reset (summed over the process and its children)."""
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    total += next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
            except (OSError, StopIteration):
                pass
        return round(total / 1024, 1)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.logf.close()


def onestop(name, db, extra=(), env=None):
    port = free_port()
    env = {"ONESTOP_LISTEN": f"127.0.0.1:{port}", "ONESTOP_BASE_URL": f"http://127.0.0.1:{port}",
           "ONESTOP_MAIL_POLL_SECONDS": "0", "ONESTOP_DEMO_ON_EMPTY": "false", "ONESTOP_WORKERS": "1",
           "ONESTOP_LOG": "warn", **(env or {})}
    return Server(name, [BIN, *db.args(), *extra], port, env)


def login(base, email, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/staff/login").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "_csrf": token}).encode()
    opener.open(base + "/staff/login", body)
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session" not in cookies:
        raise SystemExit(f"could not sign in as {email} at {base}")
    return cookies


# ---------------------------------------------------------------- load


def wrk(url, seconds, conns=8, script=None, args=(), headers=()):
    cmd = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    if args:
        cmd += ["--", *map(str, args)]
    out = run(cmd)
    r = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "raw": out}
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        r[key] = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["bad"] = int(m.group(1)) if m else 0
    r["errors"] = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return r


def hey_at(url, seconds, rate, conns=8, headers=()):
    """Latency at a fixed request rate (hey's -q is per connection)."""
    per = max(1, round(rate / conns))
    cmd = ["taskset", "-c", LOAD_CPU, "hey", "-z", f"{seconds}s", "-c", str(conns), "-q", str(per)]
    for h in headers:
        cmd += ["-H", h]
    out = run(cmd + [url])
    got = {k: float(re.search(rf"{k}% in ([\d.]+) secs", out).group(1)) * 1000 for k in ("50", "99")}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rate": per * conns, "rps": rps, "p50": got["50"], "p99": got["99"]}


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def alternate(rounds, named):
    """Runs each (name, fn) once per round, in turn; returns name → list of results."""
    out = {n: [] for n, _ in named}
    for i in range(rounds):
        for n, fn in named:
            out[n].append(fn())
        log(f"  round {i + 1}/{rounds}: " + ", ".join(f"{n} {out[n][-1].get('rps', 0):.0f}/s" for n, _ in named))
    return out


def summary(results):
    return {"rps": round(med([r["rps"] for r in results]), 1), "p50_ms": round(med([r["p50"] for r in results]), 2),
            "p99_ms": round(med([r["p99"] for r in results]), 2)}


def ratio(a, b):
    """Median of the per-round ratios of throughput."""
    return round(med([x["rps"] / y["rps"] for x, y in zip(a, b) if y["rps"]]), 3)


# ---------------------------------------------------------------- the run


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="the CI version: small scales, short loads")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--small", type=int, help="smallest scale (thousands of appointments)")
    ap.add_argument("--large", type=int, help="largest scale")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="rebuild the large databases even if built today")
    ap.add_argument("--table-from", metavar="JSON", help="only print the table of an earlier run's results.json")
    o = ap.parse_args()
    if o.table_from:
        with open(o.table_from) as f:
            write(json.load(f), save=False)
        return
    rounds = o.rounds or (1 if o.short else 5)
    secs = o.seconds or (1 if o.short else 5)
    small, large = o.small or (10 if o.short else 100), o.large or (40 if o.short else 1000)
    # The short run keeps its own databases, so that it never replaces the full run's.
    prefix = "short_" if o.short else ""
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    for tool in ("wrk", "hey", "taskset"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk hey util-linux")
    backends = ["sqlite"] + ([] if o.no_postgres else ["postgres"])
    res = {"machine": machine(), "rounds": rounds, "seconds": secs, "scales": [small, large], "checks": []}
    problems = []

    log(f"databases (scales {small} and {large})")
    dbs = {}
    for be in backends:
        dbs[(be, "small")] = Db(be, prefix + "small")
        res[f"{be}_small"] = dbs[(be, "small")].create(small, reuse=False)
        dbs[(be, "large")] = Db(be, prefix + "large")
        res[f"{be}_large"] = dbs[(be, "large")].create(large, reuse=not o.fresh)

    # 1. Expert queue and national report: largest ÷ smallest, per backend.
    for be in backends:
        log(f"queue and report, {be}: scale {large} vs {small}")
        s_small = onestop(f"{be}-small", dbs[(be, "small")])
        s_large = onestop(f"{be}-large", dbs[(be, "large")])
        try:
            named = []
            for label, srv, meta in (("small", s_small, res[f"{be}_small"]), ("large", s_large, res[f"{be}_large"])):
                acc = meta["accounts"]
                expert = login(srv.base, "legal@gyeongnam.example", acc["legal@gyeongnam.example"])
                national = login(srv.base, "national@onestop.example", acc["national@onestop.example"])
                named.append((f"queue_{label}", lambda b=srv.base, c=expert: wrk(b + "/expert", secs, headers=[f"Cookie: {c}"])))
                named.append((f"report_{label}", lambda b=srv.base, c=national: wrk(b + "/national/reports", secs, headers=[f"Cookie: {c}"])))
            for srv in (s_small, s_large):
                srv.reset_peak()
            got = alternate(rounds, named)
            for kind in ("queue", "report"):
                res[f"{be}_{kind}"] = {
                    "small": summary(got[f"{kind}_small"]), "large": summary(got[f"{kind}_large"]),
                    # cost grows by: time per request at the largest ÷ at the smallest
                    "growth": round(1 / ratio(got[f"{kind}_large"], got[f"{kind}_small"]), 3),
                }
            res[f"{be}_scale_peak_mib"] = s_large.peak_mib()
            check_clean(problems, got)
        finally:
            s_small.stop()
            s_large.stop()

    # 2. Availability page ÷ the same bytes as a static file (and the peer's slots endpoint).
    peer = None
    if not o.no_peer:
        peer = start_peer()
    try:
        for be in backends:
            db = dbs[(be, "large")]
            log(f"availability vs static, {be} at scale {large}")
            lines = prepare(db, 60, None)
            zone_kind = dict((str(a), b) for a, b in db.sql("SELECT id, kind FROM zones"))
            token = next(t for t, c in lines if zone_kind[c.split(":")[0]] == "legal")
            probe = onestop(f"{be}-probe", db)
            page = urllib.request.urlopen(f"{probe.base}/apply/{token}/book").read()
            probe.stop()
            page_file = os.path.join(WORK, "availability.html")
            with open(page_file, "wb") as f:
                f.write(page)
            srv = onestop(f"{be}-avail", db, ["bench", "serve", "--static-file", page_file])
            try:
                url = f"{srv.base}/apply/{token}/book"
                named = [("availability", lambda: wrk(url, secs)),
                         ("static", lambda: wrk(srv.base + "/bench/static.html", secs))]
                if peer and be == "sqlite":
                    named.append(("peer_slots", lambda: wrk(peer.base, secs, script=os.path.join(ROOT, "bench/peer/slots.lua"))))
                srv.reset_peak()
                got = alternate(rounds, named)
                peak = srv.peak_mib()
                a = summary(got["availability"])
                half = hey_at(url, secs * 2, a["rps"] / 2)
                r = {"availability": a, "static": summary(got["static"]), "ratio": ratio(got["availability"], got["static"]),
                     "page_bytes": len(page), "peak_mib": peak, "half_load": half,
                     "half_load_p99_over_p50": round(half["p99"] / half["p50"], 2)}
                if "peer_slots" in got:
                    r["peer_slots"] = summary(got["peer_slots"])
                    r["vs_peer"] = ratio(got["availability"], got["peer_slots"])
                    r["peer_peak_mib"] = peer.peak_mib()
                res[f"{be}_availability"] = r
                check_clean(problems, {k: v for k, v in got.items() if k != "peer_slots"})
            finally:
                srv.stop()

        # 3. Reservation POST (distinct seats) ÷ the same transaction in a loop, per backend.
        for be in backends:
            db = dbs[(be, "small")]
            log(f"reservations, {be}")
            per_run = 3000 * secs
            runs = rounds * 2
            lines = prepare(db, per_run * runs, 40)
            req_file = os.path.join(WORK, f"reserve-{be}.txt")
            csrf = json.load(open(req_file + ".json"))
            srv = onestop(f"{be}-reserve", db)
            slices = iter(range(runs))
            reserved = lambda: int(db.sql("SELECT COUNT(*) FROM cases WHERE status = 'reserved'")[0][0])

            def http_run():
                k = next(slices)
                before = reserved()
                r = wrk(srv.base, secs, conns=16, script=os.path.join(ROOT, "bench/reserve.lua"),
                        args=[req_file, k * per_run, per_run, csrf["cookie"], csrf["csrf"]])
                time.sleep(0.5)  # requests in flight at the end finish
                sent = int(re.search(r"sent (\d+) of", r["raw"]).group(1))
                r["committed"] = reserved() - before
                r["sent"] = sent
                r["rps"] = r["committed"] / secs
                if sent >= per_run:
                    problems.append(f"{be}: the reservation slice ran out ({sent}); prepare more")
                if r["committed"] < sent - 16 or r["committed"] > sent:
                    problems.append(f"{be}: {sent} reservations sent, {r['committed']} committed")
                return r

            def loop_run():
                k = next(slices)
                out = run(["taskset", "-c", SERVER_CPU, BIN, *db.args(), "bench", "reserve-loop", "--requests", req_file,
                           "--skip", str(k * per_run), "--seconds", str(secs), "--threads", "16"])
                j = json.loads(out)
                if j["refused"]:
                    problems.append(f"{be}: the loop was refused {j['refused']} reservation(s)")
                return {"rps": j["per_second"], "p50": 0, "p99": 0, "reserved": j["reserved"]}

            named = [("http", http_run), ("loop", loop_run)]
            peer_lines = None
            if peer and be == "sqlite":
                peer_lines = os.path.join(WORK, "peer-book.tsv")
                run([peer.python, os.path.join(ROOT, "bench/peer/prepare_bookings.py"), peer.work, peer_lines,
                     "--count", str(400 * secs * rounds)])
                named.append(("peer_book", lambda: peer_book(peer, secs, peer_lines)))
            try:
                srv.reset_peak()
                got = alternate(rounds, named)
                # Seats: no live seat held twice, none over the slot's capacity.
                over = db.sql(
                    "SELECT COUNT(*) FROM (SELECT zone_id, starts_at, seat_no FROM appointments WHERE status <> 'cancelled' "
                    "GROUP BY zone_id, starts_at, seat_no HAVING COUNT(*) > 1) x")[0][0]
                r = {"http": summary(got["http"]), "loop": {"rps": round(med([x["rps"] for x in got["loop"]]), 1)},
                     "ratio": ratio(got["http"], got["loop"]), "peak_mib": srv.peak_mib(),
                     "seats_held_twice": int(over)}
                if int(over):
                    problems.append(f"{be}: {over} seat(s) held twice")
                if "peer_book" in got:
                    r["peer_book"] = {"rps": round(med([x["rps"] for x in got["peer_book"]]), 1)}
                    r["vs_peer"] = ratio(got["http"], got["peer_book"])
                res[f"{be}_reserve"] = r
            finally:
                srv.stop()
        if peer:
            out = run([os.path.join(ROOT, "bench/peer/double_book.sh"), peer.venv, peer.work, str(peer.port)])
            res["peer_double_booking"] = json.loads(out.strip().splitlines()[-1])
    finally:
        if peer:
            peer.stop()

    res["problems"] = problems
    write(res)
    if problems:
        log("PROBLEMS:\n  " + "\n  ".join(problems))
        sys.exit(1)


def check_clean(problems, got):
    for name, rs in got.items():
        for r in rs:
            if r.get("bad") or r.get("errors"):
                problems.append(f"{name}: {r['bad']} non-2xx/3xx answers, {r['errors']} socket errors")


def prepare(db, n, seats):
    out_file = os.path.join(WORK, f"reserve-{db.backend}.txt")
    cmd = [BIN, *db.args(), "bench", "prepare", "--cases", str(n), "--out", out_file]
    if seats:
        cmd += ["--seats", str(seats)]
    meta = run(cmd)
    with open(out_file + ".json", "w") as f:
        f.write(meta)
    with open(out_file) as f:
        return [tuple(line.split()) for line in f]


class Peer(Server):
    pass


def start_peer():
    venv, work = os.path.join(WORK, "peer-venv"), os.path.join(WORK, "peer-work")
    log("peer: django-appointment (bench/peer/setup.sh)")
    run([os.path.join(ROOT, "bench/peer/setup.sh"), venv, work, "--fresh-db"])
    port = free_port()
    p = Server("peer", [os.path.join(ROOT, "bench/peer/serve.sh"), venv, work, str(port)], port, ready="/appointment/")
    p.venv, p.work, p.python = venv, work, os.path.join(venv, "bin", "python")
    return p


def peer_book(peer, secs, lines):
    """The peer's bookings per second (two POSTs each), from book.lua's own count."""
    r = wrk(peer.base, secs, conns=16, script=os.path.join(ROOT, "bench/peer/book.lua"), args=[lines])
    m = re.search(r"= ([\d.]+) bookings/sec", r["raw"])
    r["rps"] = float(m.group(1)) if m else 0.0
    return r


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 1024 / 1024, 1),
            "kernel": platform.release(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "commit": run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()}


def write(res, save=True):
    public = {k: ({kk: vv for kk, vv in v.items() if kk != "accounts"} if isinstance(v, dict) else v)
              for k, v in res.items()}
    if save:
        with open(os.path.join(WORK, "results.json"), "w") as f:
            json.dump(public, f, indent=2, default=str)
    lines = [f"Measured {res['machine']['date']} on {res['machine']['cpu']} ({res['machine']['cores']} cores, "
             f"{res['machine']['memory_gib']} GiB), commit {res['machine']['commit']}; {res['rounds']} rounds of "
             f"{res['seconds']} s each, A and B alternating, medians. Server on core {SERVER_CPU}, load on core {LOAD_CPU}.",
             "", "| measure | A | B | A ÷ B | target |", "|---|---|---|---|---|"]

    def rate(s):
        return f"{s['rps']:.0f}/s, p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms"

    for be in ("sqlite", "postgres"):
        if f"{be}_availability" in res:
            a = res[f"{be}_availability"]
            lines.append(f"| availability page ({be}, {a['page_bytes']} bytes) vs the same bytes as a static file; "
                         f"server peak {a['peak_mib']:.1f} MiB | "
                         f"{rate(a['availability'])} | {rate(a['static'])} | {a['ratio']:.2f} | ≥ 0.3 |")
            h = a["half_load"]
            lines.append(f"| availability at half its throughput ({be}; {h['rps']:.0f}/s) | p50 {h['p50']:.2f} ms | "
                         f"p99 {h['p99']:.2f} ms | p99 ÷ p50 = {a['half_load_p99_over_p50']:.2f} | ≤ 5 |")
            if "vs_peer" in a:
                lines.append(f"| availability page vs django-appointment's available-slots (SQLite) | "
                             f"{rate(a['availability'])} | {rate(a['peer_slots'])} | {a['vs_peer']:.1f} | ≥ 10 |")
        if f"{be}_reserve" in res:
            r = res[f"{be}_reserve"]
            lines.append(f"| reservation POST, distinct seats ({be}) vs the same transaction in a loop without HTTP "
                         f"(16 threads); server peak {r['peak_mib']:.1f} MiB | "
                         f"{r['http']['rps']:.0f} commits/s, p50 {r['http']['p50_ms']:.2f} ms, p99 {r['http']['p99_ms']:.2f} ms | "
                         f"{r['loop']['rps']:.0f} commits/s | {r['ratio']:.2f} | ≥ 0.5 |")
            if "vs_peer" in r:
                lines.append(f"| reservation vs django-appointment's booking flow (SQLite) | {r['http']['rps']:.0f}/s | "
                             f"{r['peer_book']['rps']:.0f} bookings/s | {r['vs_peer']:.1f} | ≥ 10 |")
        for kind, label in (("queue", "expert queue page"), ("report", "national report page")):
            if f"{be}_{kind}" in res:
                q = res[f"{be}_{kind}"]
                peak = res.get(f"{be}_scale_peak_mib", 0)
                lines.append(f"| {label} ({be}): scale {res['scales'][1]} vs scale {res['scales'][0]}; "
                             f"server peak {peak:.1f} MiB | {rate(q['large'])} | "
                             f"{rate(q['small'])} | cost × {q['growth']:.2f} | ≤ 1.5 |")
    mems = [(k, v) for k, v in res.items() if isinstance(v, dict) and "peak_mib" in v]
    peak = max([v["peak_mib"] for _, v in mems] + [v for k, v in res.items() if k.endswith("_peak_mib")] or [0])
    lines.append(f"| server peak memory under load (largest of all runs) | {peak:.1f} MiB | | | ≤ 64 MiB |")
    if "peer_double_booking" in res:
        d = res["peer_double_booking"]
        lines.append(f"| peer double-books one seat under concurrent load? | {'yes' if d.get('double_booked') else 'no'} | "
                     f"{json.dumps(d, ensure_ascii=False)} | | onestop: never (tests/api/booking.rs) |")
    for be in ("sqlite", "postgres"):
        for size in ("small", "large"):
            if f"{be}_{size}" in res:
                m = res[f"{be}_{size}"]
                lines.append(f"\n{be} scale {m['scale']}: {m['appointments']} appointments — {m['summary']}")
    text = "\n".join(lines) + "\n"
    if save:
        with open(os.path.join(WORK, "results.md"), "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
