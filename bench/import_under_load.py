#!/usr/bin/env python3
"""A large records import through the staff page while applicants keep starting drafts.

Issue 14 item 10: a 9.8 MB import used to hold SQLite's write lock for 12 s; a draft started
meanwhile waited 10 s and got a 500. This starts the release binary on a fresh database with the
demo, signs in as the Gyeongnam staff member, uploads a records file of ROWS rows (≤ 10 MB, the
page's limit) and, from a second thread, starts drafts (GET the form, POST it) for as long as the
upload runs. It prints how long the import took, the drafts' statuses and their slowest and
median times, and the server's peak memory.

    cargo build --release && bench/import_under_load.py [--rows 200000] [--postgres]
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
import http.cookiejar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BIN, WORK, Db, log, onestop  # noqa: E402


def records(rows):
    first = datetime.date(2025, 1, 1)
    out = ["center,zone,consulted_on,company,brn,institution,executed_won,executed_on,patents_transferred"]
    for i in range(rows):
        day = first + datetime.timedelta(days=i % 365)
        zone, outcome = [("legal", ",,,"), ("finance", f"KODIT,{(i % 7) * 10_000_000},,"), ("ip", f",,,{i % 2}")][i % 3]
        out.append(f"gyeongnam,{zone},{day},C{i},,{outcome}")
    return ("\n".join(out) + "\n").encode()


def opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                       NoRedirect())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def status_of(op, req, data=None):
    try:
        with op.open(req, data, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def csrf(html):
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--postgres", action="store_true")
    o = p.parse_args()
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    os.makedirs(WORK, exist_ok=True)
    db = Db("postgres" if o.postgres else "sqlite", "import")
    # The demo at the smallest scale: centers, zones, schedules and the accounts (with passwords).
    accounts = db.create(1, reuse=False)["accounts"]
    srv = onestop("import", db, env={"ONESTOP_DRAFTS_PER_HOUR": "100000"})
    try:
        staff = opener()
        _, page = status_of(staff, srv.base + "/staff/login")
        body = urllib.parse.urlencode({"email": "staff@gyeongnam.example",
                                       "password": accounts["staff@gyeongnam.example"], "_csrf": csrf(page)})
        code, _ = status_of(staff, srv.base + "/staff/login", body.encode())
        assert code == 303, f"sign-in answered {code}"
        _, reports = status_of(staff, srv.base + "/staff/reports")
        action = re.search(r'<form[^>]+action="(/staff/reports/import[^"]*)"', reports).group(1).replace("&amp;", "&")
        data = records(o.rows)
        boundary = "----onestopbench"
        upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n"
                  f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        log(f"records file: {o.rows} rows, {len(data) / 1e6:.1f} MB")

        drafts, stop = [], threading.Event()

        def applicant():
            while not stop.is_set():
                op = opener()
                t = time.monotonic()
                _, form = status_of(op, srv.base + "/centers/gyeongnam/apply")
                key = re.search(r'name="key" value="([^"]+)"', form).group(1)
                code, _ = status_of(op, srv.base + "/centers/gyeongnam/apply",
                                    urllib.parse.urlencode({"_csrf": csrf(form), "key": key}).encode())
                drafts.append((code, time.monotonic() - t))

        srv.reset_peak()
        th = threading.Thread(target=applicant)
        th.start()
        t = time.monotonic()
        req = urllib.request.Request(srv.base + action, upload,
                                     {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        code, page = status_of(staff, req)
        took = time.monotonic() - t
        stop.set()
        th.join()
        done = re.search(r'role="status"><p>([^<]+)</p>', page)
        log(f"import: HTTP {code} in {took:.1f} s — {done.group(1) if done else page[:200]}")
        codes = {}
        for c, _ in drafts:
            codes[c] = codes.get(c, 0) + 1
        times = sorted(d for _, d in drafts)
        log(f"drafts during the import: {len(drafts)}, statuses {codes}, "
            f"median {statistics.median(times) * 1000:.0f} ms, slowest {times[-1] * 1000:.0f} ms")
        log(f"server peak memory during the import: {srv.peak_mib()} MiB")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
