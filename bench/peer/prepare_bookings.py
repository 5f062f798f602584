"""Prepare the input of book.lua: N booking attempts, each with its own client account and a
ready, logged-in session, and (by default) each for a DIFFERENT free slot.

    VENV/bin/python bench/peer/prepare_bookings.py WORK_DIR OUT_FILE [--count N] [--start-days D]
                                                   [--same-slot]

What it does, directly in the peer's database (not over HTTP):
  * creates N client users (username bench-<run>-<i>, passwordless like the package's own
    create_new_user) and one Django session per user holding a login for it, so every booking is
    made by a distinct signed-in client (the package's one-POST-per-step path for signed-in users;
    an anonymous client would need an e-mailed verification code, see README);
  * picks N free slots: weekdays Mon-Fri, starts 10:00..16:00, 60 minutes, for the seeded staff
    member, from today+D days (default 35) or from the day after the last date already holding an
    appointment request, whichever is later, so reruns never reuse a slot;
  * with --same-slot, all N lines get the SAME (first free) slot: input for double_book.sh.

One line per attempt, tab-separated:
  sessionid  csrftoken  staff_member_id  service_id  date  start_time  end_time
The CSRF secret is one random 32-character value for the whole file; book.lua sends it both as the
csrftoken cookie and as the csrfmiddlewaretoken field (Django accepts an unmasked secret).
Prints a JSON summary (first/last slot) on stdout.
"""
import argparse
import datetime
import json
import secrets
import string
import sys

import _peerdjango

ap = argparse.ArgumentParser()
ap.add_argument("work_dir")
ap.add_argument("out")
ap.add_argument("--count", type=int, default=3000)
ap.add_argument("--start-days", type=int, default=35)
ap.add_argument("--same-slot", action="store_true")
args = ap.parse_args()

_peerdjango.setup(args.work_dir)

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from appointment.models import AppointmentRequest, Service, StaffMember  # noqa: E402

service = Service.objects.get(name="legal consultation")
staff = StaffMember.objects.get(user__username="staff-legal")

start = timezone.localdate() + datetime.timedelta(days=args.start_days)
last = AppointmentRequest.objects.filter(staff_member=staff).aggregate(m=Max("date"))["m"]
if last is not None and last >= start:
    start = last + datetime.timedelta(days=1)


def free_slots():
    day = start
    while True:
        if day.weekday() < 5:  # Monday..Friday
            for hour in range(10, 17):
                yield day, datetime.time(hour, 0), datetime.time(hour + 1, 0)
        day += datetime.timedelta(days=1)


gen = free_slots()
if args.same_slot:
    one = next(gen)
    slots = [one] * args.count
else:
    slots = [next(gen) for _ in range(args.count)]

alphabet = string.ascii_letters + string.digits
csrf = "".join(secrets.choice(alphabet) for _ in range(32))
run = secrets.token_hex(4)
User = get_user_model()
backend = "django.contrib.auth.backends.ModelBackend"

with transaction.atomic():
    users = User.objects.bulk_create([
        User(username=f"bench-{run}-{i}", email=f"bench-{run}-{i}@peer.example", first_name="Bench",
             last_name=f"Client {i}", password=make_password(None))
        for i in range(args.count)
    ])
    lines = []
    for user, (day, t0, t1) in zip(users, slots):
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = backend
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        lines.append("\t".join([s.session_key, csrf, str(staff.id), str(service.id), day.isoformat(),
                                t0.strftime("%H:%M"), t1.strftime("%H:%M")]))

with open(args.out, "w") as f:
    f.write("\n".join(lines) + "\n")

_peerdjango.emit(json.dumps({
    "file": args.out, "count": len(lines), "same_slot": args.same_slot,
    "first": f"{slots[0][0]} {slots[0][1]:%H:%M}", "last": f"{slots[-1][0]} {slots[-1][1]:%H:%M}",
}))
