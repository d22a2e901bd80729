"""Photos of cases: the type is decided by the content (not the name), the size is bounded,
and the stored file is re-encoded from its pixels, so no EXIF (camera, time, location) leaves
with it. The location the phone recorded is read first and kept in the photo's own fields."""

from __future__ import annotations

import io
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongzhi.accounts import scoping

from .models import CASE_ROLES, Case, CaseEvent, CasePhoto

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
GPS_IFD = 0x8825
# Who adds photos: those who report, handle or check a case on the ground or at the desk; not the
# leader, whose part is reading overviews (and pressing: supervise, urge).
PHOTO_ROLES = CASE_ROLES - {"leader"}


class PhotoError(ValueError):
    """A file that is not an acceptable photo; says why."""


def _degrees(values, ref) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if ref in ("S", "W", b"S", b"W") else value


def location(image: Image.Image) -> tuple[float | None, float | None]:
    """(lon, lat) from the photo's EXIF GPS block, if it has one."""
    gps = image.getexif().get_ifd(GPS_IFD)
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat, lon = _degrees(gps[2], gps.get(1)), _degrees(gps[4], gps.get(3))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lon, lat


def clean(data: bytes) -> tuple[bytes, str, tuple[int, int], tuple[float | None, float | None]]:
    """(re-encoded bytes, format, size, (lon, lat)) or PhotoError."""
    if len(data) > settings.GONGZHI_PHOTO_MAX_BYTES:
        raise PhotoError(_("照片过大（上限%(mb)s MB）") % {"mb": settings.GONGZHI_PHOTO_MAX_BYTES // 1048576})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise PhotoError(_("不是可识别的图片（支持JPEG、PNG、WebP）")) from exc
    if image.format not in FORMATS:
        raise PhotoError(_("不支持的图片格式%(f)s（支持JPEG、PNG、WebP）") % {"f": image.format})
    fmt = image.format
    where = location(image)
    image = ImageOps.exif_transpose(image)  # keep the picture upright once the orientation tag is gone
    image.thumbnail((settings.GONGZHI_PHOTO_MAX_SIDE, settings.GONGZHI_PHOTO_MAX_SIDE))
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue(), fmt, image.size, where


def attach(*, actor: Any, case: Case, data: bytes) -> CasePhoto:
    """Adds a photo to a case in the actor's scope (404 otherwise), for PHOTO_ROLES (403 otherwise)."""
    if not scoping.roles(actor) & PHOTO_ROLES:
        raise PermissionDenied
    cleaned, fmt, (width, height), (lon, lat) = clean(data)
    content_type, extension = FORMATS[fmt]
    with transaction.atomic():
        case = scoping.get_in_scope_or_404(Case, actor, pk=case.pk)
        photo = CasePhoto(case=case, content_type=content_type, width=width, height=height, taken_lon=lon,
                          taken_lat=lat, uploaded_by=actor)
        photo.image.save(f"{secrets.token_hex(12)}.{extension}", ContentFile(cleaned), save=False)
        photo.save()
        CaseEvent.objects.create(case=case, at=timezone.now(), actor=actor, actor_name=actor.get_username(),
                                 action="photo", from_state=case.state, to_state=case.state,
                                 data={"photo": photo.pk})
    return photo
