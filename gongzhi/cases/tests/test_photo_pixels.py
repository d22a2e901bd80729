"""A photo's pixels are bounded before it is decoded (issue 15, item 12): a PNG of a few
kilobytes declaring 13,000 × 13,000 pixels would decode to gigabytes. Refused by its header,
per photo and per request, naming the photo, wherever photos come in."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ImageFile

from gongzhi.cases import intake, photos, reporters
from gongzhi.cases.models import Case, CasePhoto
from gongzhi.cases.tests.test_photos import jpeg_with_gps


def huge_png(width: int = 13_000, height: int = 13_000) -> bytes:
    """A valid 1-bit PNG of that size, all black, made row by row (never whole in memory)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer, row, parts = zlib.compressobj(9), b"\0" * (1 + (width + 7) // 8), []
    for _ in range(height):
        parts.append(packer.compress(row))
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding any image fails the test: a refusal must come from the header alone."""
    def load(self):
        raise AssertionError(f"decoded {self.size}")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [8_000, 13_000])  # beyond the limit; beyond twice it (Pillow's own refusal)
def test_a_photo_of_too_many_pixels_is_refused_from_its_header(side, no_decoding):
    data = huge_png(side, side)
    assert len(data) < 300_000
    with pytest.raises(photos.PhotoError, match=r"图片像素过多.*上限4000万像素"):
        photos.clean(data)


def test_the_photos_of_one_request_share_a_pixel_budget(settings):
    settings.GONGZHI_PHOTO_MAX_PIXELS, settings.GONGZHI_PHOTO_MAX_REQUEST_PIXELS = 4000, 7000
    budget = photos.Budget()
    photos.clean(jpeg_with_gps(), budget)  # 64 × 48 = 3,072
    photos.clean(jpeg_with_gps(), budget)
    with pytest.raises(photos.PhotoError, match="本次上传的照片合计像素过多"):
        photos.clean(jpeg_with_gps(), budget)


def test_the_anonymous_portal_refuses_it_naming_the_photo_and_files_nothing(client, world, settings, no_decoding):
    from gongzhi.cases import categories

    settings.GONGZHI_PORTAL_AREA = "510100000000"
    categories.load_defaults()
    page = client.post("/report/", {"category": "garbage_pileup", "description": "小区门口垃圾", "lon": "0.25",
                                    "lat": "0.5", "token": "t-px", "reporter_phone": "13900001111",
                                    "photos": [SimpleUploadedFile("huge.png", huge_png(), "image/png")]})
    assert page.status_code == 200 and "huge.png：图片像素过多" in page.content.decode()
    assert not Case.objects.unscoped().exists() and not CasePhoto.objects.exists()


def test_the_portal_refuses_photos_over_the_requests_budget(client, world, settings):
    from gongzhi.cases import categories

    settings.GONGZHI_PORTAL_AREA = "510100000000"
    settings.GONGZHI_PHOTO_MAX_PIXELS, settings.GONGZHI_PHOTO_MAX_REQUEST_PIXELS = 4000, 7000
    categories.load_defaults()
    page = client.post("/report/", {"category": "garbage_pileup", "description": "小区门口垃圾", "lon": "0.25",
                                    "lat": "0.5", "token": "t-px2", "reporter_phone": "13900001111",
                                    "photos": [SimpleUploadedFile(f"p{n}.jpg", jpeg_with_gps()) for n in range(3)]})
    assert "p2.jpg：本次上传的照片合计像素过多" in page.content.decode()
    assert not Case.objects.unscoped().exists()


@pytest.fixture
def case(cast, garbage):
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"), category=garbage, description="门口垃圾",
                         lon=0.25, lat=0.5).case


def test_the_api_refuses_it_as_422_naming_the_file(login, case, no_decoding):
    answer = login("grid_worker").post(f"/api/v1/cases/{case.number}/photos",
                                       {"file": SimpleUploadedFile("huge.png", huge_png(), "image/png")})
    assert answer.status_code == 422
    problem = answer.json()["detail"][0]
    assert problem["loc"][-1] == "file" and "图片像素过多" in problem["msg"]
    assert not CasePhoto.objects.exists()


def test_the_case_page_keeps_the_photos_within_the_budget_and_names_the_rest(login, case, settings):
    settings.GONGZHI_PHOTO_MAX_PIXELS, settings.GONGZHI_PHOTO_MAX_REQUEST_PIXELS = 4000, 7000
    page = login("grid_worker").post(f"/w/cases/{case.number}/photos/", {"photos": [
        SimpleUploadedFile(f"p{n}.jpg", jpeg_with_gps(), "image/jpeg") for n in range(3)]}, follow=True)
    assert "p2.jpg 未上传：本次上传的照片合计像素过多" in page.content.decode()
    assert CasePhoto.objects.filter(case=case).count() == 2
