"""The JSON API (/api/v1/): every endpoint requires a signed-in user and answers within scope."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from gongzhi.accounts.api import router as auth_router
from gongzhi.cases.api import router as cases_router
from gongzhi.cases.intake import IntakeError
from gongzhi.cases.workflow import WorkflowError
from gongzhi.directory.api.areas import router as areas_router
from gongzhi.directory.api.orgs import router as orgs_router
from gongzhi.registry.addresses import AddressError
from gongzhi.registry.api import router as registry_router
from gongzhi.registry.people import RegistryError

api = NinjaAPI(
    title="gongzhi 共治 API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", auth_router)
api.add_router("", areas_router)
api.add_router("", orgs_router)
api.add_router("", registry_router)
api.add_router("", cases_router)


@api.exception_handler(RegistryError)
def _refused(request, exc: RegistryError):
    """A rule of the register said no: 422 naming the field, in the user's language."""
    return api.create_response(request, {"detail": [{"loc": ["body", exc.field] if exc.field else ["body"],
                                                     "msg": str(exc), "type": "refused"}]}, status=422)


@api.exception_handler(IntakeError)
def _bad_report(request, exc: IntakeError):
    return api.create_response(request, {"detail": [{"loc": ["body", exc.field] if exc.field else ["body"],
                                                     "msg": str(exc), "type": "refused"}]}, status=422)


@api.exception_handler(WorkflowError)
def _not_now(request, exc: WorkflowError):
    return api.create_response(request, {"detail": [{"loc": ["body", "action"], "msg": str(exc),
                                                     "type": "refused"}]}, status=422)


@api.exception_handler(AddressError)
def _bad_address(request, exc: AddressError):
    return api.create_response(request, {"detail": [{"loc": ["body", "components"], "msg": str(exc),
                                                     "type": "refused"}]}, status=422)


@api.exception_handler(MultiPartParserError)
def _unreadable(request, exc: MultiPartParserError):
    """A multipart body that cannot be read (a broken upload): 400 in JSON, as for a JSON body
    that does not parse, not Django's HTML page."""
    return api.create_response(request, {"detail": "Cannot parse request body"}, status=400)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc: RequestDataTooBig):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (refused by its declared length, never read):
    413 in JSON, not Django's HTML 400."""
    return api.create_response(request, {"detail": _("请求体过大（上限%(mb)s MB）") % {
        "mb": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1048576, 1)}, "code": "body_too_large"}, status=413)


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _too_many(request, exc: TooManyFieldsSent | TooManyFilesSent):
    """More fields or files than DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES: 400 in JSON."""
    return api.create_response(request, {"detail": _("请求中的字段或文件过多"), "code": "too_many_parts"}, status=400)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or _("您的角色不能执行此操作")}, status=403)
