from __future__ import annotations

import httpx

from tests.assets.conftest import png_bytes
from tests.conftest import Users


async def _create(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> dict:
    r = await client.post("/api/v1/workspaces", headers=headers, json={"name": "W", **body})
    assert r.status_code == 201, r.text
    return r.json()


async def test_crud_and_nesting(client: httpx.AsyncClient, users: Users) -> None:
    h = await users.create()
    parent = await _create(client, h, name="Film", color="#112233", icon="film")
    child = await _create(client, h, name="Scene 1", parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]

    r = await client.patch(
        f"/api/v1/workspaces/{parent['id']}", headers=h, json={"description": "d", "archived": True}
    )
    assert r.status_code == 200 and r.json()["archived"] is True
    listed = (await client.get("/api/v1/workspaces", headers=h)).json()["items"]
    assert [w["id"] for w in listed] == [child["id"]]
    listed = (await client.get("/api/v1/workspaces?include_archived=true", headers=h)).json()
    assert {w["id"] for w in listed["items"]} == {parent["id"], child["id"]}

    assert (await client.delete(f"/api/v1/workspaces/{parent['id']}", headers=h)).status_code == 204
    moved = (await client.get(f"/api/v1/workspaces/{child['id']}", headers=h)).json()
    assert moved["parent_id"] is None


async def test_cycles_and_bad_fields_are_422(client: httpx.AsyncClient, users: Users) -> None:
    h = await users.create()
    a = await _create(client, h, name="A")
    b = await _create(client, h, name="B", parent_id=a["id"])
    r = await client.patch(f"/api/v1/workspaces/{a['id']}", headers=h, json={"parent_id": b["id"]})
    assert r.status_code == 422 and "parent_id" in r.json()["error"]["fields"]
    r = await client.patch(f"/api/v1/workspaces/{a['id']}", headers=h, json={"parent_id": a["id"]})
    assert r.status_code == 422
    r = await client.post("/api/v1/workspaces", headers=h, json={"name": "", "color": "red"})
    assert r.status_code == 422 and {"name", "color"} <= set(r.json()["error"]["fields"])
    r = await client.post("/api/v1/workspaces", headers=h, json={"name": "x" * 129})
    assert r.status_code == 422 and "name" in r.json()["error"]["fields"]


async def test_other_users_workspace_is_404_everywhere(
    client: httpx.AsyncClient, users: Users
) -> None:
    owner = await users.create()
    intruder = await users.create()
    ws = await _create(client, owner, name="Private")
    url = f"/api/v1/workspaces/{ws['id']}"
    assert (await client.get(url, headers=intruder)).status_code == 404
    assert (await client.patch(url, headers=intruder, json={"name": "x"})).status_code == 404
    assert (await client.delete(url, headers=intruder)).status_code == 404
    r = await client.post(
        "/api/v1/workspaces", headers=intruder, json={"name": "sub", "parent_id": ws["id"]}
    )
    assert r.status_code == 422
    assert (await client.get("/api/v1/workspaces", headers=intruder)).json()["items"] == []
    assert (await client.get(url, headers=owner)).json()["name"] == "Private"


async def test_requires_authentication(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/workspaces")).status_code == 401


async def test_a_board_shows_what_is_in_its_sub_boards(
    client: httpx.AsyncClient, users: Users
) -> None:
    h, other = await users.create(), await users.create()
    film = await _create(client, h, name="Film")
    act = await _create(client, h, name="Act 1", parent_id=film["id"])
    shot = await _create(client, h, name="Shot 3", parent_id=act["id"])
    elsewhere = await _create(client, h, name="Ads")

    assets = {}
    for board in (act, shot, elsewhere, None):
        colour = (len(assets) * 60, 10, 10)
        data = {"workspace_id": str(board["id"])} if board else {}
        r = await client.post(
            "/api/v1/assets/upload",
            headers=h,
            data=data,
            files={"file": ("p.png", png_bytes(color=colour))},
        )
        assert r.status_code == 201, r.text
        assets[board["name"] if board else None] = r.json()["id"]
    job = {"provider_id": "local", "operation_type": "text_to_video", "params": {"prompt": "x"}}
    r = await client.post("/api/v1/jobs", headers=h, json={**job, "workspace_id": shot["id"]})
    assert r.status_code == 201, r.text
    job_id = r.json()["id"]
    r = await client.post(
        "/api/v1/scenes", headers=h, json={"title": "S", "workspace_id": act["id"]}
    )
    assert r.status_code == 201, r.text
    scene_id = r.json()["id"]

    async def shown(board: dict, who: dict[str, str] = h) -> tuple[set, set, set]:
        q = f"workspace_id={board['id']}"
        found = []
        for path in ("assets", "jobs", "scenes"):
            r = await client.get(f"/api/v1/{path}?{q}", headers=who)
            assert r.status_code == 200, r.text
            found.append({i["id"] for i in r.json()["items"]})
        return found[0], found[1], found[2]

    assert await shown(film) == ({assets["Act 1"], assets["Shot 3"]}, {job_id}, {scene_id})
    assert await shown(act) == ({assets["Act 1"], assets["Shot 3"]}, {job_id}, {scene_id})
    assert await shown(shot) == ({assets["Shot 3"]}, {job_id}, set())
    assert await shown(elsewhere) == ({assets["Ads"]}, set(), set())
    assert await shown(film, other) == (set(), set(), set())  # someone else's board: nothing
