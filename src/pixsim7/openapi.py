"""The API's documented contract, completed in one place for every operation.

FastAPI documents what a route's signature shows. The rest is added here, so that every
route, present or future, documents what it really answers: the bearer scheme on every
operation that needs a signed-in user, and the error envelope (`ErrorResponse`) under
each status an operation can answer. Those are derived from the route: 401 when it needs
a user, 403 when an admin, 404 when a path names an object, 413 when it takes a body, 415
when the body is a form, 422 when it takes any input. Statuses that only the route's logic
knows (403 for a shared account, 409, 429, 502) it declares itself in `responses`, with a
description; they get the envelope here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, Field

from pixsim7.auth.deps import admin_user, current_principal

SCHEME = "bearer"
# What a Server-Sent Events response is documented as: each event, as a client parses it
# (the `text/event-stream` schema describes one event, not the body as one string).
SSE_EVENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "event": {"type": "string"},
        "data": {"type": "string", "description": "the event's JSON"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
}
ENVELOPE = {"$ref": "#/components/schemas/ErrorResponse"}
ERRORS: dict[int, str] = {
    401: "Not signed in, or the token has expired or was revoked.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or it is not yours.",
    409: "The object's state does not allow this now.",
    413: "The request body is too large.",
    415: "The request body is not of a media type this operation takes.",
    422: "Invalid input: `error.fields` names each bad field.",
    429: "Too many requests, or a quota is used up; `Retry-After` says when to try again.",
    502: "The provider could not be reached or answered with an error.",
    503: "A service this operation needs is unavailable.",
}


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable, e.g. `validation_error`, `job_not_found`")
    message: str
    fields: dict[str, str] = Field(description="field (dotted path) -> what is wrong with it")


class ErrorResponse(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses` for a route whose logic may answer these statuses, described in
    general words (a route with words of its own writes ``{409: {"description": ...}}``)."""
    return {status: {"description": ERRORS[status]} for status in statuses}


def install(app: FastAPI) -> None:
    """Serve the completed document at the app's OpenAPI URL (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    models = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, not ours
        models.pop(unused, None)
    models.update(
        ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")["$defs"]
    )
    models["ErrorResponse"] = ErrorResponse.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    models["ErrorResponse"].pop("$defs", None)
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The `access_token` of `POST /api/v1/auth/login`.",
    }
    # Included routers are not flattened into `app.routes`: their routes are reached, with
    # the prefixes and dependencies they were included with, as route contexts.
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            for method in route.methods or ():
                operation = schema["paths"][route.path_format].get(method.lower())
                if operation is not None:
                    _complete(operation, route)
    return schema


def _complete(operation: dict[str, Any], route: RouteContext) -> None:
    calls = set(_calls(route.dependant))
    if current_principal in calls or "security" in operation:
        operation["security"] = [{SCHEME: []}]
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in sorted(_statuses(operation, route, calls)):
        answer = responses.setdefault(str(status), {})
        if status == 422 or not answer.get("description"):
            answer["description"] = ERRORS[status]
        if status == 422 or not answer.get("content", {}).get("application/json", {}).get("schema"):
            answer["content"] = {"application/json": {"schema": ENVELOPE}}  # unless its own


def _statuses(
    operation: dict[str, Any], route: RouteContext, calls: set[Callable[..., Any]]
) -> set[int]:
    dependant = route.dependant
    body = operation.get("requestBody", {}).get("content", {})
    inputs = [*dependant.path_params, *dependant.query_params, *dependant.header_params]
    statuses = {int(s) for s in operation.get("responses", {}) if s.isdigit() and int(s) >= 400}
    if "security" in operation:
        statuses.add(401)
    if admin_user in calls:
        statuses.add(403)
    if dependant.path_params:
        statuses.add(404)
    if body:
        statuses |= {413, 422}
    if "multipart/form-data" in body:
        statuses.add(415)
    if inputs:
        statuses.add(422)
    return statuses


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)
