from __future__ import annotations

import copy

import httpx

from pixsim7.providers.base import OperationType
from pixsim7.providers.comfyui.templates import shipped_template
from tests.conftest import Users


async def test_providers_are_listed_with_their_specs(
    client: httpx.AsyncClient, users: Users
) -> None:
    assert (await client.get("/api/v1/providers")).status_code == 401
    h = await users.create()
    listed = (await client.get("/api/v1/providers", headers=h)).json()
    assert listed["next_cursor"] is None  # the list envelope, whole in one page
    providers = {p["id"]: p for p in listed["items"]}
    assert {"local", "pixverse", "runway", "sora", "comfyui"} <= set(providers)

    local = providers["local"]
    assert local["is_local"] and "not an ai model" in local["description"].lower()
    t2v = next(o for o in local["operations"] if o["type"] == "text_to_video")
    params = {p["name"]: p for p in t2v["params"]}
    assert params["prompt"]["required"] and params["duration"]["maximum"] is not None
    assert params["resolution"]["choices"]

    assert providers["sora"]["deprecation"] and "2026-09-24" in providers["sora"]["deprecation"]
    assert set(providers["pixverse"]["credit_pools"]) == {"web", "openapi"}
    i2v = next(o for o in providers["pixverse"]["operations"] if o["type"] == "image_to_video")
    assert i2v["inputs"][0]["media_type"] == "image"

    one = await client.get("/api/v1/providers/runway", headers=h)
    assert one.status_code == 200 and one.json()["id"] == "runway"
    assert (await client.get("/api/v1/providers/nope", headers=h)).status_code == 404


async def test_comfyui_templates_are_validated_and_private(
    client: httpx.AsyncClient, users: Users
) -> None:
    owner = await users.create()
    other = await users.create()
    url = "/api/v1/providers/comfyui/templates"
    workflow = copy.deepcopy(shipped_template(OperationType.IMAGE_TO_VIDEO))

    r = await client.put(
        f"{url}/image_to_video", headers=owner, json={"name": "mine", "workflow": workflow}
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "mine"

    # Missing the input image placeholder: refused, naming the field.
    broken = {k: v for k, v in workflow.items() if "{{input_image}}" not in str(v)}
    r = await client.put(f"{url}/image_to_video", headers=owner, json={"workflow": broken})
    assert r.status_code == 422
    assert any(k.startswith("workflow") for k in r.json()["error"]["fields"])
    r = await client.put(f"{url}/image_to_video", headers=owner, json={"workflow": {"1": 5}})
    assert r.status_code == 422
    r = await client.put(f"{url}/fusion", headers=owner, json={"workflow": workflow})
    assert r.status_code == 422 and "operation_type" in r.json()["error"]["fields"]

    listed = (await client.get(url, headers=owner)).json()
    assert [t["operation_type"] for t in listed["items"]] == ["image_to_video"]
    assert listed["next_cursor"] is None
    assert (await client.get(url, headers=other)).json()["items"] == []
    assert (await client.delete(f"{url}/image_to_video", headers=other)).status_code == 404
    assert (await client.delete(f"{url}/image_to_video", headers=owner)).status_code == 204
    assert (await client.get(url, headers=owner)).json()["items"] == []


async def test_session_import_is_refused_clearly_where_a_provider_has_none(
    client: httpx.AsyncClient, users: Users
) -> None:
    """Only Pixverse signs in by browser session; the others say how to add an account."""
    h = await users.create()
    expected = {
        "runway": "developer API key",
        "sora": "OpenAI API key",
        "comfyui": "by its URL",
        "local": "does not support session import",
    }
    for provider_id, words in expected.items():
        raw = {"cookies": {"session": "abc"}, "bearer_token": "Bearer eyJhbGciOi.x.y"}
        r = await client.post(
            "/api/v1/accounts/import-cookies",
            json={"provider_id": provider_id, "raw_data": raw},
            headers=h,
        )
        assert r.status_code == 422, (provider_id, r.text)
        assert words in r.json()["error"]["fields"]["raw_data"], (provider_id, r.text)
        assert "eyJhbGciOi" not in r.text
    assert (await client.get("/api/v1/accounts", headers=h)).json()["items"] == []
