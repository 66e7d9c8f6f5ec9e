"""Pixverse: adapter for the platform API and the web API, and a fake of both (`fake`)."""

from pixsim7.providers.pixverse.adapter import PixverseProvider
from pixsim7.providers.registry import register

register("pixverse", PixverseProvider)

__all__ = ["PixverseProvider"]
