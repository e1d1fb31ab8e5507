"""Task registry: one module per task in this folder, each registering itself with `@TASKS.register(name)`."""

from pathlib import Path

from ..errors import ModelError
from ..model.saved import load_folder, read_training_info
from ..options import from_dict
from ..registry import Registry
from ..sections import DataConfig, ModelConfig
from .base import Prediction, Task

TASKS = Registry("task", __name__)


def build(cfg) -> Task:
    """The task object for a RunConfig."""
    return TASKS.get(cfg.task.name, "task")(cfg.task.options, cfg.data, cfg.model)



def from_info(info: dict, task_name: str | None = None, where: str = "") -> Task:
    """A fresh task object for a saved model folder, from its workbench.json (`info`): the task, its options and
    max_length. `task_name` stands in for folders without workbench.json."""
    name = task_name or info.get("task")
    if not name:
        raise ModelError(f"{where or 'the folder'} was not saved by the workbench (no workbench.json); say which "
                         "task it is for")
    cls = TASKS.get(name, "task")
    opts = info.get("task_options") if isinstance(info.get("task_options"), dict) else {}
    opts = {k: v for k, v in opts.items() if k != "name"}
    return cls(from_dict(cls.Options, opts), DataConfig(max_length=info.get("max_length", 128)), ModelConfig())


def load_saved(model_dir: str | Path, task_name: str | None = None, device: str | None = "cpu", build=None):
    """Load a model saved by a run (or any transformers folder, or an export through `build`) for inference, with
    its task head and extras. Returns (model, tokenizer, task, info). `task_name` is needed only for folders
    without workbench.json."""
    info = read_training_info(Path(model_dir))
    task = from_info(info, task_name, str(model_dir))
    model, tokenizer = load_folder(model_dir, task, info, device, build)
    return model, tokenizer, task, info


__all__ = ["TASKS", "Task", "Prediction", "build", "from_info", "load_saved"]
