"""居务公开 on the public portal: every published disclosure of the portal's communities (one
community's when chosen), newest first, each with its date; a correction shows beside the one it
corrects, and both stay. Reads deliberation.disclosures.public."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from gongzhi.deliberation import disclosures, funds
from gongzhi.deliberation.models import DisclosureKind

from . import places

PER_PAGE = 20


def disclosure_list(request):
    area = places.portal_area()
    community = places.community(request.GET.get("community", ""))
    rows = disclosures.public(community or area) if area is not None else []
    kind = request.GET.get("kind", "")
    if kind in DisclosureKind.values:
        rows = rows.filter(kind=kind)
    return render(request, "portal/disclosures.html", {
        "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")), "communities": places.communities(),
        "community": community, "kind": kind, "kinds": DisclosureKind.choices})


def disclosure_detail(request, pk: int):
    area = places.portal_area()
    row = disclosures.public(area).filter(pk=pk).first() if area is not None else None
    if row is None:
        raise Http404
    items = list(row.items.all())  # prefetched by public()
    return render(request, "portal/disclosure.html", {
        "disclosure": row, "correction": getattr(row, "correction", None), "items": items,
        "totals": funds.summed(items) if items else None})
