import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts import scoping
from gongzhi.accounts.admin_base import ScopedAdmin
from gongzhi.areas import coverage, exporters, importers
from gongzhi.areas.models import Area

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class AreaImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON或CSV文件"))
    geometry = forms.FileField(label=_("边界GeoJSON（CSV导入时可选）"), required=False)
    partial = forms.BooleanField(label=_("有错误时仍导入无误的部分"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（上限50MB）"))
        return upload


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ("code", "name", "short_name", "level", "grid_kind", "parent_code")
    list_filter = ("level", "grid_kind")
    search_fields = ("code", "name", "short_name")
    fields = ("code", "name", "short_name", "level", "parent", "grid_kind", "geometry")
    raw_id_fields = ("parent",)
    ordering = ("code",)
    show_full_result_count = False
    actions = ["export_geojson"]
    change_list_template = "admin/areas/area/change_list.html"

    @admin.display(description=_("上级"), ordering="parent_id")
    def parent_code(self, obj):
        return obj.parent_id or "-"

    def get_readonly_fields(self, request, obj=None):
        # A code is a key other records hang on; a changed code is a new area.
        return ("code", "level") if obj is not None else ()

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="areas_area_import"),
            path("coverage/", self.admin_site.admin_view(self.coverage_view), name="areas_area_coverage"),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("areas.add_area"):
            raise PermissionDenied
        report = None
        form = AreaImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            if upload.name.lower().endswith(".csv"):
                geometry = form.cleaned_data.get("geometry")
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = data.decode("gb18030", errors="replace")
                features, problems = importers.read_csv(text, geometry.read() if geometry else None)
            else:
                features, problems = importers.read_geojson(data)
            report = importers.import_areas(
                features, actor=request.user, partial=form.cleaned_data["partial"], read_problems=problems
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入区域和网格"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/areas/area/import.html", context)

    def coverage_view(self, request):
        if not request.user.has_perm("areas.view_area"):
            raise PermissionDenied
        within = request.GET.get("within", "")
        communities = scoping.scoped(Area, request.user)
        if within:
            communities = scoping.under(communities, within)
        context = {
            **self.admin_site.each_context(request),
            "title": _("网格覆盖检查"),
            "rows": coverage.coverage(communities),
            "within": within,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/areas/area/coverage.html", context)

    @admin.action(description=_("导出所选为GeoJSON"))
    def export_geojson(self, request, queryset):
        collection = exporters.feature_collection(scoping.restrict(queryset, request.user).order_by("code"))
        response = HttpResponse(json.dumps(collection, ensure_ascii=False), content_type="application/geo+json")
        response["Content-Disposition"] = 'attachment; filename="areas.geojson"'
        return response
