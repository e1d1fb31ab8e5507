"""A model saved by a run, and read back: plain transformers files (safetensors) + tokenizer + workbench.json, or an
unmerged adapter folder. `load_folder` is the one loader for every saved form: a full folder, an adapter folder,
and the export formats transformers cannot load by itself (int8, sparse, ONNX, through `build`). It takes the
task object (built from workbench.json by `workbench.tasks.from_info`), so this package stays below the tasks."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import transformers
from transformers import AutoTokenizer

from .. import safety
from ..errors import ModelError
from .adapters import load_adapter_folder, peft_of
from .anatomy import unwrap


def read_training_info(model_dir: Path) -> dict:
    """The workbench facts saved beside a model (task, labels, base), or {} for a plain transformers folder."""
    f = Path(model_dir) / "workbench.json"
    return json.loads(f.read_text()) if f.is_file() else {}


def save(model, tokenizer, task, paths, cfg, state_dict=None) -> Path:
    """Save the final model as plain transformers files (safetensors) + tokenizer + workbench.json, into a
    temporary folder renamed into place: an interrupted save never leaves a half model behind. `state_dict`: the
    whole weights when the model itself holds only shards (FSDP)."""
    tmp = paths.root / f".model-{secrets.token_hex(4)}"
    adapter = peft_of(model)
    with safety.writing("the final model", tmp, "the checkpoints are intact"):
        if adapter is not None:
            # An adapter that cannot be merged (prefix, prompt, qlora): the adapter + trained head, and the base's
            # config with the task head's settings; load_folder rebuilds it from the base model the adapter names.
            adapter.save_pretrained(str(tmp))
            unwrap(model).config.save_pretrained(str(tmp))
        else:
            unwrap(model).save_pretrained(str(tmp), state_dict=state_dict)
        tokenizer.save_pretrained(str(tmp))
        task.save_extras(model, tmp)
        info = {"task": cfg.task.name, "task_options": cfg.task.to_plain(), "base_model": cfg.model.name,
                "run_id": paths.run_id, "max_length": cfg.data.max_length, "strategy": cfg.strategy_names()}
        (tmp / "workbench.json").write_text(json.dumps(info, indent=2, ensure_ascii=False))
    old = paths.root / f".model-old-{secrets.token_hex(4)}"
    if paths.model.exists():
        os.replace(paths.model, old)
    os.replace(tmp, paths.model)
    shutil.rmtree(old, ignore_errors=True)
    return paths.model


def load_folder(model_dir: str | Path, task, info: dict, device: str | None = "cpu", build=None):
    """Tokenizer and model of a saved folder for inference, with the task's head wrapper and extras, in eval mode.
    `task` is a fresh task object for the folder; `build(auto_class)` makes the model for formats transformers
    cannot read (int8, sparse, ONNX); by default a full folder or an adapter folder is read. Returns
    (model, tokenizer)."""
    model_dir = Path(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    task.setup(tokenizer)
    if build is not None:
        model = build(task.auto_class)
    else:
        auto = getattr(transformers, task.auto_class)   # the task may pick its head class per model (setup)
        if (model_dir / "adapter_config.json").is_file():   # an unmerged adapter saved by save()
            model = load_adapter_folder(model_dir, auto, info)
        else:
            safety.refuse_pickle(model_dir, False)
            try:
                model = auto.from_pretrained(str(model_dir), use_safetensors=True)
            except Exception as e:   # a truncated or corrupt weights file (a half-written copy): say so
                if not (isinstance(e, OSError) or "Safetensor" in type(e).__name__):
                    raise
                raise ModelError(f"{model_dir}: its weights cannot be read ({type(e).__name__}: {str(e)[:200]}); "
                                 "the file is incomplete or corrupt. Export or save it again") from None
    model = task.load_extras(task.wrap_model(model), model_dir)
    if device:
        model.to(device)
    return model.eval(), tokenizer
