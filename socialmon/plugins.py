"""Connector discovery through the `socialmon.connectors` entry-point group.

The built-in connectors are registered the same way a third-party package registers
its own. A connector that fails to import is reported as a problem, not a crash: the
other channels still scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from socialmon_connectors.base import Connector

ENTRY_POINT_GROUP = "socialmon.connectors"


@dataclass
class ConnectorRegistry:
    """The connectors by platform name. Entry points are imported only when asked for (a scan of a
    `file` channel does not import the API connectors and their HTTP stack: about 0.2 s of a
    command's start, measured with `python -X importtime`); listing them all imports them all."""

    connectors: dict[str, type[Connector]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # connector name -> distribution that provides it
    problems: list[str] = field(default_factory=list)
    _unloaded: dict[str, EntryPoint] = field(default_factory=dict, repr=False)
    _failed: dict[str, str] = field(default_factory=dict, repr=False)  # name -> why it did not load

    @classmethod
    def from_entry_points(cls) -> ConnectorRegistry:
        registry = cls()
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            # Its package's name is read when it is loaded: reading every package's metadata
            # up front took a tenth of a second of each command's start.
            registry._unloaded[entry.name] = entry
        return registry

    @classmethod
    def of(cls, *connectors: type[Connector]) -> ConnectorRegistry:
        """An explicit registry, for tests and embedding."""
        registry = cls()
        for connector in connectors:
            registry.add(connector)
        return registry

    def add(self, connector: type[Connector], *, name: str | None = None, source: str = "") -> None:
        self.connectors[name or connector.name] = connector
        self.sources[name or connector.name] = source

    def _load(self, name: str) -> None:
        entry = self._unloaded.pop(name, None)
        if entry is None:
            return
        source = entry.dist.name if entry.dist else "?"
        try:
            loaded = entry.load()
        except Exception as error:  # a broken plug-in must not take the others down
            self._fail(name, f"connector {name!r} from {source} failed to load: {error}")
            return
        if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
            self._fail(name, f"connector {name!r} from {source} is not a Connector subclass")
            return
        self.add(loaded, name=name, source=source)

    def _fail(self, name: str, problem: str) -> None:
        self._failed[name] = problem
        self.problems.append(problem)

    def load_all(self) -> ConnectorRegistry:
        """Import every connector (to list them, or to check them all); problems are then complete."""
        for name in list(self._unloaded):
            self._load(name)
        return self

    def names(self) -> list[str]:
        return sorted(self.load_all().connectors)

    def get(self, name: str) -> type[Connector] | None:
        self._load(name)
        return self.connectors.get(name)

    def problem(self, name: str) -> str | None:
        """Why the connector `name` is installed but could not be loaded, if it is."""
        self._load(name)
        return self._failed.get(name)


_default: ConnectorRegistry | None = None


def default_registry() -> ConnectorRegistry:
    """The registry of every installed connector, discovered once per process."""
    global _default
    if _default is None:
        _default = ConnectorRegistry.from_entry_points()
    return _default
