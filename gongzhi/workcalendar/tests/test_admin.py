"""The entered days are kept in the admin under the working calendar's own label: system
administrators add and delete them (audited, every process told to re-read), working roles
cannot, and the page is no longer under `cases`."""

import datetime as dt

from gongzhi.audit.models import AuditEntry
from gongzhi.conftest import sign_in
from gongzhi.workcalendar import workdays
from gongzhi.workcalendar.models import CalendarDay

PAGE = "/admin/workcalendar/calendarday/"


def test_a_system_administrator_enters_a_holiday_and_deadlines_see_it(client, cast):
    assert not workdays.known(2031)
    sign_in(client, cast.system_admin)
    assert client.get(PAGE).status_code == 200
    response = client.post(f"{PAGE}add/", {"date": "2031-01-01", "is_workday": "", "note": "元旦"})
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2031, 1, 1))
    assert workdays.known(2031) and not workdays.is_workday(day.date)
    entry = AuditEntry.objects.filter(action="workcalendar.calendarday.created").latest("seq")
    assert entry.target_id == str(day.pk)

    response = client.post(f"{PAGE}{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert not workdays.known(2031) and workdays.is_workday(dt.date(2031, 1, 1))  # a Wednesday
    assert AuditEntry.objects.filter(action="workcalendar.calendarday.deleted").exists()


def test_working_roles_do_not_keep_the_calendar(client, cast):
    sign_in(client, cast.dispatcher)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}add/", {"date": "2031-01-01", "note": "元旦"}).status_code == 403
    assert not CalendarDay.objects.exists()


def test_the_old_address_under_cases_is_gone(client, cast):
    sign_in(client, cast.system_admin)
    assert client.get("/admin/cases/calendarday/").status_code == 404
