"""Strategy registry: one module per strategy in this folder, each registering itself with
`@STRATEGIES.register(name)`. Strategies compose: a run lists several and the loop calls each one's hooks."""

from __future__ import annotations

from ..errors import ConfigError
from ..registry import Registry
from ..tasks import TASKS
from .base import Strategy

STRATEGIES = Registry("strategy", __name__)


def build(cfg) -> list[Strategy]:
    """Strategy objects for a RunConfig, in the order listed."""
    return [STRATEGIES.get(s.name)(s.options) for s in cfg.strategy]


def applicable_tasks(cls) -> list[str]:
    """The registered tasks a strategy applies to (it asks each task's capabilities)."""
    return [name for name, task_cls in TASKS.items() if cls.applies_to(task_cls)]


def check_combination(cfg) -> None:
    """Refuse combinations that cannot work, naming the conflict (called by RunConfig.validate)."""
    names = cfg.strategy_names()
    seen_groups: dict[str, str] = {}
    for i, spec in enumerate(cfg.strategy):
        where = f"strategy.{spec.name}"
        cls = STRATEGIES.get(spec.name, where)
        if spec.name in names[:i]:
            raise ConfigError(where, f"{spec.name!r} is listed twice; list each strategy once")
        if cls.group:
            other = seen_groups.get(cls.group)
            if other:
                raise ConfigError(where, f"{spec.name!r} cannot be combined with {other!r}: both are "
                                  f"{cls.group} strategies and a run can use only one")
            seen_groups[cls.group] = spec.name
        for c in cls.conflicts:           # a strategy's name, or a group ("adapter": every adapter strategy)
            for other in names:
                if other != spec.name and (other == c or STRATEGIES.get(other).group == c):
                    why = cls.conflict_reasons.get(c)
                    raise ConfigError(where, f"{spec.name!r} cannot be combined with {other!r}"
                                      f"{': ' + why if why else ''}; remove one of them")
        if not cls.applies_to(TASKS.get(cfg.task.name, "task")):
            raise ConfigError(where, f"{spec.name!r} does not apply to task {cfg.task.name!r}; it works with: "
                              f"{', '.join(applicable_tasks(cls))}")
        cls.check(spec.options, cfg)


__all__ = ["STRATEGIES", "Strategy", "applicable_tasks", "build", "check_combination"]
