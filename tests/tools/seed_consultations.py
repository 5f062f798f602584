"""Writes tests/data/seed_2015_consultations.csv: consultation records for the 17 centers whose
national totals are exactly the ministry's one-stop table of the 2015-07-22 press release
(../shared/seed/press-release-2015-07-22-ko.txt):

            legal   finance (cases / 억원 executed)   IP (cases / patents transferred)
  5.31.      95      165 / 32                          195 / 128
  7.17.     208      290 / 111.05                      467 / 142

Deterministic (a fixed seed); run `python3 tests/tools/seed_consultations.py` to rewrite it.
"""

import csv
import datetime
import os
import random

CENTERS = ["seoul", "busan", "daegu", "incheon", "gwangju", "daejeon", "ulsan", "sejong", "gyeonggi",
           "gangwon", "chungbuk", "chungnam", "jeonbuk", "jeonnam", "gyeongbuk", "gyeongnam", "jeju"]
INSTITUTIONS = ["kodit", "kibo", "kdb", "ibk"]
rng = random.Random(20150722)


def days(start, end):
    d0, d1 = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    return [d0 + datetime.timedelta(n) for n in range((d1 - d0).days + 1)]


def split(total, parts):
    """`total` as `parts` non-negative integers."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def period(start, end, legal, finance, finance_won, ip, patents):
    rows = []
    when = days(start, end)
    for _ in range(legal):
        rows.append(dict(zone="legal", consulted_on=rng.choice(when)))
    # Executed amounts: spread over about half of the finance consultations.
    won_parts = split(finance_won // 1_000_000, max(1, finance // 2))
    for i in range(finance):
        won = won_parts[i] * 1_000_000 if i < len(won_parts) else None
        rows.append(dict(zone="finance", consulted_on=rng.choice(when), institution=rng.choice(INSTITUTIONS),
                         executed_won=won))
    patent_parts = split(patents, ip)
    for i in range(ip):
        rows.append(dict(zone="ip", consulted_on=rng.choice(when), patents_transferred=patent_parts[i]))
    return rows


rows = period("2015-03-02", "2015-05-31", 95, 165, 3_200_000_000, 195, 128)
rows += period("2015-06-01", "2015-07-17", 208 - 95, 290 - 165, 11_105_000_000 - 3_200_000_000, 467 - 195, 142 - 128)
rng.shuffle(rows)
out = os.path.join(os.path.dirname(__file__), "..", "data", "seed_2015_consultations.csv")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["center", "zone", "consulted_on", "company", "brn", "institution", "executed_won", "executed_on",
                "patents_transferred"])
    for n, r in enumerate(rows, 1):
        won = r.get("executed_won")
        w.writerow([rng.choice(CENTERS), r["zone"], r["consulted_on"].isoformat(), "기업 %04d" % n, "",
                    r.get("institution", ""), "" if won is None else won, "",
                    r.get("patents_transferred", "")])
print("wrote %d records to %s" % (len(rows), out))
