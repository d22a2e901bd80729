"""Forms of the register's pages. They parse and check the shape of input; the rules (ID check
digit, dates against residences, scope) stay in the services, whose refusals the views put back
on the field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PassportType, Relation, Residency, Tag, Tenure


class _Tagging(forms.Form):
    """A person's tags, offering only those the user may put on people (`tags`:
    registry.people.usable_tags), so a special group is chosen only by someone granted it."""

    tags = forms.ModelMultipleChoiceField(label=_("标签"), queryset=Tag.objects.all(), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tags=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tags is not None:
            self.fields["tags"].queryset = tags


class PersonForm(_Tagging):
    name = forms.CharField(label=_("姓名"), max_length=60)
    residency = forms.ChoiceField(label=_("人口类型"), choices=Residency.choices)
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    passport_type = forms.ChoiceField(label=_("证件类型"), choices=[("", "—"), *PassportType.choices], required=False)
    passport_number = forms.CharField(label=_("证件号码"), max_length=40, required=False,
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))
    nationality = forms.CharField(label=_("国籍"), max_length=3, required=False, help_text=_("ISO 3166 三位字母代码"))
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False)
    relation_to_head = forms.ChoiceField(label=_("与户主关系"), choices=[("", "—"), *Relation.choices],
                                         required=False)
    tenure = forms.ChoiceField(label=_("居住方式"), choices=Tenure.choices, initial=Tenure.OWN)
    since = forms.DateField(label=_("入住日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    phones = forms.CharField(label=_("联系电话"), required=False, help_text=_("多个用分号隔开"),
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    field_order = ["name", "residency", "id_number", "passport_type", "passport_number", "nationality", "ethnicity",
                   "relation_to_head", "tenure", "since", "phones", "tags"]


class PersonChangeForm(_Tagging):
    name = forms.CharField(label=_("姓名"), max_length=60)
    residency = forms.ChoiceField(label=_("人口类型"), choices=Residency.choices)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False)
    relation_to_head = forms.ChoiceField(label=_("与户主关系"), choices=[("", "—"), *Relation.choices],
                                         required=False)
    id_number = forms.CharField(label=_("更正身份证号"), max_length=20, required=False,
                                help_text=_("仅在登记有误时填写"), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    field_order = ["name", "residency", "ethnicity", "relation_to_head", "id_number", "tags"]


class LifeEventForm(forms.Form):
    EVENTS = [("move_in", _("迁入/变更住址")), ("move_out", _("迁出")), ("death", _("死亡"))]
    event = forms.ChoiceField(label=_("事项"), choices=EVENTS)
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label=_("新住址"), required=False, max_length=300,
                              help_text=_("迁入或变更住址时填写：标准地址编码或完整地址"))
    tenure = forms.ChoiceField(label=_("居住方式"), choices=Tenure.choices, initial=Tenure.OWN, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
