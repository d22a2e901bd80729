"""The outbox: every notice is a row written in the same transaction as the change it tells
of, then delivered by a task; a failed send is retried with backoff and never holds up the
change itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.common.sealed import Sealed


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    scope_exempt = "a notice is read by its recipient alone"

    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("接收人"),
                                  db_index=False)  # notif_inbox starts with it (one index less to write)
    to = Sealed("phone", purpose="notifications.notification.to")  # a resident's phone, for SMS
    to_token = models.TextField(blank=True, editable=False)
    to_digest = models.CharField(max_length=64, blank=True, editable=False)
    to_masked = models.CharField(_("号码"), max_length=20, blank=True, editable=False)
    subject = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(_("已读"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_outbox"),
            models.Index(fields=["recipient", "read_at"], name="notif_inbox"),
        ]

    def __str__(self) -> str:
        return self.subject
