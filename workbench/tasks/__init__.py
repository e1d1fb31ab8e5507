"""Task registry: one module per task in this folder, each registering itself with `@TASKS.register(name)`."""

from ..registry import Registry
from .base import Prediction, Task

TASKS = Registry("task", __name__)


def build(cfg) -> Task:
    """The task object for a RunConfig."""
    return TASKS.get(cfg.task.name, "task")(cfg.task.options, cfg.data, cfg.model)


__all__ = ["TASKS", "Task", "Prediction", "build"]
