"""The resident's forms: a report and a rating. Every field is checked here; the rules on what
makes a case (a place in a grid, a leaf category) stay in cases.intake."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.cases import categories
from gongzhi.cases.forms import PhotosField
from gongzhi.cases.models import Satisfaction
from gongzhi.cases.photos import MAX_PER_REPORT


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类型"))
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("发生了什么、在哪个位置、持续多久"))
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    address = forms.CharField(label=_("地址"), max_length=200, required=False,
                              help_text=_("在地图上点选位置，或填写地址（如：桂溪路18号锦绣花园1栋）"))
    reporter_name = forms.CharField(label=_("称呼（可不填）"), max_length=60, required=False)
    reporter_phone = forms.CharField(label=_("手机号（可不填，便于回访和用手机号查询）"), max_length=20, required=False)
    photos = PhotosField(label=_("照片（可不填）"), required=False, max_count=MAX_PER_REPORT)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择")), *categories.choices()]
        self.fields["photos"].help_text = gettext("最多%(n)s张，JPEG、PNG或WebP格式；照片中的拍摄信息会被去除") % {
            "n": MAX_PER_REPORT}
        # A page shown again cannot hold the files chosen before: the browser drops them.
        self.photos_dropped = bool(self.files.getlist("photos"))

    def clean(self):
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not (data.get("address") or "").strip():
            self.add_error("address", _("请在地图上点选位置，或填写地址"))
        return data


class TrackForm(forms.Form):
    number = forms.CharField(label=_("事件编号"), max_length=20)
    code = forms.CharField(label=_("查询码或反映时留的手机号"), max_length=20)


class RateForm(forms.Form):
    number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    satisfaction = forms.ChoiceField(label=_("评价"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见（可不填）"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("在社区登记的手机号"), max_length=20)


class CodeForm(forms.Form):
    code = forms.RegexField(label=_("短信验证码"), regex=r"^\s*\d{6}\s*$", max_length=12,
                            error_messages={"invalid": _("验证码是6位数字")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class TopicForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200, help_text=_("一句话说明想和邻居们商量的事"))
    description = forms.CharField(label=_("说明"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("现状、原因、你的建议；议题及照片将在本社区公开"))
    photos = PhotosField(label=_("照片（可不填）"), required=False, max_count=MAX_PER_REPORT)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = gettext("最多%(n)s张，JPEG、PNG或WebP格式；照片中的拍摄信息会被去除") % {
            "n": MAX_PER_REPORT}
        self.photos_dropped = bool(self.files.getlist("photos"))  # the browser keeps no chosen files


class CommentForm(forms.Form):
    text = forms.CharField(label=_("我的意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
