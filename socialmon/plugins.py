"""Connector discovery through the `socialmon.connectors` entry-point group.

The built-in connectors are registered the same way a third-party package registers
its own. A connector that fails to import is reported as a problem, not a crash: the
other channels still scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points

from socialmon_connectors.base import Connector

ENTRY_POINT_GROUP = "socialmon.connectors"


@dataclass
class ConnectorRegistry:
    connectors: dict[str, type[Connector]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # connector name -> distribution that provides it
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_entry_points(cls) -> ConnectorRegistry:
        registry = cls()
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            source = entry.dist.name if entry.dist else "?"
            try:
                loaded = entry.load()
            except Exception as error:  # a broken plug-in must not take the others down
                registry.problems.append(f"connector {entry.name!r} from {source} failed to load: {error}")
                continue
            if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
                registry.problems.append(
                    f"connector {entry.name!r} from {source} is not a Connector subclass"
                )
                continue
            registry.add(loaded, name=entry.name, source=source)
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

    def names(self) -> list[str]:
        return sorted(self.connectors)

    def get(self, name: str) -> type[Connector] | None:
        return self.connectors.get(name)


_default: ConnectorRegistry | None = None


def default_registry() -> ConnectorRegistry:
    """The registry of every installed connector, discovered once per process."""
    global _default
    if _default is None:
        _default = ConnectorRegistry.from_entry_points()
    return _default
