"""Side-by-side evaluation: runs, the base model and exports evaluated on the same data split, in one table of task
metrics, parameters, size on disk, latency, throughput, peak memory and retention (workbench.evaluate.retention); the
inputs where they disagree; one input answered by every model.

    compare(["run-a", "run-b", "base"], split="test")   -> {"task", "split", "models": [...], "disagreements", ...}
    answer_all(["run-a", "run-b"], "a lovely film")      -> [{"model", "display", "confidence", "detail"}, ...]

References (run ids, folders, base, exports) are described in workbench.evaluate.refs; pass a ModelCache to keep models
loaded between calls.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import warnings

import torch

from . import measure
from ..model.anatomy import count_params
from ..errors import WorkbenchError
from .refs import LoadedRef, ModelCache, ModelRef, Prepared, load_ref, resolve_ref, resolve_refs
from .retention import held_out_texts, measure as measure_retention, reference
from ..store import read_json
from ..tasks.base import model_device
from ..model.catalogue import resolve
import platform

__all__ = ["compare", "answer_all", "format_table", "resolve_ref", "resolve_refs", "load_ref", "ModelRef",
           "ModelCache", "LoadedRef", "Prepared"]

LATENCY_EXAMPLES = 32       # batch-1 latency: the same first examples for every model
THROUGHPUT_EXAMPLES = 256   # batched throughput
DIFF_EXAMPLES = 64          # output differences against the first model
MAX_DISAGREEMENTS = 50


@contextlib.contextmanager
def _quiet():
    """bitsandbytes and the quantization modules warn on every call; the table says what they would."""
    bnb_log = logging.getLogger("bitsandbytes")
    level = bnb_log.level
    bnb_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            yield
    finally:
        bnb_log.setLevel(level)


def _check_labels(task, loaded: LoadedRef, ref: ModelRef) -> None:
    names = list(getattr(task, "label_names", None) or [])
    cfg = getattr(loaded.model, "config", None)
    id2label = getattr(cfg, "id2label", None) or {}
    if not names or not id2label or getattr(cfg, "num_labels", 0) != len(id2label):
        return
    model_names = [id2label.get(i, str(i)) for i in range(len(id2label))]
    if model_names != names:
        raise WorkbenchError(f"{ref.label} predicts the labels {model_names}, but the evaluation data has {names}; "
                             "compare models trained on the same labels (or give data with those labels)")


def _summary_of(ref: ModelRef) -> dict:
    if ref.kind == "base" or not ref.config:
        return {}
    return read_json(os.path.join(os.path.dirname(ref.config), "summary.json"), {}) or {}


def _params(loaded: LoadedRef, ref: ModelRef) -> int | None:
    if ref.kind == "export":   # packed int8 / 4-bit / ONNX weights: the count of the model it was exported from
        return (read_json(os.path.join(ref.model_dir, "report.json"), {}) or {}).get("params")
    return count_params(loaded.model)[1]


def _size(ref: ModelRef) -> int | None:
    if ref.kind != "base":
        return measure.size_on_disk(ref.model_dir)
    source = resolve(ref.base, ref.runs_dir or "runs")
    return measure.size_on_disk(source.ref) if source.kind in ("local", "bundled") else None


def _retention(loaded: LoadedRef, ref: ModelRef, texts, source, cache: ModelCache, seed: int, notes: list):
    base = ref.base
    if not base:
        notes.append(f"{ref.label}: no base model recorded, so no retention")
        return None
    key = (base, ref.runs_dir, source, len(texts), seed)
    if key not in cache.references:
        try:
            cache.references[key] = reference(base, texts, ref.runs_dir or "runs", seed)
        except WorkbenchError as e:
            cache.references[key] = e
    ref_side = cache.references[key]
    if isinstance(ref_side, Exception):
        notes.append(f"{ref.label}: retention not measured: {ref_side}")
        return None
    try:
        with _quiet():
            return measure_retention(loaded.model, loaded.tokenizer, ref_side,
                                     loaded.task.lm_head == "clm", seed)
    except WorkbenchError as e:
        notes.append(f"{ref.label}: retention not measured: {e}")
        return None


def compare(refs: list[str], data: str | None = None, split: str = "test", runs_dir="runs",
            max_examples: int | None = None, retention: bool = True, seed: int = 0, progress=None, *,
            cache: ModelCache | None = None, memory: bool = True, retention_source: str = "builtin:general",
            batch_size: int = 32, device: str = "cpu", output_diff: bool = False,
            latency_examples: int = LATENCY_EXAMPLES) -> dict:
    """Evaluate every model on the same split and measure it the same way.

    data: a data source replacing the first run's `split` (default: the run's own config data: its test split,
    else validation). max_examples: a seeded subset of the split. memory: measure peak memory in a fresh process
    per model (a few seconds each). output_diff: add `max_abs_diff` of each model's outputs against the first's.
    latency_examples: how many examples (the same for every model) are timed one by one.
    progress: called as progress(fraction, message). Returns {"task", "main_metric", "greater_is_better", "split",
    "n_examples", "models": [{"label", "ref", "kind", "run_id", "strategy", "base_model", "format", "metrics",
    "params", "trainable_params", "size_bytes", "latency_ms_per_example", "throughput_per_s", "peak_memory_mb",
    "retention"}], "disagreements": [{"input", "gold", "predictions": [{"model", "display", "confidence"}]}],
    "notes", "machine"}."""
    cache = cache or ModelCache()
    say = progress or (lambda fraction, message: None)
    resolved = resolve_refs(refs, runs_dir)
    first = next((m for m in resolved if m.kind != "base"), resolved[0])
    say(0.0, "loading the data")
    prepared = cache.prepare(first, data, split, max_examples, seed)
    task, split = prepared.task, prepared.split
    notes = list(prepared.notes)
    texts = None
    if retention:
        try:
            texts = held_out_texts(retention_source)
        except WorkbenchError as e:
            notes.append(f"retention not measured: {e}")
    rows_out, predictions, timing_rows, reference_side = [], [], [], None
    for i, ref in enumerate(resolved):
        say(i / len(resolved), f"evaluating {ref.label}")
        loaded = cache.get(ref, runs_dir, seed, device, prepared if ref.kind == "base" else None)
        _check_labels(task, loaded, ref)
        task.setup(loaded.tokenizer)
        rows = task.encode(prepared.raw[split], split)
        if not rows:
            raise WorkbenchError(f"no {split} example is left after encoding for {ref.label}; check the data")
        dev = model_device(loaded.model)
        with _quiet():
            metrics, preds = task.evaluate(loaded.model, rows, batch_size, split=split)
            latency = measure.latency_ms(loaded.model, task, rows[:latency_examples], dev)
            throughput = measure.throughput_per_s(loaded.model, task, rows[:THROUGHPUT_EXAMPLES], batch_size, dev)
        summary = _summary_of(ref)
        row = {"label": ref.label, "ref": ref.ref, "kind": ref.kind, "run_id": ref.run_id,
               "strategy": summary.get("strategy"), "base_model": ref.base, "format": ref.fmt,
               "metrics": metrics, "params": _params(loaded, ref),
               "trainable_params": (summary.get("metrics") or {}).get("trainable_params"), "size_bytes": _size(ref),
               "latency_ms_per_example": latency, "throughput_per_s": throughput, "peak_memory_mb": None,
               "retention": None, "device": str(dev)}
        if output_diff:
            if reference_side is None:
                reference_side = (loaded.model, copy.copy(task), rows[:DIFF_EXAMPLES])
            else:
                with _quiet():
                    row["max_abs_diff"] = measure.max_abs_diff(reference_side[0], loaded.model, reference_side[1],
                                                               task, reference_side[2], rows[:DIFF_EXAMPLES])
        if texts is not None:
            say((i + 0.5) / len(resolved), f"retention of {ref.label}")
            row["retention"] = _retention(loaded, ref, texts, retention_source, cache, seed, notes)
        rows_out.append(row)
        predictions.append(preds)
        timing_rows.append(rows[:batch_size])
    if memory:
        for i, (ref, row) in enumerate(zip(resolved, rows_out)):
            say(0.9 + 0.1 * i / len(resolved), f"peak memory of {ref.label}")
            try:
                row["peak_memory_mb"] = measure.peak_memory_mb(ref, timing_rows[i], runs_dir, seed)
            except Exception as e:   # a measurement, never a reason to lose the table
                notes.append(f"{ref.label}: peak memory not measured ({e})")
    say(1.0, "done")
    return {"task": task.name, "main_metric": task.main_metric, "greater_is_better": task.greater_is_better,
            "split": split, "data": data or "the run's own", "n_examples": len(prepared.raw[split]),
            "models": rows_out, "disagreements": _disagreements(task, prepared, [r["label"] for r in rows_out],
                                                                predictions, notes),
            "notes": notes, "machine": _machine()}


def _disagreements(task, prepared: Prepared, labels: list[str], predictions: list[list], notes: list) -> list[dict]:
    """Inputs where the models' displayed predictions differ, the most confident disagreements first."""
    if len(labels) < 2 or not all(predictions):
        return []
    n = len(predictions[0])
    if any(len(p) != n for p in predictions):
        notes.append("per-example predictions differ in count between models: no disagreement list")
        return []
    inputs = task.example_inputs(prepared.raw[prepared.split], n)
    found = []
    for i in range(n):
        answers = [p[i] for p in predictions]
        if len({a.display for a in answers}) < 2:
            continue
        detail = answers[0].detail or {}
        gold = detail.get("gold")
        if gold is None and "gold_entities" in detail:         # token classification: spans, shown as predicted
            gold = "; ".join(f"{e['type']}: {e['text']}" for e in detail["gold_entities"]) or "(no entities)"
        found.append({"input": inputs[i] if len(inputs) == n else detail.get("text", f"#{i}"), "gold": gold,
                      "predictions": [{"model": m, "display": a.display, "confidence": a.confidence}
                                      for m, a in zip(labels, answers)]})
    found.sort(key=lambda d: -max((p["confidence"] or 0.0) for p in d["predictions"]))
    return found[:MAX_DISAGREEMENTS]


