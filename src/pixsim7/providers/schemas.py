"""What `GET /api/v1/providers` says about each provider: enough to draw its forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pixsim7.fields import JsonObject, Text
from pixsim7.providers.base import OperationSpec, Provider


class ParamRead(BaseModel):
    name: str
    type: str
    label: str
    help: str
    default: Any = None
    required: bool
    choices: list[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None


class InputRead(BaseModel):
    role: str
    media_type: str
    label: str
    help: str
    required: bool
    min_count: int
    max_count: int


class OperationRead(BaseModel):
    type: str
    label: str
    help: str
    params: list[ParamRead]
    inputs: list[InputRead]


class ProviderRead(BaseModel):
    id: str
    name: str
    description: str
    credit_pools: list[str]
    credential_kinds: list[str]
    default_max_concurrency: int
    reports_balance: bool  # false: no balance is shown; jobs run unchecked unless budgeted
    is_local: bool
    deprecation: str | None
    operations: list[OperationRead]
    # For the caller: whether one of their accounts (or a shared one) can run jobs now, and
    # if not, what is missing ("add a Pixverse account").
    ready: bool = True
    missing: str | None = None


def operation_read(spec: OperationSpec) -> OperationRead:
    return OperationRead(
        type=spec.type.value,
        label=spec.label,
        help=spec.help,
        params=[
            ParamRead(
                name=p.name,
                type=p.type.value,
                label=p.label or p.name.replace("_", " "),
                help=p.help,
                default=p.default,
                required=p.required,
                choices=list(p.choices) if p.choices is not None else None,
                minimum=p.minimum,
                maximum=p.maximum,
                max_length=p.max_length,
            )
            for p in spec.params
        ],
        inputs=[
            InputRead(
                role=i.role,
                media_type=i.media_type,
                label=i.label or i.role.replace("_", " "),
                help=i.help,
                required=i.required,
                min_count=i.min_count,
                max_count=i.max_count,
            )
            for i in spec.inputs
        ],
    )


def provider_read(provider: Provider, missing: str | None = None) -> ProviderRead:
    info = provider.info
    return ProviderRead(
        ready=missing is None,
        missing=missing,
        id=info.id,
        name=info.name,
        description=info.description,
        credit_pools=list(info.credit_pools),
        credential_kinds=list(info.credential_kinds),
        default_max_concurrency=info.default_max_concurrency,
        reports_balance=info.reports_balance,
        is_local=info.is_local,
        deprecation=info.deprecation,
        operations=[operation_read(s) for s in provider.operations()],
    )


class WorkflowTemplateWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(default="", max_length=128)
    workflow: JsonObject


class WorkflowTemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    operation_type: str
    name: str
    workflow: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
