"""Photos: type by content, bounded size, no metadata kept, the recorded location kept apart."""

import io

import pytest
from PIL import Image

from gongzhi.cases import categories, intake, photos, reporters
from gongzhi.cases.models import Category


def jpeg_with_gps(lon=104.0665, lat=30.5728) -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = {1: "N", 2: (30.0, 34.0, (lat - 30.0 - 34 / 60) * 3600), 3: "E",
           4: (104.0, 3.0, (lon - 104.0 - 3 / 60) * 3600)}
    exif[photos.GPS_IFD] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def case(cast, world):
    categories.load_defaults()
    return intake.report(source=reporters.staff(cast.grid_worker, "grid_patrol"),
                         category=Category.objects.get(code="garbage_pileup"), description="垃圾",
                         lon=0.25, lat=0.5).case


def test_the_stored_photo_has_no_metadata_and_the_location_is_kept_apart(cast, case):
    data = jpeg_with_gps()
    assert b"PhoneMaker" in data
    photo = photos.attach(actor=cast.grid_worker, case=case, data=data)
    assert abs(photo.taken_lon - 104.0665) < 1e-4 and abs(photo.taken_lat - 30.5728) < 1e-4
    stored = photo.image.read()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 64, 48)


def test_png_is_accepted_and_other_files_are_not_whatever_their_name(cast, case):
    png = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(png, format="PNG")
    assert photos.attach(actor=cast.grid_worker, case=case, data=png.getvalue()).content_type == "image/png"
    for bad in (b"<html><script>alert(1)</script></html>", b"%PDF-1.7", b""):
        with pytest.raises(photos.PhotoError):
            photos.attach(actor=cast.grid_worker, case=case, data=bad)


def test_size_is_bounded(cast, case, settings):
    settings.GONGZHI_PHOTO_MAX_BYTES = 1000
    with pytest.raises(photos.PhotoError, match="过大"):
        photos.attach(actor=cast.grid_worker, case=case, data=jpeg_with_gps() + b"\0" * 2000)


def test_a_photo_for_a_case_out_of_scope_is_refused(cast, case):
    from django.http import Http404

    with pytest.raises(Http404):
        photos.attach(actor=cast.other_grid_worker, case=case, data=jpeg_with_gps())


def test_a_leader_reads_cases_but_adds_no_photos(cast, case, login):
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(PermissionDenied):
        photos.attach(actor=cast.leader, case=case, data=jpeg_with_gps())
    client = login("leader")
    assert client.get(f"/api/v1/cases/{case.number}").status_code == 200
    response = client.post(f"/api/v1/cases/{case.number}/photos",
                           {"file": SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")})
    assert response.status_code == 403


def test_uploading_a_photo_through_the_api(login, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("grid_worker")
    response = client.post(f"/api/v1/cases/{case.number}/photos",
                           {"file": SimpleUploadedFile("p.jpg", jpeg_with_gps(), "image/jpeg")})
    assert response.status_code == 201 and response.json()["taken_lat"] > 30
    bad = client.post(f"/api/v1/cases/{case.number}/photos",
                      {"file": SimpleUploadedFile("p.jpg", b"<svg onload=alert(1)>", "image/jpeg")})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "file"


def test_an_oversized_photo_through_the_api_is_422_naming_the_file(login, case, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.GONGZHI_PHOTO_MAX_BYTES = 1000
    big = login("grid_worker").post(f"/api/v1/cases/{case.number}/photos", {
        "file": SimpleUploadedFile("p.jpg", jpeg_with_gps() + b"\0" * 2000, "image/jpeg")})
    assert big.status_code == 422 and big.json()["detail"][0]["loc"][-1] == "file"  # was a 500


def test_a_broken_upload_through_the_api_is_400_in_json(login, case):
    broken = login("grid_worker").post(f"/api/v1/cases/{case.number}/photos", b"--x\r\n",
                                       content_type="multipart/form-data")  # no boundary
    assert broken.status_code == 400 and broken["Content-Type"] == "application/json; charset=utf-8"  # was HTML
    assert broken.json()["detail"]
