"""Presets: the built-in ones (everyone may run them), and each user's own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.automation import actions as A
from pixsim7.automation import seeds
from pixsim7.automation.models import AutomationPreset
from pixsim7.automation.schemas import PresetCreate, PresetRead, PresetUpdate, _check_actions
from pixsim7.db import insert_ignore
from pixsim7.pagination import paginate
from pixsim7.users.models import User


class PresetNotFound(errors.NotFound):
    code = "preset_not_found"


class BuiltinPreset(errors.Forbidden):
    code = "builtin_preset"


def _builtin_key(seed: dict[str, Any]) -> str:
    return f"{seed['provider_id']}.{seed['category']}"


async def ensure_builtin(session: AsyncSession) -> None:
    """The seeded presets exist (once, whoever asks first; a changed seed is written over
    the built-in row, which no user can edit). Commits."""
    rows = {
        p.builtin_key: p
        for p in await session.scalars(
            select(AutomationPreset).where(AutomationPreset.builtin_key.is_not(None))
        )
    }
    changed = False
    for seed in seeds.PRESETS:
        key = _builtin_key(seed)
        values = {k: seed[k] for k in ("name", "description", "category", "provider_id")}
        row = rows.get(key)
        if row is None:
            await insert_ignore(
                session,
                AutomationPreset,
                {**values, "builtin_key": key, "actions": seed["actions"], "variables": {}},
            )
            changed = True
        elif row.actions != seed["actions"] or row.name != seed["name"]:
            row.actions, row.name, row.description = (
                seed["actions"],
                seed["name"],
                values["description"],
            )
            changed = True
    if changed:
        await session.commit()


def read(preset: AutomationPreset, user: User) -> PresetRead:
    return PresetRead(
        id=preset.id,
        owner_id=preset.owner_id,
        is_builtin=preset.builtin_key is not None,
        can_edit=preset.builtin_key is None and preset.owner_id == user.id,
        name=preset.name,
        description=preset.description,
        category=preset.category,
        provider_id=preset.provider_id,
        actions=preset.actions,
        variables=preset.variables or {},
        created_at=preset.created_at,
        updated_at=preset.updated_at,
    )


async def get_owned(session: AsyncSession, user: User, preset_id: int) -> AutomationPreset:
    """A preset the user may run: a built-in one or their own."""
    preset = await session.get(AutomationPreset, preset_id)
    if preset is None or not (preset.builtin_key is not None or preset.owner_id == user.id):
        raise PresetNotFound("preset not found")
    return preset


async def _editable(session: AsyncSession, user: User, preset_id: int) -> AutomationPreset:
    preset = await get_owned(session, user, preset_id)
    if preset.builtin_key is not None:
        raise BuiltinPreset("built-in presets cannot be changed; create a copy")
    return preset


async def list_page(
    session: AsyncSession, user: User, *, cursor: str | None, limit: int
) -> tuple[list[PresetRead], str | None]:
    await ensure_builtin(session)
    stmt = select(AutomationPreset).where(
        or_(AutomationPreset.owner_id == user.id, AutomationPreset.builtin_key.is_not(None))
    )
    rows, next_cursor = await paginate(
        session, stmt, id_column=AutomationPreset.id, cursor=cursor, limit=limit, descending=False
    )
    return [read(p, user) for p in rows], next_cursor


async def create(session: AsyncSession, user: User, data: PresetCreate) -> PresetRead:
    preset = AutomationPreset(
        owner_id=user.id,
        name=data.name,
        description=data.description,
        category=data.category.value,
        provider_id=data.provider_id,
        actions=A.dump(data.actions),
        variables=data.variables,
    )
    session.add(preset)
    await session.commit()
    return read(preset, user)


async def update(
    session: AsyncSession, user: User, preset_id: int, data: PresetUpdate
) -> PresetRead:
    preset = await _editable(session, user, preset_id)
    changes = data.model_dump(exclude_unset=True)
    parsed = data.actions if data.actions is not None else A.parse(preset.actions)
    variables = data.variables if data.variables is not None else (preset.variables or {})
    try:
        _check_actions(parsed, variables)
    except ValueError as exc:
        raise errors.ValidationFailed(str(exc), fields={"actions": str(exc)}) from exc
    if "actions" in changes:
        changes["actions"] = A.dump(parsed)
    if "category" in changes:
        changes["category"] = changes["category"].value if changes["category"] else None
    for name, value in changes.items():
        setattr(preset, name, value)
    await session.commit()
    return read(preset, user)


async def delete(session: AsyncSession, user: User, preset_id: int) -> None:
    preset = await _editable(session, user, preset_id)
    await session.delete(preset)
    await session.commit()
