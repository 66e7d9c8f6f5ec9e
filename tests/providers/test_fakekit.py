"""The shared fake-server kit, over real HTTP on loopback."""

from __future__ import annotations

import datetime as dt

import av
import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pixsim7 import clock
from pixsim7.providers import fakekit
from pixsim7.providers.fakekit import FakeServer, FakeState, Phase


def _app(state: FakeState) -> FastAPI:
    """A minimal provider: POST /create {key, prompt} and GET /job/{id}."""
    app = FastAPI()
    fakekit.install(app, state)

    @app.post("/create")
    async def create(request: Request) -> JSONResponse:
        body = await request.json()
        if code := state.trigger(body["key"], "create", body.get("prompt")):
            return JSONResponse({"error": code}, status_code=400)
        try:
            job = state.create_job(body["key"], prompt=body.get("prompt"), pool="p", cost=10)
        except fakekit.ConcurrencyLimited:
            return JSONResponse({"error": "busy"}, status_code=429)
        except fakekit.InsufficientCredits:
            return JSONResponse({"error": "broke"}, status_code=402)
        return JSONResponse({"id": job.id})

    @app.get("/job/{job_id}")
    async def get_job(job_id: str) -> JSONResponse:
        job = state.jobs[job_id]
        return JSONResponse({"phase": job.phase(), "url": job.output_path})

    return app


@pytest.fixture
def server():
    state = FakeState(job_seconds=10, default_credits={"p": 25})
    with FakeServer(_app(state)) as srv:
        yield srv
    clock.reset()


def test_jobs_move_with_the_clock_and_credits_fall(server: FakeServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        job_id = c.post("/create", json={"key": "a", "prompt": "x"}).json()["id"]
        assert c.get(f"/job/{job_id}").json()["phase"] == Phase.QUEUED
        clock.advance(dt.timedelta(seconds=5))
        assert c.get(f"/job/{job_id}").json()["phase"] == Phase.RUNNING
        clock.advance(dt.timedelta(seconds=6))
        assert c.get(f"/job/{job_id}").json()["phase"] == Phase.SUCCEEDED
        state = c.get("/_fake/state", params={"key": "a"}).json()
        assert state["credits"] == {"p": 15}
        assert state["running"] == 0 and state["max_running"] == 1
        # 15 left, a job costs 10: one more fits, the third does not
        assert c.post("/create", json={"key": "a"}).status_code == 200
        assert c.post("/create", json={"key": "a"}).json() == {"error": "broke"}


def test_limit_markers_and_queued_errors(server: FakeServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        c.post("/_fake/control", json={"key": "b", "limit": 2, "credits": {"p": 1000}})
        assert c.post("/create", json={"key": "b"}).status_code == 200
        assert c.post("/create", json={"key": "b"}).status_code == 200
        assert c.post("/create", json={"key": "b"}).json() == {"error": "busy"}
        assert server.state.account("b").max_running == 2
        c.post("/_fake/control", json={"key": "b", "errors": [{"code": "E1"}]})
        assert c.post("/create", json={"key": "b"}).json() == {"error": "E1"}
        assert c.post("/create", json={"key": "b", "prompt": "a [fail:E2]"}).json() == {
            "error": "E2"
        }
        clock.advance(dt.timedelta(seconds=11))
        job_id = c.post("/create", json={"key": "b", "prompt": "[end:filtered] [secs:0]"}).json()
        assert c.get(f"/job/{job_id['id']}").json()["phase"] == Phase.FILTERED


def test_request_log_records_json_and_form_but_not_control(server: FakeServer) -> None:
    with httpx.Client(base_url=server.url) as c:
        c.post("/_fake/control", json={"key": "c"})
        c.post("/create?x=1", json={"key": "c", "prompt": "hi"}, headers={"X-Trace": "t1"})
        c.post("/upload", files={"image": ("a.png", b"123")}, data={"name": "n"})
        log = server.state.log.all()
        assert [r.path for r in log] == ["/create", "/upload"]
        assert log[0].json == {"key": "c", "prompt": "hi"}
        assert log[0].headers["x-trace"] == "t1" and log[0].query == {"x": "1"}
        assert sorted(log[1].form_fields) == ["image", "name"]
        served = c.get("/_fake/requests").json()
        assert [r["path"] for r in served] == ["/create", "/upload"]
        c.delete("/_fake/requests")
        assert len(server.state.log) == 0


async def test_async_context_and_files(tmp_path) -> None:
    state = FakeState()
    async with FakeServer(_app(state)) as srv, httpx.AsyncClient(base_url=srv.url) as c:
        upload_path = state.files.save(b"hello", ".txt")
        r = await c.get(upload_path)
        assert r.content == b"hello" and r.headers["content-length"] == "5"
        r = await c.get("/_fake/files/" + fakekit.video_name(160, 90, 1, 4))
        assert r.headers["content-type"] == "video/mp4"
        assert int(r.headers["content-length"]) == len(r.content) > 0
        (tmp_path / "v.mp4").write_bytes(r.content)
        with av.open(str(tmp_path / "v.mp4")) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.width, stream.codec_context.height) == (160, 90)
            assert stream.codec_context.name == "h264"
        assert (await c.get("/_fake/files/nothing.bin")).status_code == 404
    # the cache answers the same path without rendering again
    assert fakekit.sample_video(160, 90, 1, 4) == fakekit.sample_video(160, 90, 1, 4)
