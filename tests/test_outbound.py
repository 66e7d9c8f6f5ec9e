"""The outbound policy at the connection: special addresses refused, the allow-list and
trusted origins honoured, DNS read once and the checked address connected to, every
redirect hop checked, TLS verified against the host name, and errors that name no remote
path or body. Servers here are real (loopback); names resolve through the resolver seam."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import os
import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pixsim7 import outbound
from pixsim7.config import Settings
from pixsim7.providers.base import ErrorClass, ProviderError
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.http import HttpClient, HttpClients
from tests.conftest import Dns

PUBLIC = "93.184.216.34"


class Origin:
    """A loopback server: /redirect?to= redirects, /fail answers 500 with a body, any
    other path answers its name; every hit is counted."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.server = FakeServer(
            Starlette(routes=[Route("/{path:path}", self.serve, methods=["GET", "POST"])])
        )

    async def serve(self, request: Request) -> Response:
        self.hits.append(request.url.path)
        if request.url.path == "/redirect":
            return RedirectResponse(request.query_params["to"], status_code=302)
        if request.url.path.startswith("/fail"):
            return Response("secret-body-text", status_code=500)
        return Response(request.url.path)

    @property
    def port(self) -> int:
        return self.server.port


@pytest.fixture
def origins() -> Iterator[tuple[Origin, Origin]]:
    a, b = Origin(), Origin()
    with a.server, b.server:
        yield a, b


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.20",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b:1::1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2001:db8::1",
    ],
)
def test_special_addresses_are_not_public(address: str) -> None:
    assert not outbound.is_public(ipaddress.ip_address(address))
    assert not outbound.Policy().allows(ipaddress.ip_address(address))


def test_public_addresses_pass() -> None:
    for address in ("8.8.8.8", PUBLIC, "2606:4700::1111", "64:ff9b::808:808"):
        assert outbound.is_public(ipaddress.ip_address(address)), address


