from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from pixsim7.accounts import manage, service, sync, views
from pixsim7.accounts.schemas import (
    AccountCreate,
    AccountRead,
    AccountSaved,
    AccountUpdate,
    BulkCreditUpdate,
    CreditSet,
    ImportCookies,
    ImportResult,
    ProviderCheck,
    SyncResult,
)
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, RegistryDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.get("", response_model=Page[AccountRead])
async def list_accounts(
    user: CurrentUser,
    session: SessionDep,
    cursor: Text | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    provider_id: Text | None = None,
    status: Text | None = None,
) -> Page[AccountRead]:
    items, next_cursor = await manage.list(
        session, user, cursor=cursor, limit=limit, provider_id=provider_id, status=status
    )
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "",
    response_model=AccountSaved,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(403, 429),
)
async def create_account(
    data: AccountCreate,
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
    settings: SettingsDep,
) -> AccountSaved:
    return await manage.create(
        session, bus=bus, registry=registry, settings=settings, user=user, data=data
    )


# Declared before "/{account_id}" routes so the literal paths win.
@router.post("/credits/bulk-update", response_model=list[AccountRead])
async def bulk_update_credits(
    data: BulkCreditUpdate,
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
) -> list[AccountRead]:
    return list(
        await manage.bulk_update_credits(session, bus=bus, registry=registry, user=user, data=data)
    )


@router.post(
    "/import-cookies", response_model=ImportResult, responses=error_responses(409, 429, 502)
)
async def import_cookies(
    data: ImportCookies,
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
    settings: SettingsDep,
) -> ImportResult:
    return await sync.import_cookies(
        session, bus=bus, registry=registry, settings=settings, user=user, data=data
    )


@router.get("/{account_id}", response_model=AccountRead)
async def get_account(account_id: Id, user: CurrentUser, session: SessionDep) -> AccountRead:
    account = await service.get_owned(session, user, account_id)
    return await views.read(session, user, account)


@router.patch("/{account_id}", response_model=AccountSaved, responses=error_responses(403, 409))
async def update_account(
    account_id: Id,
    data: AccountUpdate,
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
    settings: SettingsDep,
) -> AccountSaved:
    return await manage.update(
        session,
        bus=bus,
        registry=registry,
        settings=settings,
        user=user,
        account_id=account_id,
        data=data,
    )


@router.delete(
    "/{account_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(403, 409)
)
async def delete_account(
    account_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep
) -> None:
    await manage.delete(session, bus=bus, user=user, account_id=account_id)


@router.post("/{account_id}/credits", response_model=AccountRead, responses=error_responses(403))
async def set_credits(
    account_id: Id,
    data: CreditSet,
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
) -> AccountRead:
    return await manage.set_credits(
        session, bus=bus, registry=registry, user=user, account_id=account_id, data=data
    )


@router.delete("/{account_id}/credits/{credit_type}", response_model=AccountRead)
async def clear_credits(
    account_id: Id,
    credit_type: Annotated[Text, Path(max_length=64)],
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
) -> AccountRead:
    return await manage.clear_credits(
        session,
        bus=bus,
        registry=registry,
        user=user,
        account_id=account_id,
        credit_type=credit_type,
    )


@router.post("/{account_id}/sync", response_model=SyncResult, responses=error_responses(403))
async def sync_account(
    account_id: Id,
    user: CurrentUser,
    session: SessionDep,
    bus: BusDep,
    registry: RegistryDep,
    settings: SettingsDep,
) -> SyncResult:
    return await sync.sync(
        session, bus=bus, registry=registry, settings=settings, user=user, account_id=account_id
    )


@router.post("/{account_id}/test", response_model=ProviderCheck, responses=error_responses(403))
async def test_account(
    account_id: Id,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
) -> ProviderCheck:
    return await sync.test(
        session, registry=registry, settings=settings, user=user, account_id=account_id
    )
