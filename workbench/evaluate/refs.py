"""What a model reference of a comparison or an export points to, how to load it, and the evaluation data.

    <run id> | <run folder>     the run's saved model (runs/<id>/model)
    base | base:<name>          the base model of the first run in the comparison (or <name>: a catalogue key or
                                a model folder) with a fresh task head, initialised as the run's was at step 0
                                (same seed), so metrics show what fine-tuning added
    <model folder>              a folder saved by a run (workbench.json beside the transformers files)
    <export folder>             runs/<id>/exports/<fmt>/ (report.json): merged, int8, onnx, pruned, bnb8, bnb4
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from .. import data as data_mod
from .. import store, tasks
from ..config import RunConfig
from ..model import catalogue as models
from ..model.saved import read_training_info
from ..run.runtime import seed_everything
from ..errors import DataError, ModelError, WorkbenchError
import transformers
from ..model.quantize import load_int8
from ..model.sparse import load_sparse
from ..model.onnx_model import OrtModel
from ..model.gguf import load_gguf
import torch

KINDS = ("run", "base", "folder", "export")


@dataclass
class ModelRef:
    label: str                      # short name shown in tables
    kind: str                       # run | base | folder | export
    ref: str                        # what the user gave
    model_dir: str | None = None    # folder holding the weights (None for base)
    base: str | None = None         # base: the base model to load; others: the base model their run started from
    task: str | None = None
    run_id: str | None = None
    fmt: str | None = None          # export format
    config: str | None = None       # the run config (config.yaml) it comes from: data, base, reproduce
    runs_dir: str | None = None     # runs folder of its run (a base may be named by run id)


@dataclass
class LoadedRef:
    model: object
    tokenizer: object
    task: object
    info: dict


@dataclass
class Prepared:
    """The evaluation data of a comparison: the run config it came from, the task with its labels fitted and the
    raw splits."""
    cfg: object
    task: object
    raw: object
    split: str
    notes: list = field(default_factory=list)


def _run_info(folder: Path) -> tuple[str | None, str | None, str | None]:
    """(config.yaml, run id, runs dir) of the run a folder lies in (<run>/model or <run>/exports/<fmt>)."""
    for root in (folder.parent, folder.parent.parent):
        if (root / "config.yaml").is_file() and (root / "summary.json").is_file():
            return str(root / "config.yaml"), root.name, str(root.parent)
    own = folder / "config.yaml"
    return (str(own) if own.is_file() else None), None, None


def resolve_ref(ref: str, runs_dir="runs", first: ModelRef | None = None) -> ModelRef:
    """Decide what `ref` points to, without loading weights. `first`: the first non-base model of the comparison
    (what `base` refers to)."""
    text = (ref or "").strip()
    if not text:
        raise ModelError("empty model reference; give a run id, a run folder, base, base:NAME, a model folder or an "
                         "export folder")
    if text == "base" or text.startswith("base:"):
        if first is None or first.config is None:
            raise ModelError(f"{text!r} means the base model of the first run in the comparison: put a run (or an "
                             "export of one) among the models")
        base = text.split(":", 1)[1].strip() if ":" in text else RunConfig.load(first.config).model.name
        if not base:
            raise ModelError("base: needs a name after the colon, e.g. base:minilm or base:path/to/model")
        models.resolve(base, first.runs_dir or runs_dir)          # a clear message now if it does not exist
        return ModelRef(f"base ({Path(base).name})", "base", text, base=base, task=first.task,
                        config=first.config, runs_dir=first.runs_dir or str(runs_dir))
    try:
        paths = store.find_run(text, runs_dir)
    except WorkbenchError:
        paths = None
    if paths is not None and paths.summary.is_file():        # export folders carry a config.yaml, not a summary
        if not (paths.model / "workbench.json").is_file():
            status = (store.read_json(paths.summary, {}) or {}).get("status", "unknown")
            raise ModelError(f"run {paths.run_id} has no saved model (status {status}); compare finished runs, or "
                             "resume this one")
        info = read_training_info(paths.model)
        return ModelRef(paths.run_id, "run", text, str(paths.model), info.get("base_model"), info.get("task"),
                        paths.run_id, None, str(paths.config), str(paths.root.parent))
    folder = Path(text).expanduser()
    if folder.is_dir():
        folder = folder.resolve()
        info = read_training_info(folder)
        config, run_id, parent_runs = _run_info(folder)
        report = store.read_json(folder / "report.json", {})
        if isinstance(report, dict) and report.get("format"):
            fmt = report["format"]
            return ModelRef(f"{run_id or info.get('run_id') or folder.parent.name}:{fmt}", "export", text,
                            str(folder), info.get("base_model"), info.get("task"), run_id or info.get("run_id"),
                            fmt, config, parent_runs or str(runs_dir))
        if (folder / "config.json").is_file() or (folder / "adapter_config.json").is_file():
            if not info:
                raise ModelError(f"{text} is a transformers folder not saved by a run (no workbench.json), so its "
                                 f"task is unknown; to compare a pre-trained model put base:{text} after a run")
            return ModelRef(run_id or folder.name, "folder", text, str(folder), info.get("base_model"),
                            info.get("task"), run_id or info.get("run_id"), None, config, parent_runs or str(runs_dir))
        raise ModelError(f"{text} is a folder, but not a run, a saved model or an export (no config.yaml, config.json "
                         "or report.json in it)")
    if models.preset(text):
        raise ModelError(f"{text!r} is a catalogue model without a task head; write base:{text} (after a run) to "
                         "compare it")
    raise ModelError(f"no run, model folder or export {text!r} (runs folder {str(runs_dir)!r}); give a run id from "
                     "`python -m workbench runs`, a run folder, base, base:NAME, a model folder or an export folder")


def resolve_refs(refs: list[str], runs_dir="runs") -> list[ModelRef]:
    """Resolve every reference (bases after the first other model); one task for all; unique labels."""
    if not refs:
        raise ModelError("no models to compare; give one or more run ids, folders or base")
    is_base = [r.strip() == "base" or r.strip().startswith("base:") for r in refs]
    out: list[ModelRef | None] = [None if b else resolve_ref(r, runs_dir) for r, b in zip(refs, is_base)]
    first = next((m for m in out if m is not None and m.config), None)
    out = [m or resolve_ref(r, runs_dir, first) for m, r in zip(out, refs)]
    tasks = {m.task for m in out}
    if len(tasks) > 1:
        kinds = ", ".join(f"{m.label} is {m.task}" for m in out)
        raise ModelError(f"models of different tasks cannot be compared ({kinds}); pick models of one task")
    seen: dict[str, int] = {}
    for m in out:
        seen[m.label] = seen.get(m.label, 0) + 1
        if seen[m.label] > 1:
            m.label = f"{m.label} #{seen[m.label]}"
    return out


# ---- the evaluation data ------------------------------------------------------------------------------------------
def prepare(first: ModelRef, data: str | None, split: str, max_examples: int | None, seed: int = 0) -> Prepared:
    """Task (labels fitted) and raw splits for evaluating `first`'s task. Default data: the run's own config (its
    `split`, else validation: the rows the run's final evaluation used). `data` replaces the `split` source."""
    if split not in ("train", "validation", "test"):
        raise DataError(f"split must be train, validation or test, not {split!r}")
    notes = []
    if first.config:
        cfg = RunConfig.load(first.config)
    else:
        info = read_training_info(Path(first.model_dir))
        if not data:
            raise DataError(f"{first.label} has no run config to take the evaluation data from; give the data "
                            "(--data FILE or builtin:NAME)")
        opts = {k: v for k, v in (info.get("task_options") or {}).items() if k != "name"}
        cfg = RunConfig.from_dict({"task": {"name": info["task"], **opts}, "model": {"name": first.model_dir},
                                   "data": {"train": data, "max_length": info.get("max_length", 128)}})
    if data:
        setattr(cfg.data, split, data)
        try:
            data_mod.resolve_source(cfg.data.train)
        except DataError:
            notes.append(f"the run's training data {cfg.data.train!r} is not readable here: labels come from {data}")
            cfg.data.train = data
    task = tasks.build(cfg)
    raw = data_mod.load(cfg.data, task, cfg.train.seed)
    if split not in raw:
        notes.append(f"the data has no {split} split: evaluated on validation")
        split = "validation"
    if max_examples:
        raw[split] = data_mod.subset(raw[split], max_examples, seed)
    return Prepared(cfg, task, raw, split, notes)


def prepare_for(ref: ModelRef, runs_dir="runs") -> Prepared | None:
    """What loading `ref` needs beforehand: the task's labels for a base model (None for the others)."""
    return prepare(ref, None, "validation", None) if ref.kind == "base" else None


# ---- loading -----------------------------------------------------------------------------------------------------
def _load_folder(folder: Path, build, device: str | None) -> LoadedRef:
    """A saved folder's task (from workbench.json), tokenizer and model, with `build(auto_class)` making the model
    (tasks.load_saved, for export formats that transformers cannot load by itself)."""
    if not read_training_info(folder).get("task"):
        raise ModelError(f"{folder} has no workbench.json naming its task; export it again")
    return LoadedRef(*tasks.load_saved(folder, device=device, build=build))


def _load_export(ref: ModelRef, device: str) -> LoadedRef:
    folder = Path(ref.model_dir)
    if ref.fmt == "merged":
        model, tok, task, info = tasks.load_saved(folder, device=device)
        return LoadedRef(model, tok, task, info)
    if ref.fmt == "int8":
        return _load_folder(folder, lambda auto: load_int8(folder, auto), "cpu")
    if ref.fmt == "pruned":
        return _load_folder(folder, lambda auto: load_sparse(folder, auto), device)
    if ref.fmt == "onnx":
        return _load_folder(folder, lambda auto: OrtModel(folder), "cpu")
    if ref.fmt in ("gguf-f16", "gguf-q8_0"):
        return _load_folder(folder, lambda auto: load_gguf(folder), "cpu")
    if ref.fmt in ("bnb8", "bnb4"):
        dev = "cuda" if torch.cuda.is_available() else "cpu"
        return _load_folder(folder, lambda auto: getattr(transformers, auto).from_pretrained(
            str(folder), device_map={"": dev}), None)
    raise ModelError(f"{folder} is an export of unknown format {ref.fmt!r}")


def load_ref(ref: ModelRef, runs_dir="runs", seed: int = 0, device: str = "cpu",
             prepared: Prepared | None = None) -> LoadedRef:
    """Load a resolved reference for inference (eval mode)."""
    if ref.kind == "base":
        return _load_base(ref, prepared or prepare_for(ref, runs_dir), device)
    if ref.kind == "export":
        return _load_export(ref, device)
    model, tok, task, info = tasks.load_saved(Path(ref.model_dir), device=device)
    return LoadedRef(model, tok, task, info)


def _load_base(ref: ModelRef, prepared: Prepared, device: str) -> LoadedRef:
    cfg = prepared.cfg.copy()
    cfg.model.name = ref.base
    task = copy.copy(prepared.task)                       # labels shared, tokenizer its own
    source = models.resolve(ref.base, ref.runs_dir or "runs")
    cache = Path(ref.config).parent / "tokenizer"
    tokenizer = models.load_tokenizer(source, cfg.model, texts=task.tokenizer_texts(prepared.raw),
                                      cache_dir=cache if source.kind == "scratch" and cache.is_dir() else None)
    task.setup(tokenizer)
    seed_everything(cfg.train.seed)                       # the head the run started from
    loaded = models.load(source, task, cfg.model, cfg.data.max_length, tokenizer)
    info = {"task": task.name, "base_model": ref.base, "kind": "base", "max_length": cfg.data.max_length}
    return LoadedRef(loaded.model.to(device).eval(), tokenizer, task, info)


class ModelCache:
    """Loaded models and prepared data kept between calls. The caller owns it (the UI keeps one), so nothing is
    cached at module level. A model is reloaded when its folder changed (a resumed run saved a new one)."""

    def __init__(self, max_models: int = 6):
        self.max_models = max_models
        self.references: dict = {}          # retention references by (base, text source, n)
        self._models: OrderedDict = OrderedDict()
        self._prepared: dict = {}
        self._lock = threading.RLock()

    @staticmethod
    def _stamp(path: str | None):
        try:
            st = os.stat(path)
            return st.st_ino, st.st_mtime_ns
        except (OSError, TypeError):
            return None

    def get(self, ref: ModelRef, runs_dir="runs", seed: int = 0, device: str = "cpu",
            prepared: Prepared | None = None) -> LoadedRef:
        key = (ref.kind, ref.model_dir, ref.base, ref.config, ref.fmt, device,
               self._stamp(ref.model_dir or ref.config))
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            if ref.kind == "base" and prepared is None:
                prepared = self.prepare(ref, None, "validation", None)
            loaded = load_ref(ref, runs_dir, seed, device, prepared)
            self._models[key] = loaded
            while len(self._models) > self.max_models:
                self._models.popitem(last=False)
            return loaded

    def prepare(self, first: ModelRef, data, split, max_examples, seed: int = 0) -> Prepared:
        key = (first.config, first.model_dir, data, split, max_examples, seed, self._stamp(first.config))
        with self._lock:
            if key not in self._prepared:
                self._prepared[key] = prepare(first, data, split, max_examples, seed)
            return self._prepared[key]

    def forget(self, model_dir: str) -> None:
        """Drop the models loaded from `model_dir` (an export's temporary folder once it has moved)."""
        with self._lock:
            for key in [k for k in self._models if k[1] == model_dir]:
                del self._models[key]

    def clear(self) -> None:
        with self._lock:
            self._models.clear()
            self._prepared.clear()
            self.references.clear()