def test_settings_give_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXSIM7_OUTBOUND_ALLOW", "192.168.1.0/24, Comfy.LAN ,10.0.0.5")
    monkeypatch.setenv("PIXSIM7_COMFYUI_BASE_URL", "http://127.0.0.1:8188")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.outbound_allow == ["192.168.1.0/24", "Comfy.LAN", "10.0.0.5"]
    rules = outbound.policy(settings)
    assert rules.allows(ipaddress.ip_address("192.168.1.77"))
    assert rules.allows(ipaddress.ip_address("10.0.0.5"))
    assert not rules.allows(ipaddress.ip_address("10.0.0.6"))
    assert rules.trusts_host("comfy.lan", 80) and rules.trusts_host("comfy.lan.", 8188)
    # A provider's configured base URL: its host and port, for calls to exactly that URL.
    assert not rules.trusts_host("127.0.0.1", 8188)
    comfy = outbound.configured_base(settings, "comfyui")
    assert comfy == "http://127.0.0.1:8188" and outbound.configured_base(settings, "local") is None
    calls = outbound.for_base(rules, comfy + "/", configured=comfy, trusted=False)
    assert calls.trusts_host("127.0.0.1", 8188) and not calls.trusts_host("127.0.0.1", 6379)
    for other in (comfy + "/interrupt?x=", "http://127.0.0.1:8189"):
        assert not outbound.for_base(rules, other, configured=comfy, trusted=False).trusts_host(
            "127.0.0.1", 8188
        )
    vouched = outbound.for_base(rules, "http://10.9.9.9:81/x", configured=comfy, trusted=True)
    assert vouched.trusts_host("10.9.9.9", 81)
    monkeypatch.setenv("PIXSIM7_OUTBOUND_ALLOW", "192.168.1.0/24,not a host!")
    with pytest.raises(ValidationError, match="not a host"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.delenv("PIXSIM7_OUTBOUND_ALLOW")
    monkeypatch.setenv("PIXSIM7_ALLOW_PRIVATE_URLS", "true")
    assert outbound.policy(Settings(_env_file=None)).allows(  # type: ignore[call-arg]
        ipaddress.ip_address("127.0.0.1")
    )


async def _get(
    rules: outbound.Policy, url: str, verify: ssl.SSLContext | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(transport=outbound.transport(rules, verify=verify)) as client:
        return await client.get(url)


async def test_the_checked_address_is_the_one_connected_to(
    origins: tuple[Origin, Origin], dns: Dns
) -> None:
    a, _ = origins
    looked_up = dns({"files.test": [["127.0.0.1"]], "flip.test": [[PUBLIC], ["127.0.0.1"]]})
    # A name only our resolver knows: the connection goes where it said, once per connection.
    allowed = outbound.Policy(hosts=frozenset({"files.test"}))
    assert (await _get(allowed, f"http://files.test:{a.port}/x")).text == "/x"
    assert looked_up == ["files.test"] and a.hits == ["/x"]
    # Rebinding: public when the URL was checked, loopback when connecting. The connection
    # resolves for itself and refuses; nothing reaches the server.
    await outbound.check_url(f"http://flip.test:{a.port}/", outbound.Policy())
    with pytest.raises(outbound.Refused):
        await _get(outbound.Policy(), f"http://flip.test:{a.port}/y")
    assert a.hits == ["/x"]
    # One refused address among public ones refuses the host.
    dns({"mixed.test": [[PUBLIC, "127.0.0.1"]]})
    with pytest.raises(outbound.Refused):
        await _get(outbound.Policy(), f"http://mixed.test:{a.port}/z")
    with pytest.raises(outbound.Refused):
        await _get(outbound.Policy(), f"http://[::ffff:127.0.0.1]:{a.port}/z")
    with pytest.raises(outbound.Refused):
        await outbound.check_url(f"http://127.0.0.1:{a.port}/", outbound.Policy())
    assert a.hits == ["/x"]


async def test_every_redirect_hop_is_checked(
    origins: tuple[Origin, Origin], tmp_path: Path
) -> None:
    a, b = origins
    # A provider whose configured base URL (trusted) redirects to another loopback port.
    clients = HttpClients(f"http://127.0.0.1:{a.port}", timeout_s=5)
    http = clients.get()
    inward = f"/redirect?to=http://127.0.0.1:{b.port}/latest/meta-data/"
    try:
        with pytest.raises(ProviderError) as download:
            await http.stream_download(inward, tmp_path / "out.mp4", max_bytes=1000)
        with pytest.raises(ProviderError) as call:
            await http.request("GET", inward)
        assert (await http.request("GET", "/fine")).text == "/fine"
    finally:
        await clients.aclose()
    for caught in (download, call):
        assert caught.value.error_class == ErrorClass.INVALID
        assert caught.value.code == "outbound_refused"
        assert "meta-data" not in caught.value.message and str(b.port) not in caught.value.message
    assert b.hits == [] and os.listdir(tmp_path) == []


async def test_errors_name_no_remote_path_or_body(origins: tuple[Origin, Origin]) -> None:
    a, _ = origins
    base = f"http://127.0.0.1:{a.port}/latest/meta-data/iam?x="
    http = HttpClient(base, timeout_s=5, policy=outbound.Policy().trusting(base))
    try:
        with pytest.raises(ProviderError) as failed:
            await http.request("POST", f"http://127.0.0.1:{a.port}/fail/latest/meta-data/iam")
    finally:
        await http.aclose()
    message = failed.value.message
    assert failed.value.http_status == 500 and "500" in message
    assert "meta-data" not in message and "secret" not in message and "/fail" not in message


async def test_tls_verifies_the_host_name_not_the_address(dns: Dns, tmp_path: Path) -> None:
    server_ctx, client_ctx = _tls_pair("secure.test", tmp_path)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    dns({"secure.test": [["127.0.0.1"]], "other.test": [["127.0.0.1"]]})
    loopback = outbound.Policy(networks=(ipaddress.ip_network("127.0.0.1/32"),))
    async with server:
        response = await _get(loopback, f"https://secure.test:{port}/", verify=client_ctx)
        assert response.text == "ok"
        # Same socket address, other names: the certificate does not match them.
        for url in (f"https://other.test:{port}/", f"https://127.0.0.1:{port}/"):
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await _get(loopback, url, verify=client_ctx)


def _tls_pair(name: str, tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for `name`: the server's context and a client trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server_ctx, ssl.create_default_context(cadata=pem.decode())


def test_only_policy_aware_modules_make_http_clients() -> None:
    """Requests made for users go through `outbound.transport` (HttpClient, fetch and the
    media cache use it). A new module making its own httpx client would bypass the policy:
    make it use HttpClient or `outbound.transport`, then list it here."""
    src = Path(outbound.__file__).parent
    allowed = {
        "providers/http.py",
        "assets/fetch.py",
        "assets/cache.py",
        "system/services.py",  # probes the admin's own provider base URLs (/services)
        # `pixsim7 device-agent`: a process on the phones' machine calling the server it was
        # pointed at by whoever runs it; the server makes no request through it.
        "automation/agent.py",
    }
    unguarded = {"system/services.py", "automation/agent.py"}
    found = set()
    for path in src.rglob("*.py"):
        name = path.relative_to(src).as_posix()
        text = path.read_text()
        if "fake" in name or not re.search(r"httpx\.(Async)?Client\(|httpx\.(get|post)\(", text):
            continue
        found.add(name)
        if name not in unguarded:
            assert "outbound.transport(" in text, name
    assert found == allowed, found ^ allowed
