"""socialmon: a social media engagement monitor for small and medium businesses."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata only when asked for (`--version`, a
    # User-Agent): every other command starts without that lookup.
    if name != "__version__":
        raise AttributeError(f"module 'socialmon' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("socialmon")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
