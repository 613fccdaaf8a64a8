"""socialmon: a social media engagement monitor for small and medium businesses."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("socialmon")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
