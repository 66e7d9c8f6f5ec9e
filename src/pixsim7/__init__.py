"""PixSim7: a self-hosted AI video studio."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pixsim7")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
