"""The entered days of the working calendar. The table keeps the name it had under `cases`
(migration `workcalendar.0001` took the model over without touching its rows)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarDay(models.Model):
    """A day whose status the State Council's holiday notice decides: a holiday on a weekday or
    a working day on a weekend (调休). Entered here for years the bundled calendar does not know
    yet; an entry here overrides the bundled calendar."""

    scope_exempt = "the working calendar: one for the installation"

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        db_table = "cases_calendarday"
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = pgettext_lazy("plural", "节假日调整")

    def __str__(self) -> str:
        state = _("上班") if self.is_workday else _("休息")
        return f"{self.date} {state} {self.note}"
