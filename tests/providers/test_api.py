from __future__ import annotations

import copy
import uuid

import httpx
from fastapi import FastAPI

from pixsim7.accounts import service as accounts_service
from pixsim7.providers.base import OperationType
from pixsim7.providers.comfyui.templates import shipped_template
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.pixverse.fake import create_app as pixverse_app
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


async def test_each_provider_says_whether_the_user_can_run_it_and_what_is_missing(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    """What the Generate page offers first, and the words it shows for the rest."""
    async with app.state.db.session() as session:  # what every worker does at start
        await accounts_service.ensure_builtin(session, app.state.settings)
    alice, bob = await users.create(), await users.create()

    async def missing(h: dict[str, str]) -> dict[str, str | None]:
        items = (await client.get("/api/v1/providers", headers=h)).json()["items"]
        assert all(p["ready"] == (p["missing"] is None) for p in items), items
        return {p["id"]: p["missing"] for p in items}

    assert (await missing(alice))["local"] is None
    assert (await missing(alice))["pixverse"] == "add a Pixverse account"
    assert (await missing(alice))["sora"] == "add an OpenAI Sora account"
    async with FakeServer(pixverse_app(job_seconds=0.0)) as fake:
        key = f"pk-{uuid.uuid4().hex}"
        r = await client.post(
            "/api/v1/accounts",
            json={"provider_id": "pixverse", "api_key": key, "base_url": fake.url},
            headers=alice,
        )
        assert r.status_code == 201 and r.json()["check"]["ok"], r.text
        account = r.json()["id"]
        assert (await missing(alice))["pixverse"] is None
        one = (await client.get("/api/v1/providers/pixverse", headers=alice)).json()
        assert one["ready"] and one["reports_balance"]
        assert (await missing(bob))["pixverse"] == "add a Pixverse account"  # alice's own

        r = await client.post(
            f"/api/v1/accounts/{account}/credits",
            json={"credit_type": "openapi", "amount": 0},
            headers=alice,
        )
        assert r.status_code == 200, r.text
        assert (await missing(alice))["pixverse"] == "add credits to a Pixverse account"
        url = f"/api/v1/accounts/{account}"
        await client.patch(url, json={"status": "disabled"}, headers=alice)
        assert (await missing(alice))["pixverse"] == "enable a Pixverse account"
        fake.state.configure(key, revoked=True)
        await client.patch(url, json={"status": "active"}, headers=alice)
        r = await client.post(f"/api/v1/accounts/{account}/sync", headers=alice)
        assert r.json()["account"]["status"] == "auth_failed", r.text
        assert (await missing(alice))["pixverse"] == (
            "set new credentials for your Pixverse account (Pixverse refused them)"
        )
