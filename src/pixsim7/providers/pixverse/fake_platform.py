"""Routes of the fake platform API (``/openapi/v2``, header ``API-KEY``, pool ``openapi``)."""

from __future__ import annotations

import io
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pixsim7.providers.pixverse.fake import PixverseFake, Refused

MAX_IMAGE_BYTES = 20 * 1024**2
MAX_IMAGE_SIDE = 4000
MAX_MEDIA_BYTES = 50 * 1024**2


def image_kind(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def add_routes(app: FastAPI, fake: PixverseFake) -> None:
    state = fake.state

    def caller(request: Request, on: str, prompt: str | None = None) -> Any:
        if not request.headers.get("ai-trace-id"):
            raise Refused(400011)  # the platform API wants a trace id on every call
        return fake.caller(request, "api-key", on, prompt)

    async def upload_body(request: Request, field: str, url_field: str) -> tuple[bytes | None, str]:
        if request.headers.get("content-type", "").startswith("multipart/"):
            async with request.form() as form:  # closes the spooled upload files
                part = form.get(field)
                if part is None or isinstance(part, str):
                    raise Refused(400011)
                return await part.read(), part.filename or ""
        body = await request.json()
        if not body.get(url_field):
            raise Refused(400011)
        return None, str(body[url_field])

    @app.post("/openapi/v2/image/upload")
    async def upload_image(request: Request) -> JSONResponse:
        acc = caller(request, "upload")
        data, name = await upload_body(request, "image", "image_url")
        if data is None:
            url = name
        else:
            kind = image_kind(data)
            if kind is None:
                raise Refused(400013)
            if len(data) > MAX_IMAGE_BYTES:
                raise Refused(500030)
            from PIL import Image

            with Image.open(io.BytesIO(data)) as img:
                if max(img.size) > MAX_IMAGE_SIDE:
                    raise Refused(500032)
            url = str(request.base_url).rstrip("/") + state.files.save(data, "." + kind)
        img_id = state.next_id()
        fake.images[img_id] = (acc.key, url)
        return fake.ok({"img_id": img_id, "img_url": url})

    @app.post("/openapi/v2/media/upload")
    async def upload_media(request: Request) -> JSONResponse:
        acc = caller(request, "upload")
        data, name = await upload_body(request, "file", "file_url")
        media_type = "video"
        if data is None:
            url = name
        else:
            if len(data) > MAX_MEDIA_BYTES:
                raise Refused(500042)
            if data[4:8] != b"ftyp":
                media_type = "audio"
            url = str(request.base_url).rstrip("/") + state.files.save(data, ".mp4")
        media_id = state.next_id()
        fake.media[media_id] = (acc.key, url)
        return fake.ok({"media_id": media_id, "media_type": media_type, "url": url})

    def own_image(key: str, img_id: Any) -> None:
        if not isinstance(img_id, int) or fake.images.get(img_id, ("",))[0] != key:
            raise Refused(400032)

    @app.post("/openapi/v2/video/{kind}/generate")
    async def generate(kind: str, request: Request) -> JSONResponse:
        body = await request.json()
        acc = caller(request, "create", body.get("prompt"))
        fake.check_common(body)
        if kind == "img":
            own_image(acc.key, body.get("img_id"))
        elif kind == "transition":
            own_image(acc.key, body.get("first_frame_img"))
            own_image(acc.key, body.get("last_frame_img"))
        elif kind == "extend":
            source = body.get("source_video_id")
            media = body.get("video_media_id")
            known = state.jobs.get(str(source)) if source is not None else None
            if media is not None:
                if fake.media.get(media, ("",))[0] != acc.key:
                    raise Refused(400017)
            elif known is None or known.key != acc.key:
                raise Refused(400017)
        elif kind == "fusion":
            refs = body.get("image_references")
            if not isinstance(refs, list) or not refs:
                raise Refused(400011)
            for ref in refs:
                if ref.get("type") not in ("subject", "background") or not ref.get("ref_name"):
                    raise Refused(400017)
                own_image(acc.key, ref.get("img_id"))
        elif kind != "text":
            raise Refused(400017)
        job = fake.start(acc, "openapi", body, float(body.get("duration", 5)))
        return fake.ok({"video_id": int(job.id)})

    @app.get("/openapi/v2/video/result/{video_id}")
    async def result(video_id: str, request: Request) -> JSONResponse:
        acc = caller(request, "poll")
        job = state.jobs.get(video_id)
        if job is None or job.key != acc.key:
            raise Refused(400017)
        return fake.ok(fake.video(job, str(request.base_url).rstrip("/"), web=False))

    @app.get("/openapi/v2/account/balance")
    async def balance(request: Request) -> JSONResponse:
        acc = caller(request, "balance")
        total = int(acc.credits.get("openapi", 0))
        package = min(total, 100)
        resp = {
            "account_id": acc.extra.setdefault("acc_id", 100_000 + state.next_id()),
            "credit_monthly": total - package,
            "credit_package": package,
        }
        return fake.ok(resp)
