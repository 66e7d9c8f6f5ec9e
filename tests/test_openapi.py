"""The documented contract: every operation's inputs are bounded by the shared field types,
its errors and its security are declared, and the docs page is served from the package.

A route that takes a plain ``str`` or ``int`` (or whose types FastAPI dropped: a top-level
``Annotated`` type with a ``Query(...)`` default loses its constraints) fails here, before
the fuzz test has to find the 500 it would give."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import FastAPI

from pixsim7.app import create_app
from pixsim7.config import Settings
from pixsim7.fields import INT64_MAX

STRING_FORMATS = {"date-time", "email", "uri", "binary"}
SIGNED_IN_FREE = {
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/register"),
    ("GET", "/api/v1/auth/registration"),
}


def _document() -> dict[str, Any]:
    return create_app(Settings(_env_file=None, secret_key="k" * 40)).openapi()  # type: ignore[call-arg]


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _unbounded(
    doc: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]
) -> Iterator[str]:
    """Each string that may hold NUL and each integer without both bounds, by place."""
    ref = schema.get("$ref")
    if ref in seen:
        return
    if ref:
        seen = seen | {ref}
    schema = _resolve(doc, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _unbounded(doc, part, where, seen)
    for name, sub in schema.get("properties", {}).items():
        yield from _unbounded(doc, sub, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(key), dict):
            yield from _unbounded(doc, schema[key], f"{where}[]", seen)
    kind = schema.get("type")
    if "enum" in schema or "const" in schema:
        return
    if kind == "string" and "pattern" not in schema and schema.get("format") not in STRING_FORMATS:
        yield f"{where}: a string that may hold NUL"
    if kind == "string" and "pattern" in schema and re.fullmatch(schema["pattern"], "a\x00b"):
        yield f"{where}: a pattern that lets NUL through"
    if kind == "integer" and not {"minimum", "maximum"} <= schema.keys():
        yield f"{where}: an integer without bounds"


def test_every_input_is_bounded_by_the_shared_types() -> None:
    doc = _document()
    found: list[str] = []
    for method, path, operation in _operations(doc):
        label = f"{method} {path}"
        for param in operation.get("parameters", []):
            where = f"{label} {param['in']} {param['name']}"
            found += _unbounded(doc, param["schema"], where, set())
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            found += _unbounded(doc, content["schema"], f"{label} body ({media})", set())
    assert not found, "\n".join(found)


def test_every_operation_declares_its_errors_and_security() -> None:
    doc = _document()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    envelope = {"$ref": "#/components/schemas/ErrorResponse"}
    for method, path, operation in _operations(doc):
        label = f"{method} {path}"
        assert operation.get("summary"), label
        errors = {int(s): r for s, r in operation["responses"].items() if int(s) >= 400}
        for status, answer in errors.items():
            assert answer["description"], (label, status)
            if (label, status) != ("GET /api/v1/health", 503):  # the health report itself
                assert answer["content"]["application/json"]["schema"] == envelope, (label, status)
        signed_in = (method, path) not in SIGNED_IN_FREE
        assert (operation.get("security") == [{"bearer": []}]) is signed_in, label
        assert (401 in errors) is (signed_in or path.endswith("/login")), label
        if "{" in path:
            assert 404 in errors, label
        if operation.get("parameters") or "requestBody" in operation:
            assert 422 in errors, label
        if "requestBody" in operation:
            assert 413 in errors, label
    upload = doc["paths"]["/api/v1/assets/upload"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and form["properties"]["file"]["format"] == "binary"
    assert {413, 415, 422, 429} <= {int(s) for s in upload["responses"]}
    assert "403" in doc["paths"]["/api/v1/users/{user_id}"]["patch"]["responses"]
    assert "409" in doc["paths"]["/api/v1/jobs/{job_id}/cancel"]["post"]["responses"]
    ids = doc["paths"]["/api/v1/jobs/{job_id}"]["get"]["parameters"][0]["schema"]
    assert (ids["minimum"], ids["maximum"]) == (1, INT64_MAX)


async def test_the_docs_page_is_served_from_the_package(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    html = page.text
    # No inline script or style: the page works under a CSP of `script-src 'self'`.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), html
    assert "<style" not in html and " style=" not in html and "onload" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
    for source in sources:
        r = await client.get(source)
        assert r.status_code == 200 and r.content, source
    assert (await client.get("/docs/assets/../app.py")).status_code == 404
    assert (await client.get("/docs/assets/nope.js")).status_code == 404
    assert (await client.get(app.openapi_url or "")).json()["info"]["title"] == "PixSim7"
    assert "cdn" not in (await client.get("/redoc")).text  # no page that needs the internet
