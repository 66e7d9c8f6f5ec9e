"""Routes of the fake web API (``/creative_platform``, header ``token``, pool ``web``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pixsim7.providers.fakekit import FakeAccount
from pixsim7.providers.pixverse.fake import PixverseFake, Refused
from pixsim7.providers.pixverse.fake_platform import image_kind

MAX_TRANSITION_IMAGES = 7


def add_routes(app: FastAPI, fake: PixverseFake) -> None:
    state = fake.state
    uploads = fake.web_uploads  # path -> key that uploaded it

    def caller(request: Request, on: str, prompt: str | None = None) -> FakeAccount:
        return fake.caller(request, "token", on, prompt)

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def acc_id(acc: FakeAccount) -> int:
        return int(acc.extra.setdefault("acc_id", 100_000 + state.next_id()))

    @app.get("/creative_platform/getUserInfo")
    async def user_info(request: Request) -> JSONResponse:
        acc = caller(request, "user")
        uid = acc_id(acc)
        return fake.ok(
            {
                "AccId": uid,
                "Mail": f"user{uid}@example.com",
                "Username": f"user{uid}",
                "Nickname": f"User {uid}",
            }
        )

    @app.post("/creative_platform/toc/members/plan_details")
    async def plan_details(request: Request) -> JSONResponse:
        acc = caller(request, "balance")
        resp: dict[str, Any] = {"plan_type": acc.extra.get("plan_type", 1)}
        if acc.limit is not None and not acc.extra.get("hide_gen_simultaneously"):
            resp["gen_simultaneously"] = acc.limit
        return fake.ok(resp)

    @app.get("/creative_platform/user/credits")
    async def credits(request: Request) -> JSONResponse:
        acc = caller(request, "balance")
        total = int(acc.credits.get("web", 0))
        daily = min(total, 50)
        package = min(total - daily, 100)
        resp = {
            "credit_daily": daily,
            "credit_package": package,
            "credit_monthly": total - daily - package,
        }
        return fake.ok(resp)

    @app.post("/creative_platform/media/upload")
    async def upload(request: Request) -> JSONResponse:
        acc = caller(request, "upload")
        async with request.form() as form:  # closes the spooled upload files
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise Refused(400011)
            data = await part.read()
        kind = image_kind(data)
        media_type = "image" if kind else "video" if data[4:8] == b"ftyp" else None
        if media_type is None:
            raise Refused(500042)
        url = base(request) + state.files.save(data, "." + (kind or "mp4"))
        media_id = state.next_id()
        path = f"upload/{media_id}.{kind or 'mp4'}"
        uploads[path] = acc.key
        return fake.ok({"media_id": media_id, "media_type": media_type, "path": path, "url": url})

    def own_uploads(key: str, paths: Any, urls: Any, low: int = 1, high: int = 1) -> None:
        if not isinstance(paths, list) or not isinstance(urls, list) or not paths:
            raise Refused(400011)
        if not low <= len(paths) <= high or len(urls) != len(paths):
            raise Refused(400017)
        if any(uploads.get(p) != key for p in paths) or not all(urls):
            raise Refused(400032)

    @app.post("/creative_platform/video/list/personal")
    async def list_personal(request: Request) -> JSONResponse:
        acc = caller(request, "poll")
        body = await request.json()
        offset, limit = int(body.get("offset", 0)), int(body.get("limit", 20))
        jobs = sorted(state.jobs_of(acc.key), key=lambda j: (j.created, int(j.id)), reverse=True)
        page = [fake.video(j, base(request), web=True) for j in jobs[offset : offset + limit]]
        return fake.ok({"data": page, "total": len(jobs)})

    @app.post("/creative_platform/video/delete")
    async def delete(request: Request) -> JSONResponse:
        acc = caller(request, "cancel")
        body = await request.json()
        ids = body.get("video_ids")
        if not isinstance(ids, list) or body.get("platform") != "web":
            raise Refused(400017)
        now = state.now()
        for video_id in ids:
            job = state.jobs.get(str(video_id))
            if job is not None and job.key == acc.key and job.cancelled_at is None:
                job.cancelled_at = now
        return fake.ok({})

    # Last: the generic path must not shadow /video/delete.
    @app.post("/creative_platform/video/{kind}")
    async def generate(kind: str, request: Request) -> JSONResponse:
        body = await request.json()
        prompt = body.get("prompt") or (body.get("prompts") or [None])[0]
        acc = caller(request, "create", prompt)
        if body.get("create_count") != 1:
            raise Refused(400017)
        seconds = float(body.get("duration", 5))
        if kind == "frames":
            paths, urls = body.get("customer_img_paths"), body.get("customer_img_urls")
            own_uploads(acc.key, paths, urls, 2, MAX_TRANSITION_IMAGES)
            prompts, durations = body.get("prompts") or [], body.get("durations") or []
            if len(prompts) != len(paths) - 1 or len(durations) != len(prompts):
                raise Refused(400017)
            if not all(isinstance(d, int) and 1 <= d <= 8 for d in durations):
                raise Refused(400017)
            fake.check_common({**body, "prompt": prompts[0]}, need_duration=False)
            seconds = float(sum(durations))
        else:
            fake.check_common(body)
            if kind == "i2v":
                own_uploads(
                    acc.key, [body.get("customer_img_path")], [body.get("customer_img_url")]
                )
            elif kind == "extend":
                original = body.get("original_video_id")
                if original is not None:
                    job = state.jobs.get(str(original))
                    if job is None or job.key != acc.key:
                        raise Refused(400017)
                else:
                    own_uploads(
                        acc.key, [body.get("customer_video_path")], [body.get("customer_video_url")]
                    )
            elif kind == "fusion":
                names, types = body.get("fusion_name_list"), body.get("fusion_type_list")
                paths = body.get("customer_img_paths")
                own_uploads(acc.key, paths, body.get("customer_img_urls"), 1, 4)
                if not isinstance(names, list) or not isinstance(types, list):
                    raise Refused(400011)
                if len(names) != len(paths) or len(types) != len(paths):
                    raise Refused(400017)
                if any(t not in ("subject", "background") for t in types):
                    raise Refused(400017)
            elif kind != "t2v":
                raise Refused(400017)
        job = fake.start(acc, "web", body, seconds)
        return fake.ok({"video_ids": [int(job.id)]})
