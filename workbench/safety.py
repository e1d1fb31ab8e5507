"""Guards shared by the engine's entry points: what a model folder may load (safetensors unless pickle is allowed),
a tokenizer that fits its model, ids and paths that stay inside their folder, secrets kept out of logs, and the
advice given when a run meets a non-finite loss or runs out of memory."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from pathlib import Path

from .errors import DataError, ModelError, WorkbenchError

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_SECRET_NAMES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_TOKEN", "WANDB_API_KEY", "OPENAI_API_KEY",
                 "GRADIO_AUTH")
_TOKEN_SHAPES = re.compile(r"\b(hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{20,})\b")

OOM_ADVICE = ("ran out of memory; lower train.batch_size (and raise train.grad_accum to keep the effective batch), "
              "lower data.max_length, use gradient checkpointing or a smaller model, or a LoRA/QLoRA strategy")


def refuse_pickle(folder: str | Path, allow: bool, label: str | None = None) -> None:
    """A model folder whose weights are only pickle files (pytorch_model.bin...) is refused: unpickling can run
    code. `model.allow_pickle: true` is the documented opt-in for files one trusts."""
    folder = Path(folder)
    if allow or not folder.is_dir() or any(folder.glob("*.safetensors")):
        return
    pickles = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES and "training_args" not in p.name)
    if pickles:
        raise ModelError(f"{label or folder}: its weights are only in pickle files ({', '.join(pickles[:3])}), which "
                         "can run code when loaded; convert them to safetensors, or set model.allow_pickle: true if "
                         "you trust where the files came from")


def check_vocab(model, tokenizer, label: str) -> None:
    """A tokenizer that produces ids beyond the model's embedding table would crash the first step."""
    emb = model.get_input_embeddings() if hasattr(model, "get_input_embeddings") else None
    rows = getattr(emb, "num_embeddings", None)
    if rows is not None and len(tokenizer) > rows:
        raise ModelError(f"{label}: the tokenizer has {len(tokenizer)} tokens (vocab) but the model's embedding "
                         f"table only {rows}; the tokenizer does not belong to this model. Use the tokenizer saved "
                         "with the model's weights")


def check_run_id(run_id: str, field: str = "run id") -> str:
    """A run or export id is a plain folder name: no separators, no '..', no leading dot."""
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id) or ".." in run_id:
        raise WorkbenchError(f"{field} {run_id!r} is not a valid run id (letters, digits, '-', '_' and '.'; no "
                             "slashes); pick one from the runs list")
    return run_id


def inside(path: str | Path, root: str | Path) -> Path:
    """The resolved path, if it (after following symlinks) lies within root; else a DataError."""
    root_r = Path(root).resolve()
    resolved = (root_r / path).resolve() if not Path(path).is_absolute() else Path(path).resolve()
    if resolved != root_r and root_r not in resolved.parents:
        raise DataError(f"{str(path)!r} points outside {root_r}; give a path inside that folder")
    return resolved


def secrets_in_env() -> list[str]:
    """Values of the secret-looking environment variables that are set (long enough to be worth hiding)."""
    return [v for k, v in os.environ.items() if (k in _SECRET_NAMES or k.endswith(("_TOKEN", "_API_KEY", "_SECRET")))
            and v and len(v) >= 8]


def scrub(text: str) -> str:
    """Text with secret values (from the environment, or shaped like hub/API tokens) replaced by ***."""
    for value in secrets_in_env():
        text = text.replace(value, "***")
    return _TOKEN_SHAPES.sub("***", text)


def nonfinite_message(value: float, step: int, action: str) -> str:
    return (f"the loss became {value} at step {step} ({action}); likely causes: a learning rate too high "
            "(lower train.lr), fp16 overflow (use precision fp32 or bf16), a strategy weight too large, or a bad "
            "example in that batch")


@contextlib.contextmanager
def writing(what: str, tmp: Path, keep: str = ""):
    """Around writing `tmp` (a temporary file or folder renamed into place afterwards): on any failure the temporary
    is removed, and a full disk becomes one clear message instead of a traceback."""
    try:
        yield
    except BaseException as e:
        if Path(tmp).is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            Path(tmp).unlink(missing_ok=True)
        full = disk_full(e, what, Path(tmp).parent, keep)
        if full is not None:
            raise full from None
        raise


def disk_full(e: BaseException, what: str, where: Path, keep: str = "") -> WorkbenchError | None:
    """The clear message for a full disk (ENOSPC / quota), or None for any other error."""
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        return WorkbenchError(f"disk full while writing {what} ({where}): free some space (e.g. `python -m "
                              "workbench delete RUN` for old runs) and try again" + (f"; {keep}" if keep else ""))
    return None


def release_memory() -> None:
    """After an out-of-memory failure: collect the run's objects and hand cached device memory back."""
    import gc  # lazy: optional dependency, loaded on use
    gc.collect()
    try:
        import torch  # lazy: heavy
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except Exception:
        pass


# ---- ids and refs that come from a browser (or an API client): they name folders inside the runs folder -----------
def run_folder(runs_dir: str | Path, run_id: str) -> Path:
    """The folder of run `run_id` inside runs_dir: a plain id whose folder, symlinks followed, stays inside."""
    check_run_id(run_id)
    try:
        return inside(run_id, runs_dir)
    except DataError:
        raise WorkbenchError(f"run id {run_id!r} leads outside the runs folder (a symlink?); it cannot be "
                             "used here") from None


def confine_model(path: str | Path, label: str, roots) -> Path:
    """A local model folder that a shared app's user may load: inside one of `roots` (the user's own runs, the
    host's --model-dirs) after `..` and symlinks are resolved; else a ModelError saying where models may come from."""
    resolved = Path(path).expanduser().resolve()
    for root in roots:
        root = Path(root).resolve()
        if resolved == root or root in resolved.parents:
            return resolved
    raise ModelError(f"model {str(label)!r}: this shared app loads local model folders only from your own runs and "
                     "the folders the host shares (--model-dirs); choose a catalogue model, one of your runs or a "
                     "hub id, or ask the host to start the app with --model-dirs naming that folder")


def is_run(runs_dir: str | Path, run_id: str) -> bool:
    try:
        run_folder(runs_dir, run_id)
        return True
    except WorkbenchError:
        return False


_BASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?$")


def confine_refs(refs, runs_dir: str | Path) -> list[str]:
    """Models a page may compare: 'base', 'base:NAME' (a catalogue name or hub id), run ids, and export folders
    inside the runs folder. Anything else (another path, '..', a symlink out) is refused."""
    out = []
    for ref in refs or []:
        ref = str(ref)
        if ref == "base" or ref.startswith("base:"):
            if ref != "base" and (not _BASE_NAME.match(ref[5:]) or ".." in ref):
                raise WorkbenchError(f"{ref!r}: after 'base:' give a catalogue name or a hub id, not a path")
            out.append(ref)
        elif _RUN_ID.match(ref) and ".." not in ref:
            run_folder(runs_dir, ref)
            out.append(ref)
        else:
            try:
                inside(ref, runs_dir)
            except DataError:
                raise WorkbenchError(f"{ref!r} is not a run or an export of this app's runs folder; pick one from "
                                     "the list") from None
            out.append(ref)
    return out
