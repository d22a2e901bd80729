"""Where SMS and WeChat notices go. `console` (the default) writes them to the log, which is
what a demo or a test wants; `http` posts JSON to the gateway a deployment configures
(GONGZHI_NOTIFY_HTTP_URL, optional bearer GONGZHI_NOTIFY_HTTP_TOKEN); any 2xx is sent."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings

log = logging.getLogger("gongzhi.notifications")


class DeliveryError(RuntimeError):
    pass


def send(channel: str, to: str, subject: str, body: str) -> None:
    backend = settings.GONGZHI_NOTIFY_BACKEND
    if backend == "console":
        from gongzhi.common.masking import mask_phone

        # Logs are not the place for residents' numbers: the console shows the masked form.
        log.warning("[%s] to %s: %s — %s", channel, mask_phone(to), subject, body)
        return
    if backend == "http":
        url = settings.GONGZHI_NOTIFY_HTTP_URL
        if not url.startswith(("https://", "http://")):
            raise DeliveryError("GONGZHI_NOTIFY_HTTP_URL must be an http(s) URL")
        payload = json.dumps({"channel": channel, "to": to, "subject": subject, "body": body}).encode()
        request = urllib.request.Request(url, data=payload, method="POST",  # noqa: S310 (scheme checked above)
                                         headers={"Content-Type": "application/json"})
        if settings.GONGZHI_NOTIFY_HTTP_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.GONGZHI_NOTIFY_HTTP_TOKEN}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310  # configured URL
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"gateway answered {response.status}")
        except OSError as exc:
            raise DeliveryError(str(exc)) from exc
        return
    raise DeliveryError(f"unknown GONGZHI_NOTIFY_BACKEND {backend!r}")
