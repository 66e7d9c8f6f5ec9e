"""The built-in `local` provider: an effects renderer on this machine, not an AI model."""

from pixsim7.providers.local.adapter import LocalProvider
from pixsim7.providers.registry import register

register("local", LocalProvider)

__all__ = ["LocalProvider"]
