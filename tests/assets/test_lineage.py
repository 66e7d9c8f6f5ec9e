"""Lineage written when jobs run through the worker and the local provider: transition inputs
in their order, fusion subject and background, and the output of a job depended on."""

from __future__ import annotations

from typing import Any

import httpx

from pixsim7.jobs.worker import JobWorker
from tests.assets.conftest import png_bytes
from tests.conftest import Users
from tests.jobs.conftest import builtin, text_job, wait_for, worker  # noqa: F401

API = "/api/v1/assets"
SMALL = {"duration": 1, "resolution": "360p", "fps": 8}


async def _image(client: httpx.AsyncClient, h: dict[str, str], color: tuple[int, int, int]) -> int:
    r = await client.post(
        f"{API}/upload", headers=h, files={"file": ("i.png", png_bytes((96, 64), color))}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _run(client: httpx.AsyncClient, h: dict[str, str], body: dict[str, Any]) -> int:
    r = await client.post("/api/v1/jobs", headers=h, json={"provider_id": "local", **body})
    assert r.status_code == 201, r.text
    job = await wait_for(client, h, r.json()["id"], within=60)
    assert job["status"] == "completed", job
    assert job["asset_id"]
    return int(job["asset_id"])


async def _parents(client: httpx.AsyncClient, h: dict[str, str], asset_id: int) -> list[Any]:
    detail = (await client.get(f"{API}/{asset_id}", headers=h)).json()
    links = detail["lineage"]["parents"]
    assert detail["lineage"]["parent_count"] == len(links)
    return [(p["asset_id"], p["relation"], p["operation"], p["sequence_order"]) for p in links]


async def test_transition_and_fusion_inputs_become_ordered_edges(
    client: httpx.AsyncClient,
    users: Users,
    worker: JobWorker,  # noqa: F811
) -> None:
    h = await users.create()
    a, b, c = [await _image(client, h, col) for col in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    # Inputs given in the order c, a, b: the edges keep that order, not the ids' order.
    fade = await _run(
        client,
        h,
        {
            "operation_type": "video_transition",
            "params": SMALL | {"duration": 2},
            "inputs": [{"role": "images", "asset_id": i} for i in (c, a, b)],
        },
    )
    assert await _parents(client, h, fade) == [
        (c, "transition_input", "video_transition", 0),
        (a, "transition_input", "video_transition", 1),
        (b, "transition_input", "video_transition", 2),
    ]
    fused = await _run(
        client,
        h,
        {
            "operation_type": "fusion",
            "params": SMALL,
            "inputs": [
                {"role": "background", "asset_id": b},
                {"role": "subject", "asset_id": a},
            ],
        },
    )
    relations = {(p, rel) for p, rel, _, _ in await _parents(client, h, fused)}
    assert relations == {(a, "fusion_subject"), (b, "fusion_background")}
    # The graph from the shared input reaches both outputs.
    graph = (await client.get(f"{API}/{a}/lineage", headers=h, params={"depth": 1})).json()
    assert {n["asset"]["id"]: n["level"] for n in graph["nodes"]} == {a: 0, fade: 1, fused: 1}
    assert {(e["parent_asset_id"], e["child_asset_id"]) for e in graph["edges"]} == {
        (a, fade),
        (a, fused),
    }
    assert all(not e["manual"] and e["source_job_id"] for e in graph["edges"])


async def test_output_of_a_job_depended_on_is_a_parent(
    client: httpx.AsyncClient,
    users: Users,
    worker: JobWorker,  # noqa: F811
) -> None:
    h = await users.create()
    first = await client.post("/api/v1/jobs", headers=h, json=text_job("the start"))
    assert first.status_code == 201, first.text
    extend = await _run(
        client,
        h,
        {
            "operation_type": "video_extend",
            "params": SMALL,
            "depends_on": [first.json()["id"]],
            "inputs": [{"role": "source_video", "job_id": first.json()["id"]}],
        },
    )
    made_first = (await client.get(f"/api/v1/jobs/{first.json()['id']}", headers=h)).json()
    assert await _parents(client, h, extend) == [
        (made_first["asset_id"], "source_video", "video_extend", 0)
    ]
