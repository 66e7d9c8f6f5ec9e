"""Runway (api.dev.runwayml.com): image-to-video, text-to-video and first/last-frame
generation through its developer API."""

from __future__ import annotations

from pixsim7 import outbound
from pixsim7.config import Settings
from pixsim7.providers.registry import register
from pixsim7.providers.runway.adapter import RunwayProvider

__all__ = ["RunwayProvider"]


def _make(settings: Settings) -> RunwayProvider:
    return RunwayProvider(
        settings.runway_base_url,
        timeout_s=settings.provider_timeout_s,
        policy=outbound.policy(settings),
    )


register("runway", _make)
