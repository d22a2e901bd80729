"""Form fields that the pages above cases share (the portal's report, the workbench's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from .photos import ACCEPT, Budget, PhotoError, clean_upload


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to `max_count` photos from one input, each through photos.clean, their pixels together
    within one photos.Budget: the cleaned value is the list of photos.Cleaned (empty when none
    was chosen). A bad file is named with its reason, and any bad file refuses them all, so the
    caller files nothing."""

    def __init__(self, *, max_count: int, **kwargs):
        self.max_count = max_count
        kwargs.setdefault("widget", PhotosInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > self.max_count:
            raise forms.ValidationError(_("最多上传%(n)s张照片") % {"n": self.max_count})
        cleaned, problems, budget = [], [], Budget()
        for upload in uploads:
            try:
                cleaned.append(clean_upload(upload, budget))
            except PhotoError as exc:
                problems.append(_("%(name)s：%(why)s") % {"name": upload.name, "why": exc})
        if problems:
            raise forms.ValidationError(problems)
        return cleaned
