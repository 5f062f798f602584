"""Korean public holidays from the Python `holidays` package (an independent source), as JSON.

Usage: python3 tests/tools/kr_holidays.py 2015 2050 > tests/data/kr_holidays.json

One-off days (election days, temporary public holidays, the 2024 Armed Forces Day) are left out:
onestop treats them as closures a center enters, not as computed holidays.
"""
import json
import sys

import holidays

NAMES = {
    "New Year's Day": "new_year",
    "The day preceding Korean New Year": "seollal_eve",
    "Korean New Year": "seollal",
    "The second day of Korean New Year": "seollal_second",
    "Independence Movement Day": "independence",
    "Labor Day": "labor",
    "Children's Day": "children",
    "Buddha's Birthday": "buddha",
    "Memorial Day": "memorial",
    "Constitution Day": "constitution",
    "Liberation Day": "liberation",
    "The day preceding Chuseok": "chuseok_eve",
    "Chuseok": "chuseok",
    "The second day of Chuseok": "chuseok_second",
    "National Foundation Day": "foundation",
    "Hangul Day": "hangul",
    "Christmas Day": "christmas",
}
ONE_OFF = ("Election Day", "Temporary Public Holiday", "Armed Forces Day")

first, last = int(sys.argv[1]), int(sys.argv[2])
out = {}
for day, name in sorted(holidays.KR(years=range(first, last + 1), language="en_US").items()):
    kinds = []
    for part in name.split("; "):
        if any(part.endswith(o) for o in ONE_OFF):
            continue
        kinds.append("substitute" if part.startswith("Alternative holiday") else NAMES[part])
    if kinds:
        out[day.isoformat()] = sorted(set(kinds))
json.dump({"source": f"holidays {holidays.__version__}", "holidays": out}, sys.stdout, indent=0, ensure_ascii=False)
