"""Photos of cases: the type is decided by the content (not the name), the size is bounded,
and the stored file is re-encoded from its pixels, so no EXIF (camera, time, location) leaves
with it. The location the phone recorded is read first and kept in the photo's own fields.

Staff add photos to a case in their scope (`attach`); the photos sent with a report are stored by
`intake.report` in the case's own transaction (checked with `clean` beforehand, so a bad photo
files nothing, and a failure while storing them leaves no case and no file: `removed_on_failure`).

A photo's pixels are bounded before it is decoded (a small PNG may declare 13,000 × 13,000
pixels and decode to gigabytes): `clean` reads the size from the header and refuses more than
GONGZHI_PHOTO_MAX_PIXELS, and a `Budget` refuses more than GONGZHI_PHOTO_MAX_REQUEST_PIXELS for
all photos of one request. Pillow's own bound (`Image.MAX_IMAGE_PIXELS`) is set to the same
limit at start-up (`pillow_bound`), so nothing decodes beyond it even outside `clean`."""

from __future__ import annotations

import io
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

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
ACCEPT = ",".join(content_type for content_type, _extension in FORMATS.values())  # a file input's accept=
GPS_IFD = 0x8825
# Who adds photos: those who report, handle or check a case on the ground or at the desk; not the
# leader, whose part is reading overviews (and pressing: supervise, urge).
PHOTO_ROLES = CASE_ROLES - {"leader"}


# At most this many photos in one upload (a page's form, a resident's report).
MAX_PER_UPLOAD = 6
MAX_PER_REPORT = 4
THUMBNAIL_SIDE = 320


class PhotoError(ValueError):
    """A file that is not an acceptable photo; says why."""


class Cleaned(NamedTuple):
    """A photo as it will be stored: re-encoded pixels, their format and size, and where the
    phone said it was taken."""

    data: bytes
    format: str
    size: tuple[int, int]
    location: tuple[float | None, float | None]


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


def _too_large(size: int) -> None:
    if size > settings.GONGZHI_PHOTO_MAX_BYTES:
        raise PhotoError(_("照片过大（上限%(mb)s MB）") % {"mb": settings.GONGZHI_PHOTO_MAX_BYTES // 1048576})


def pillow_bound() -> None:
    """Pillow's decompression-bomb bound at our limit (it refuses twice that while opening; below,
    `clean` refuses by the header's size, so Pillow's warning would only repeat it)."""
    Image.MAX_IMAGE_PIXELS = settings.GONGZHI_PHOTO_MAX_PIXELS
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def _too_many_pixels(pixels: int | None = None) -> PhotoError:
    limit = settings.GONGZHI_PHOTO_MAX_PIXELS
    if pixels is None:
        return PhotoError(_("图片像素过多（上限%(max)s万像素）") % {"max": limit // 10000})
    return PhotoError(_("图片像素过多（%(n)s万像素，上限%(max)s万像素）") % {"n": pixels // 10000, "max": limit // 10000})


class Budget:
    """The pixels that all photos of one request may have together."""

    def __init__(self) -> None:
        self.left = settings.GONGZHI_PHOTO_MAX_REQUEST_PIXELS

    def spend(self, pixels: int) -> None:
        if pixels > self.left:
            raise PhotoError(_("本次上传的照片合计像素过多（上限%(max)s万像素），请分批上传")
                             % {"max": settings.GONGZHI_PHOTO_MAX_REQUEST_PIXELS // 10000})
        self.left -= pixels


def clean_upload(upload: Any, budget: Budget | None = None) -> Cleaned:
    """An uploaded file (Django's UploadedFile) through `clean`; one too large is refused by its
    declared size before it is read into memory."""
    _too_large(upload.size)
    return clean(upload.read(), budget)


def clean(data: bytes, budget: Budget | None = None) -> Cleaned:
    """The photo re-encoded without metadata, or PhotoError saying why it is refused. Its pixels
    are counted from the header, against the limit and the request's `budget`, before decoding."""
    _too_large(len(data))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size  # Image.open reads the header only
            if width * height > settings.GONGZHI_PHOTO_MAX_PIXELS:
                raise _too_many_pixels(width * height)
            if budget is not None:
                budget.spend(width * height)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:  # beyond twice the limit: Pillow refused to open it
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
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
    return Cleaned(out.getvalue(), fmt, image.size, where)


def store(case: Case, cleaned: Cleaned, *, uploader: Any, actor_name: str, written: list[str]) -> CasePhoto:
    """The photo's file and row and the case's "photo" event, in the caller's transaction; the
    file's name goes to `written` as soon as it is on disk (see `removed_on_failure`).
    `uploader`: the account, or None (a resident's report names no one)."""
    content_type, extension = FORMATS[cleaned.format]
    (width, height), (lon, lat) = cleaned.size, cleaned.location
    photo = CasePhoto(case=case, content_type=content_type, width=width, height=height, taken_lon=lon,
                      taken_lat=lat, uploaded_by=uploader)
    photo.image.save(f"{secrets.token_hex(12)}.{extension}", ContentFile(cleaned.data), save=False)
    written.append(photo.image.name)
    photo.save()
    CaseEvent.objects.create(case=case, at=timezone.now(), actor=uploader, actor_name=actor_name,
                             action="photo", from_state=case.state, to_state=case.state, data={"photo": photo.pk})
    return photo


@contextmanager
def removed_on_failure() -> Iterator[list[str]]:
    """The names of the files `store` writes in the block, deleted again if the block fails: the
    rows naming them roll back, and so must the files (a refused report leaves no photo on disk).
    Wrap the whole transaction, so that a failing commit counts too. (Inside a caller's
    transaction that rolls back later, the files would stay: the writes that store photos open
    their own.)"""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        storage = CasePhoto._meta.get_field("image").storage
        for name in written:
            storage.delete(name)
        raise


def attach(*, actor: Any, case: Case, data: bytes | Cleaned) -> CasePhoto:
    """Adds a photo (as sent, or already through `clean`) to a case in the actor's scope (404
    otherwise), for PHOTO_ROLES (403 otherwise); PhotoError for a file that is no photo."""
    if not scoping.roles(actor) & PHOTO_ROLES:
        raise PermissionDenied
    cleaned = data if isinstance(data, Cleaned) else clean(data)
    with removed_on_failure() as written, transaction.atomic():
        return store(scoping.get_in_scope_or_404(Case, actor, pk=case.pk), cleaned, uploader=actor,
                     actor_name=actor.get_username(), written=written)


def thumbnail(photo: CasePhoto, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small copy of a stored photo in its own format (made on request: the stored file is
    already clean, so this only shrinks it)."""
    fmt = next(name for name, (content_type, _ext) in FORMATS.items() if content_type == photo.content_type)
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        image.draft(image.mode, (side, side))  # JPEG decodes at a fraction of its size: cheap
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.save(out, format=fmt, **({"quality": 80} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue()
