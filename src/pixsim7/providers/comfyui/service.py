"""Users' registered ComfyUI workflows: stored validated, looked up when a job is submitted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.providers.base import OperationType
from pixsim7.providers.comfyui.models import WorkflowTemplate
from pixsim7.providers.comfyui.templates import REQUIRED, validate_template

MAX_WORKFLOW_BYTES = 512 * 1024


class TemplateNotFound(errors.NotFound):
    code = "template_not_found"


def _operation(operation_type: str) -> OperationType:
    op = next((o for o in REQUIRED if o.value == operation_type), None)
    if op is None:
        allowed = ", ".join(o.value for o in REQUIRED)
        raise errors.ValidationFailed(
            "no ComfyUI template for this operation",
            fields={"operation_type": f"must be one of {allowed}"},
        )
    return op


async def list(session: AsyncSession, owner_id: int) -> Sequence[WorkflowTemplate]:
    stmt = select(WorkflowTemplate).where(WorkflowTemplate.owner_id == owner_id)
    return (await session.scalars(stmt.order_by(WorkflowTemplate.operation_type))).all()


async def get_for(
    session: AsyncSession, owner_id: int, operation_type: str
) -> WorkflowTemplate | None:
    stmt = select(WorkflowTemplate).where(
        WorkflowTemplate.owner_id == owner_id, WorkflowTemplate.operation_type == operation_type
    )
    return (await session.scalars(stmt)).first()


async def put(
    session: AsyncSession,
    owner_id: int,
    operation_type: str,
    *,
    name: str,
    workflow: dict[str, Any],
) -> WorkflowTemplate:
    """Register (or replace) the user's workflow for one operation, after validating it."""
    op = _operation(operation_type)
    if len(json.dumps(workflow)) > MAX_WORKFLOW_BYTES:
        raise errors.ValidationFailed("workflow too large", fields={"workflow": "at most 512 KiB"})
    validate_template(op, workflow, field="workflow")
    row = await get_for(session, owner_id, op.value)
    if row is None:
        row = WorkflowTemplate(owner_id=owner_id, operation_type=op.value)
        session.add(row)
    row.name = name
    row.workflow = workflow
    await session.commit()
    return row


async def delete(session: AsyncSession, owner_id: int, operation_type: str) -> None:
    row = await get_for(session, owner_id, operation_type)
    if row is None:
        raise TemplateNotFound("no template registered for this operation")
    await session.delete(row)
    await session.commit()
