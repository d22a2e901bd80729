"""The grid worker's report from the phone: what, where (the phone's location, a tap on the
map, or an address) and photos from the camera. Each field is checked here; what makes a case
stays in cases.intake, what makes a photo in cases.photos (through cases.forms.PhotosField)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases import categories
from gongzhi.cases.forms import PhotosField, PhotosInput
from gongzhi.cases.photos import ACCEPT

MAX_PHOTOS = 6


class PatrolReportForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("事件类型"))
    description = forms.CharField(label=gettext_lazy("事件描述"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(max_count=MAX_PHOTOS, label=gettext_lazy("现场照片（可拍照，最多6张）"), required=False,
                         widget=PhotosInput(attrs={"accept": ACCEPT, "capture": "environment"}))
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    address = forms.CharField(label=gettext_lazy("地址（无法定位时填写）"), max_length=200, required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext_lazy("请选择")), *categories.choices()]
        # A page shown again cannot hold the files chosen before: the browser drops them.
        self.photos_dropped = bool(self.files.getlist("photos"))

    def clean(self):
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not (data.get("address") or "").strip():
            self.add_error("address", _("请定位、在地图上点选位置，或填写地址"))
        return data
