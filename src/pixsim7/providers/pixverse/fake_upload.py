"""The fake web API's image upload, and the upload bucket it puts files in.

As the Pixverse web app does it (public client code): ``POST
/creative_platform/getUploadToken`` hands out STS credentials (``Ak``, ``Sk``, ``Token``;
this fake also names its own ``Endpoint`` and ``Bucket``, which the real service leaves to
the app), the client ``PUT``s the bytes to ``/oss/<bucket>/upload/<uuid>.<ext>`` signed with
OSS signature v1 (a wrong signature answers 403 ``SignatureDoesNotMatch`` with the string
the server signed, as OSS does), then ``POST /creative_platform/media/batch_upload_media``
registers the object and answers ``{"result": [{id, url, path, size, name, ...}]}``; that
``path`` is what generation calls take as ``customer_img_path``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from pixsim7.providers.pixverse.fake import PixverseFake, Refused
from pixsim7.providers.pixverse.fake_platform import image_kind

BUCKET = "pixverse-fe-upload"
MAX_OBJECT_BYTES = 20 * 1024**2


def _oss_error(status: int, code: str, message: str, **extra: str) -> Response:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    body = f"<Error><Code>{code}</Code><Message>{message}</Message>{fields}</Error>"
    return Response(body, status_code=status, media_type="application/xml")


def _signed_text(request: Request, resource: str) -> str:
    """The OSS v1 string to sign, built from the request as received."""
    h = request.headers
    oss = sorted((k.lower(), v.strip()) for k, v in h.items() if k.lower().startswith("x-oss-"))
    canonical = "".join(f"{k}:{v}\n" for k, v in oss)
    date = h.get("x-oss-date") or h.get("date", "")
    lines = [request.method, h.get("content-md5", ""), h.get("content-type", ""), date]
    return "\n".join(lines) + "\n" + canonical + resource


def add_routes(app: FastAPI, fake: PixverseFake) -> None:
    state = fake.state
    sts: dict[str, tuple[str, str, str]] = {}  # Ak -> (account key, Sk, Token)
    objects: dict[str, tuple[str, bytes]] = {}  # object key -> (account key, bytes)

    @app.post("/creative_platform/getUploadToken")
    async def upload_token(request: Request) -> JSONResponse:
        acc = fake.caller(request, "token", "upload")
        ak, sk, token = f"STS.{secrets.token_hex(8)}", secrets.token_hex(16), secrets.token_hex(24)
        sts[ak] = (acc.key, sk, token)
        endpoint = str(request.base_url).rstrip("/") + f"/oss/{BUCKET}"
        return fake.ok({"Ak": ak, "Sk": sk, "Token": token, "Endpoint": endpoint, "Bucket": BUCKET})

    @app.put("/oss/{bucket}/{key:path}")
    async def put_object(bucket: str, key: str, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        ak, _, signature = auth.removeprefix("OSS ").partition(":")
        issued = sts.get(ak) if auth.startswith("OSS ") else None
        if bucket != BUCKET:
            return _oss_error(404, "NoSuchBucket", "The specified bucket does not exist.")
        if issued is None:
            return _oss_error(403, "InvalidAccessKeyId", "The OSS Access Key Id does not exist.")
        owner, secret, token = issued
        if request.headers.get("x-oss-security-token") != token:
            return _oss_error(403, "InvalidSecurityToken", "The security token is invalid.")
        text = _signed_text(request, f"/{bucket}/{key}")
        want = base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest())
        if not hmac.compare_digest(want.decode(), signature):
            return _oss_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
                StringToSign=text,
            )
        data = await request.body()
        md5 = request.headers.get("content-md5")
        if md5 and md5 != base64.b64encode(hashlib.md5(data).digest()).decode():
            return _oss_error(400, "InvalidDigest", "The Content-MD5 you specified is invalid.")
        if len(data) > MAX_OBJECT_BYTES:
            return _oss_error(400, "EntityTooLarge", "Your proposed upload is too large.")
        objects[key] = (owner, data)
        etag = hashlib.md5(data).hexdigest().upper()
        return Response(status_code=200, headers={"ETag": f'"{etag}"'})

    @app.post("/creative_platform/media/batch_upload_media")
    async def batch_upload_media(request: Request) -> JSONResponse:
        acc = fake.caller(request, "token", "upload")
        body = await request.json()
        images = body.get("images") if isinstance(body, dict) else None
        if not isinstance(images, list) or not images:
            raise Refused(400011)
        result: list[dict[str, Any]] = []
        for image in images:
            path = image.get("path") if isinstance(image, dict) else None
            stored = objects.get(path) if isinstance(path, str) else None
            if stored is None or stored[0] != acc.key or image.get("size") != len(stored[1]):
                raise Refused(500041)  # upload failed: nothing (or something else) is there
            kind = image_kind(stored[1])
            if kind is None:
                raise Refused(500031)
            from PIL import Image

            with Image.open(io.BytesIO(stored[1])) as img:
                width, height = img.size
            url = str(request.base_url).rstrip("/") + state.files.save(stored[1], "." + kind)
            fake.web_uploads[str(path)] = acc.key
            media_id = state.next_id()
            result.append(
                {
                    "id": media_id,
                    "asset_id": media_id,
                    "url": url,
                    "path": path,
                    "size": len(stored[1]),
                    "name": image.get("name"),
                    "width": width,
                    "height": height,
                    "err_msg": "",
                }
            )
        return fake.ok({"result": result})
