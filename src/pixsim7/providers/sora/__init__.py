"""OpenAI Sora through the Videos API (deprecated by OpenAI; shutdown announced for
2026-09-24): text or image to video, and remix."""

from __future__ import annotations

from pixsim7 import outbound
from pixsim7.config import Settings
from pixsim7.providers.registry import register
from pixsim7.providers.sora.adapter import SoraProvider

__all__ = ["SoraProvider"]


def _make(settings: Settings) -> SoraProvider:
    return SoraProvider(
        settings.sora_base_url,
        timeout_s=settings.provider_timeout_s,
        policy=outbound.policy(settings),
    )


register("sora", _make)
