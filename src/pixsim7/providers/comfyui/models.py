"""A user's own ComfyUI workflow, one per operation, used instead of the shipped one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pixsim7.db import Base, BigId, IdMixin, JSONType, TimestampMixin


class WorkflowTemplate(IdMixin, TimestampMixin, Base):
    __tablename__ = "comfyui_workflow_templates"
    __table_args__ = (UniqueConstraint("owner_id", "operation_type"),)

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    operation_type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128), default="")
    workflow: Mapped[dict[str, Any]] = mapped_column(JSONType)
