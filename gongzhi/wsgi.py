import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
pages = get_wsgi_application()  # sets Django up

from gongzhi.common import machine  # noqa: E402  (needs Django set up)

# Open311's machine clients take the short middleware stack (common/machine.py).
application = machine.split(pages)
