"""FastAPI dependencies for the process-wide objects held on `app.state`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.providers.registry import Registry


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_bus(request: Request) -> EventBus:
    return request.app.state.bus


def get_registry(request: Request) -> Registry:
    return request.app.state.registry


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.db.sessionmaker() as session:
        yield session


async def get_reader(request: Request) -> AsyncIterator[AsyncSession]:
    """A session that only reads (`Database.reader`): on SQLite it neither takes nor waits
    for the write lock, and it sees the log lines, which live in a file of their own."""
    async with request.app.state.db.reader() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
ReaderDep = Annotated[AsyncSession, Depends(get_reader)]
DbDep = Annotated[Database, Depends(get_db)]
BusDep = Annotated[EventBus, Depends(get_bus)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
