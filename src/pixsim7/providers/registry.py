"""Which providers exist. Adapters are built once per process from settings."""

from __future__ import annotations

from collections.abc import Callable

from pixsim7.config import Settings
from pixsim7.providers.base import Provider

# provider id -> factory; each adapter package registers itself in `_load`.
_FACTORIES: dict[str, Callable[[Settings], Provider]] = {}


def register(provider_id: str, factory: Callable[[Settings], Provider]) -> None:
    _FACTORIES[provider_id] = factory


class Registry:
    """The adapters of one process, keyed by provider id."""

    def __init__(self, settings: Settings) -> None:
        _load()
        self._providers = {pid: make(settings) for pid, make in sorted(_FACTORIES.items())}

    def get(self, provider_id: str) -> Provider | None:
        return self._providers.get(provider_id)

    def all(self) -> list[Provider]:
        return list(self._providers.values())

    def ids(self) -> list[str]:
        return list(self._providers)

    async def aclose(self) -> None:
        for provider in self._providers.values():
            await provider.aclose()


def _load() -> None:
    # Importing an adapter package registers it. Listed here, not discovered, so a
    # newcomer sees every provider in one place.
    import importlib

    for name in ("local", "pixverse", "runway", "sora", "comfyui"):
        importlib.import_module(f"pixsim7.providers.{name}")
