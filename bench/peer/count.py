"""Count what the peer holds: appointments, appointment requests, and double bookings.

    bench/peer/count.py VENV_DIR WORK_DIR [--date YYYY-MM-DD --start HH:MM]

(Re-executes itself with VENV_DIR's python, so any python3 can start it.) Prints one JSON object:
  appointments              Appointment rows (= completed bookings)
  appointment_requests      AppointmentRequest rows (step 1 of the flow, with or without step 2)
  requests_without_appointment
  double_booked_slots       (staff member, date) groups of mutually overlapping appointments with more
                            than one appointment, i.e. times at which one staff member (one seat) has
                            several appointments
  excess_appointments       appointments beyond the first in each such group (0 = no double booking)
  overlapping_pairs         pairs of appointments of the same staff member whose times overlap
  max_per_slot              most appointments sharing one overlap group
  slot                      with --date/--start: the appointments starting at that time for the staff
Overlap means start_a < end_b and start_b < end_a (touching hours 10-11 and 11-12 do not overlap).
"""
import os
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
venv_python = os.path.join(sys.argv[1], "bin", "python")
if os.path.realpath(sys.prefix) != os.path.realpath(sys.argv[1]) and not os.environ.get("PEER_COUNT_REEXEC"):
    os.environ["PEER_COUNT_REEXEC"] = "1"
    os.execv(venv_python, [venv_python, os.path.abspath(__file__)] + sys.argv[1:])

import argparse  # noqa: E402
import json  # noqa: E402
from collections import defaultdict  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _peerdjango  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("venv_dir")
ap.add_argument("work_dir")
ap.add_argument("--date")
ap.add_argument("--start")
args = ap.parse_args()

_peerdjango.setup(args.work_dir)

from appointment.models import Appointment, AppointmentRequest  # noqa: E402

rows = list(Appointment.objects.values_list(
    "id", "appointment_request__staff_member_id", "appointment_request__date",
    "appointment_request__start_time", "appointment_request__end_time"))

by_day = defaultdict(list)
for _id, staff, day, t0, t1 in rows:
    by_day[(staff, day)].append((t0, t1, _id))

double_booked = excess = pairs = 0
max_per = 1 if rows else 0
for items in by_day.values():
    items.sort()
    # pairs of overlapping intervals
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if items[j][0] >= items[i][1]:
                break
            pairs += 1
    # groups of mutually connected overlaps
    group, group_end = [], None
    for t0, t1, _id in items + [(None, None, None)]:
        if t0 is not None and group and t0 < group_end:
            group.append(_id)
            group_end = max(group_end, t1)
            continue
        if len(group) > 1:
            double_booked += 1
            excess += len(group) - 1
            max_per = max(max_per, len(group))
        group, group_end = ([_id], t1) if t0 is not None else ([], None)

n_req = AppointmentRequest.objects.count()
out = {
    "appointments": len(rows),
    "appointment_requests": n_req,
    "requests_without_appointment": AppointmentRequest.objects.filter(appointment__isnull=True).count(),
    "double_booked_slots": double_booked,
    "excess_appointments": excess,
    "overlapping_pairs": pairs,
    "max_per_slot": max_per,
}
if args.date and args.start:
    qs = Appointment.objects.filter(appointment_request__date=args.date,
                                    appointment_request__start_time=args.start)
    out["slot"] = {"date": args.date, "start": args.start, "appointments": qs.count(),
                   "appointment_requests": AppointmentRequest.objects.filter(
                       date=args.date, start_time=args.start).count()}
_peerdjango.emit(json.dumps(out))
