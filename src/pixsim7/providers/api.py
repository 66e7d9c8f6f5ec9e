from __future__ import annotations

from fastapi import APIRouter, status

from pixsim7 import errors
from pixsim7.accounts import readiness
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import RegistryDep, SessionDep
from pixsim7.fields import Text
from pixsim7.pagination import Page
from pixsim7.providers.comfyui import service as templates_service
from pixsim7.providers.schemas import (
    ProviderRead,
    WorkflowTemplateRead,
    WorkflowTemplateWrite,
    provider_read,
)

router = APIRouter(prefix="/providers", tags=["providers"])


# Both lists are short and whole (a handful of providers; one template per operation), so
# they answer the list envelope of every list with no next page.


@router.get("", response_model=Page[ProviderRead])
async def list_providers(
    user: CurrentUser, session: SessionDep, registry: RegistryDep
) -> Page[ProviderRead]:
    providers = registry.all()
    missing = await readiness.missing(session, user, providers)
    return Page(items=[provider_read(p, missing[p.info.id]) for p in providers])


@router.get("/comfyui/templates", response_model=Page[WorkflowTemplateRead])
async def list_templates(user: CurrentUser, session: SessionDep) -> Page[WorkflowTemplateRead]:
    rows = await templates_service.list(session, user.id)
    return Page(items=[WorkflowTemplateRead.model_validate(r) for r in rows])


@router.put("/comfyui/templates/{operation_type}", response_model=WorkflowTemplateRead)
async def put_template(
    operation_type: Text, data: WorkflowTemplateWrite, user: CurrentUser, session: SessionDep
) -> WorkflowTemplateRead:
    row = await templates_service.put(
        session, user.id, operation_type, name=data.name, workflow=data.workflow
    )
    return WorkflowTemplateRead.model_validate(row)


@router.delete("/comfyui/templates/{operation_type}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(operation_type: Text, user: CurrentUser, session: SessionDep) -> None:
    await templates_service.delete(session, user.id, operation_type)


@router.get("/{provider_id}", response_model=ProviderRead)
async def get_provider(
    provider_id: Text, user: CurrentUser, session: SessionDep, registry: RegistryDep
) -> ProviderRead:
    provider = registry.get(provider_id)
    if provider is None:
        raise errors.NotFound("unknown provider", code="provider_not_found")
    missing = await readiness.missing(session, user, [provider])
    return provider_read(provider, missing[provider_id])
