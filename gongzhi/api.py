"""The JSON API (/api/v1/): every endpoint requires a signed-in user and answers within scope."""

from ninja import NinjaAPI
from ninja.security import django_auth

from gongzhi.areas.api import router as areas_router
from gongzhi.orgs.api import router as orgs_router

api = NinjaAPI(
    title="gongzhi 共治 API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", areas_router)
api.add_router("", orgs_router)
