"""Seed the peer with a schedule equivalent to one onestop zone: one service ("legal consultation",
60 minutes, free), one staff member offering it, working Monday-Friday 10:00-17:00 with 60-minute
slots (seven bookable starts a day, 10:00 ... 16:00), plus the package's global Config.

Idempotent. Usage: VENV/bin/python bench/peer/seed.py WORK_DIR   (prints the ids as JSON)
"""
import datetime
import json
import sys

import _peerdjango

_peerdjango.setup(sys.argv[1])

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from appointment.models import Config, Service, StaffMember, WorkingHours  # noqa: E402

T10, T17 = datetime.time(10, 0), datetime.time(17, 0)

with transaction.atomic():
    cfg = Config.get_instance()
    cfg.slot_duration = 60
    cfg.lead_time = T10
    cfg.finish_time = T17
    cfg.appointment_buffer_time = 0
    cfg.website_name = "Peer bench"
    cfg.save()

    service, _ = Service.objects.update_or_create(
        name="legal consultation",
        defaults=dict(duration=datetime.timedelta(minutes=60), price=0, down_payment=0, currency="KRW",
                      description="Equivalent of one onestop zone (legal), 60-minute slots, one seat."),
    )

    User = get_user_model()
    staff_user, created = User.objects.get_or_create(
        username="staff-legal",
        defaults=dict(email="staff-legal@peer.example", first_name="Legal", last_name="Expert", is_staff=True),
    )
    if created:
        staff_user.set_unusable_password()
        staff_user.save()

    staff, _ = StaffMember.objects.update_or_create(
        user=staff_user,
        defaults=dict(slot_duration=60, lead_time=T10, finish_time=T17, appointment_buffer_time=0,
                      work_on_saturday=False, work_on_sunday=False),
    )
    staff.services_offered.set([service])

    for day in (1, 2, 3, 4, 5):  # the package numbers days 0=Sunday ... 6=Saturday
        WorkingHours.objects.update_or_create(staff_member=staff, day_of_week=day,
                                              defaults=dict(start_time=T10, end_time=T17))
    WorkingHours.objects.filter(staff_member=staff, day_of_week__in=(0, 6)).delete()

_peerdjango.emit(json.dumps({"service_id": service.id, "staff_member_id": staff.id, "config_id": cfg.pk}))
