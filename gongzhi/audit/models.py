"""The tamper-evident audit log: who did what, when, from where; append-only and hash-chained."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One recorded action. `hash` is an HMAC, under the audit key `key_id` names (kept outside the
    database: audit/signing.py), of every other field and the previous entry's hash, so an
    edited, deleted or reordered entry breaks the chain that `gongzhi audit verify` walks, and
    whoever can write the database but lacks the key cannot re-chain it.

    Entries are never updated or deleted through the ORM (save/delete refuse); retention pruning
    (`retention.prune`) removes the oldest part of the chain and records its own entry.
    """

    scope_exempt = "the audit log: the whole installation, read by the audit administrator"

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=100, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象ID"), max_length=100, blank=True)
    target_repr = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)
    ip = models.CharField(_("来源地址"), max_length=64, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(_("密钥"), max_length=20, blank=True)  # the audit key that made `hash`

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """The single row that holds the chain's tip; updating it first serialises writers. After
    retention pruning, `base_seq`/`base_hash` are the last pruned entry: the chain that remains
    starts by linking to it."""

    scope_exempt = "the audit chain's head, system state"

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
