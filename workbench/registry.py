"""Name -> class registries for tasks and strategies.

A module registers its class with a decorator at import time (peft's pattern, minus the enum that repeats it);
the package `__init__` imports every module in its folder, so adding a task or a strategy is adding one file.
After import the mapping is only read.
"""

from __future__ import annotations

import importlib
import pkgutil

from .errors import ConfigError


class Registry:
    def __init__(self, kind: str, package: str):
        self.kind = kind            # "task" | "strategy", used in messages
        self.package = package      # dotted package whose modules register themselves
        self._items: dict[str, type] = {}
        self._loaded = False

    def register(self, name: str):
        """Class decorator: `@STRATEGIES.register("l2sp")`. Sets `cls.name`."""
        def deco(cls):
            if name in self._items and self._items[name] is not cls:
                raise RuntimeError(f"{self.kind} {name!r} registered twice")
            cls.name = name
            self._items[name] = cls
            return cls
        return deco

    def _load(self):
        # Import every module of the package once; each registers its classes.
        if not self._loaded:
            pkg = importlib.import_module(self.package)
            for mod in pkgutil.iter_modules(pkg.__path__):
                if not mod.name.startswith("_"):
                    importlib.import_module(f"{self.package}.{mod.name}")
            # Stable, meaningful listing order: each class may set `order` (lower first), then by name.
            self._items = dict(sorted(self._items.items(), key=lambda kv: (getattr(kv[1], "order", 100), kv[0])))
            self._loaded = True

    def names(self) -> list[str]:
        self._load()
        return list(self._items)

    def get(self, name: str, path: str = "") -> type:
        self._load()
        if name not in self._items:
            raise ConfigError(path or self.kind, f"unknown {self.kind} {name!r}; available: {', '.join(self._items)}")
        return self._items[name]

    def items(self):
        self._load()
        return list(self._items.items())
