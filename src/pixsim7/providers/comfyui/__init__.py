"""ComfyUI: a user's own GPU server, driven through workflow templates."""

from pixsim7.providers.comfyui.adapter import ComfyUIProvider
from pixsim7.providers.registry import register

register("comfyui", ComfyUIProvider)

__all__ = ["ComfyUIProvider"]
