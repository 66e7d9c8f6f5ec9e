"""An account's base URL under the outbound policy, through the API: refused when saved
(422 naming the field) and again when connecting (even after DNS changes its answer),
allowed by the admin's allow-list or by an admin vouching for one account, which users
cannot do. The test settings' loopback allow-list is cleared here unless a test sets it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from pixsim7.config import Settings
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.runway.fake import create_app as runway_app
from tests.accounts.conftest import API, create
from tests.conftest import LOOPBACK, Dns, Users

PUBLIC = "93.184.216.34"


@pytest.fixture
def allow() -> list[str]:
    return []


@pytest.fixture(scope="module")
def configured_runway() -> Iterator[FakeServer]:
    """Runway's configured base URL (trusted as it is): a fake of its own, so that the
    shared `runway` fake is just another loopback server to these tests."""
    with FakeServer(runway_app(job_seconds=0.0)) as srv:
        yield srv


@pytest.fixture
def settings(settings: Settings, allow: list[str], configured_runway: FakeServer) -> Settings:
    settings.outbound_allow = allow
    settings.runway_base_url = configured_runway.url
    return settings


@pytest.fixture
def rebinding(dns: Dns) -> str:
    """`rebind.test` answers a public address once (when the URL is saved), then loopback;
    `nowhere.test` does not resolve."""
    dns({"rebind.test": [[PUBLIC], [LOOPBACK]], "nowhere.test": [[]]})
    return "rebind.test"


def _key() -> str:
    return f"rk-{uuid.uuid4().hex}"


async def test_private_base_urls_are_refused_when_saved(
    client: httpx.AsyncClient, users: Users, runway: FakeServer, rebinding: str
) -> None:
    alice = await users.create()
    bad = (
        runway.url,
        "http://169.254.169.254/latest/meta-data/?x=",
        "http://[::1]:6379/",
        "http://10.0.0.8:8188",
        "http://nowhere.test/",
    )
    for url in bad:
        r = await client.post(
            API, json={"provider_id": "runway", "api_key": _key(), "base_url": url}, headers=alice
        )
        assert r.status_code == 422, (url, r.text)
        assert "base_url" in r.json()["error"]["fields"], r.json()
    acc = await create(client, alice, api_key=_key())
    for url in bad:
        r = await client.patch(f"{API}/{acc['id']}", json={"base_url": url}, headers=alice)
        assert r.status_code == 422 and "base_url" in r.json()["error"]["fields"], (url, r.text)
    assert (await client.get(f"{API}/{acc['id']}", headers=alice)).json()["base_url"] is None


async def test_base_url_is_checked_again_when_connecting(
    client: httpx.AsyncClient, users: Users, runway: FakeServer, rebinding: str
) -> None:
    """Public when saved, loopback when called: /test and /sync are refused without a
    request leaving, and say so without the URL's path."""
    alice = await users.create()
    key = _key()
    url = f"http://{rebinding}:{runway.port}/latest/meta-data/iam?x="
    acc = await create(client, alice, api_key=key, base_url=url)
    for action in ("test", "sync"):
        r = await client.post(f"{API}/{acc['id']}/{action}", headers=alice)
        assert r.status_code == 200, r.text
        check = r.json()
        assert not check["ok"] and check["error_class"] == "invalid", check
        assert "refused" in check["message"] and "meta-data" not in check["message"]
    assert not [q for q in runway.state.log.all() if key in q.headers.get("authorization", "")]


async def test_an_admin_vouches_for_one_account_and_users_cannot(
    client: httpx.AsyncClient, users: Users, runway: FakeServer
) -> None:
    alice, admin = await users.create(), await users.create(admin=True)
    key = _key()
    body = {"provider_id": "runway", "api_key": key, "base_url": runway.url}
    r = await client.post(API, json={**body, "base_url_trusted": True}, headers=alice)
    assert r.status_code == 403
    acc = await create(client, alice, api_key=key)
    url = f"{API}/{acc['id']}"
    r = await client.patch(
        url, json={"base_url": runway.url, "base_url_trusted": True}, headers=alice
    )
    assert r.status_code == 403
    # The admin points alice's account at a private server and vouches for it.
    r = await client.patch(
        url, json={"base_url": runway.url, "base_url_trusted": True}, headers=admin
    )
    assert r.status_code == 200 and r.json()["base_url_trusted"], r.text
    assert (await client.post(f"{url}/test", headers=alice)).json()["ok"]
    assert (await client.patch(url, json={"nickname": "lan"}, headers=alice)).json()[
        "base_url_trusted"
    ]
    # Alice may not move the vouched-for account elsewhere on the private network...
    elsewhere = runway.url.replace("127.0.0.1", "127.0.0.2")
    r = await client.patch(url, json={"base_url": elsewhere}, headers=alice)
    assert r.status_code == 422 and "base_url" in r.json()["error"]["fields"]
    # ...and moving it to a public host drops the admin's trust.
    r = await client.patch(url, json={"base_url": f"http://{PUBLIC}/"}, headers=alice)
    assert r.status_code == 200 and not r.json()["base_url_trusted"], r.text
    r = await client.patch(url, json={"base_url": runway.url}, headers=alice)
    assert r.status_code == 422
    # An admin's own account, vouched for at creation.
    r = await client.post(API, json={**body, "base_url_trusted": True}, headers=admin)
    assert r.status_code == 201 and r.json()["base_url_trusted"], r.text
    assert (await client.post(f"{API}/{r.json()['id']}/test", headers=admin)).json()["ok"]


@pytest.mark.parametrize("allow", [[LOOPBACK]])
async def test_the_admin_allow_list_lets_a_network_through(
    client: httpx.AsyncClient, users: Users, runway: FakeServer
) -> None:
    alice = await users.create()
    acc = await create(client, alice, api_key=_key(), base_url=runway.url)
    r = await client.post(f"{API}/{acc['id']}/test", headers=alice)
    assert r.json()["ok"], r.text
    # Only the listed network: another loopback address stays refused.
    other = runway.url.replace("127.0.0.1", "127.0.0.2")
    r = await client.patch(f"{API}/{acc['id']}", json={"base_url": other}, headers=alice)
    assert r.status_code == 422


async def test_the_configured_base_url_is_trusted_as_it_is_and_for_its_provider(
    client: httpx.AsyncClient, users: Users
) -> None:
    """PIXSIM7_COMFYUI_BASE_URL (default http://127.0.0.1:8188) may be an account's base URL;
    the same server by another path (a query swallowing our paths) or for another provider
    may not: it would let a user call any endpoint of the admin's server."""
    alice = await users.create()
    comfy = "http://127.0.0.1:8188"
    r = await client.post(API, json={"provider_id": "comfyui", "base_url": comfy}, headers=alice)
    assert r.status_code == 201, r.text
    for provider_id, url in (
        ("comfyui", f"{comfy}/interrupt?x="),
        ("comfyui", f"{comfy}/api"),
        ("runway", comfy),
    ):
        r = await client.post(
            API,
            json={"provider_id": provider_id, "api_key": _key(), "base_url": url},
            headers=alice,
        )
        assert r.status_code == 422 and "base_url" in r.json()["error"]["fields"], (url, r.text)
