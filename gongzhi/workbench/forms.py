"""The grid worker's report from the phone: what, where (the phone's location, a tap on the
map, or an address) and photos from the camera. Each field is checked here; what makes a case
stays in cases.intake, what makes a photo in cases.photos."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gongzhi.cases import categories, photos

MAX_PHOTOS = 6


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern): a list, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class PatrolReportForm(forms.Form):
    category = forms.ChoiceField(label=_lazy("事件类型"))
    description = forms.CharField(label=_lazy("事件描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_lazy("现场照片（可拍照，最多6张）"), required=False, widget=MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}))
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    address = forms.CharField(label=_lazy("地址（无法定位时填写）"), max_length=200, required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _lazy("请选择")), *categories.choices()]

    def clean_photos(self) -> list[bytes]:
        """Every chosen file read and checked as a photo; the errors name the file."""
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传%(n)s张照片") % {"n": MAX_PHOTOS})
        chosen, problems = [], []
        for upload in files:
            if upload.size > settings.GONGZHI_PHOTO_MAX_BYTES:
                problems.append(_("“%(name)s”过大（上限%(mb)s MB）") % {
                    "name": upload.name, "mb": settings.GONGZHI_PHOTO_MAX_BYTES // 1048576})
                continue
            data = upload.read()
            try:
                photos.clean(data)
            except photos.PhotoError as exc:
                problems.append(f"“{upload.name}”：{exc}")
                continue
            chosen.append(data)
        if problems:
            raise forms.ValidationError([*problems, _("请重新选择照片（浏览器不保留已选的文件）")])
        return chosen

    def clean(self):
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not (data.get("address") or "").strip():
            self.add_error("address", _("请定位、在地图上点选位置，或填写地址"))
        return data