def _machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "torch_threads": torch.get_num_threads(), "cuda": torch.cuda.is_available()}


def answer_all(refs: list[str], text_or_input, runs_dir="runs", seed: int = 0, cache: ModelCache | None = None
               ) -> list[dict]:
    """One input answered by every model through its task's predict (class probabilities, entities, an answer
    span, generated text). Generation uses the first model's sampling settings and `seed` for all."""
    cache = cache or ModelCache()
    resolved = resolve_refs(refs, runs_dir)
    out, options = [], None
    for ref in resolved:
        loaded = cache.get(ref, runs_dir, seed)
        task = copy.copy(loaded.task)           # the cached task keeps its own options
        task.setup(loaded.tokenizer)
        options = options or task.opts
        task.opts = options
        with _quiet():
            pred = task.predict(loaded.model, [text_or_input], seed=seed)[0]
        out.append({"model": ref.label, "display": pred.display, "confidence": pred.confidence,
                    "detail": pred.detail})
    return out


def _fmt(v, digits=4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def format_table(result: dict, disagreements: int = 5) -> str:
    """The comparison as aligned text: one line per model, then a few disagreements and the notes."""
    main = result["main_metric"]
    others = [k for k in result["models"][0]["metrics"] if k != main and k != "loss"
              and isinstance(result["models"][0]["metrics"][k], (int, float))][:3]
    head = ["model", main, *others, "retention", "params", "size MB", "ms/ex (b=1)", "ex/s", "peak MB"]
    table = [head]
    for m in result["models"]:
        ret = (m.get("retention") or {}).get("retention")
        size = m["size_bytes"] / 2**20 if m.get("size_bytes") else None
        table.append([m["label"], _fmt(m["metrics"].get(main)), *[_fmt(m["metrics"].get(k)) for k in others],
                      _fmt(ret), _fmt(m.get("params")), _fmt(size, 3), _fmt(m["latency_ms_per_example"], 3),
                      _fmt(m["throughput_per_s"], 4), _fmt(m.get("peak_memory_mb"), 4)])
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    lines = [f"{result['task']} on {result['split']} ({result['n_examples']} examples)"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    if result["disagreements"] and disagreements:
        lines.append(f"disagreements: {len(result['disagreements'])} listed, the most confident first")
    for d in result["disagreements"][:disagreements]:
        answers = "; ".join(f"{p['model']}: {p['display']}" + (f" ({p['confidence']:.2f})" if p["confidence"]
                                                               is not None else "") for p in d["predictions"])
        lines.append(f"  ≠ {str(d['input'])[:80]!r} gold={d['gold']}: {answers}")
    lines += [f"note: {n}" for n in result["notes"]]
    return "\n".join(lines)
