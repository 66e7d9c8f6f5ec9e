from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Check = Literal["ok", "error", "disabled"]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: Check
    database_dialect: str
    redis: Check
