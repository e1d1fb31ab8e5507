"""Export a finished run for use elsewhere, checked against the run it came from.

    export("run-id", "int8")  ->  runs/<id>/exports/int8/   (weights, tokenizer, workbench.json, config.yaml,
                                                              report.json, README.md model card)

Every export is written into a temporary folder, reloaded from there and evaluated side by side with the run on
the same split (workbench.evaluate.compare: metrics, size, latency, memory, retention, output difference), then
renamed into place: an interrupted export never leaves a half folder behind. Exported folders are valid references
for compare (a quantized model side by side with its run).
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import shutil
import time
from pathlib import Path

import torch

from .. import store
from ..model.anatomy import count_params, head_names, unwrap
from ..errors import ConfigError, ModelError, WorkbenchError
from ..evaluate.refs import LoadedRef, ModelCache, ModelRef, Prepared, resolve_ref
from transformers import pipeline
from ..model.quantize import quantize_int8, save_int8
import transformers
from ..evaluate.measure import inputs_of
from ..model.onnx_model import export_onnx
from ..model.sparse import MIN_SPARSITY, save_sparse, sparsity_of
from ..evaluate.compare import compare
from .modelcard import model_card
from ..model.adapters import peft_of
from ..model.gguf import GGUF_FORMATS, gguf_writer
from ..safety import disk_full
from ..model.pooling import save_code as save_pooling_code, ships_code as ships_pooling_code

FORMATS = {
    "merged": "Full-precision transformers folder (safetensors + tokenizer); adapters merged into the base. Loads "
              "with a plain transformers pipeline.",
    "int8": "CPU int8: dynamic int8 Linear layers and int8 embedding rows (about 4× smaller, faster on CPU); "
            "safetensors + quantization.json, loaded by the workbench.",
    "bnb8": "bitsandbytes LLM.int8 weights in transformers' format (task head kept in full precision); needs "
            "bitsandbytes to load.",
    "bnb4": "bitsandbytes NF4 4-bit weights in transformers' format (task head kept in full precision); needs "
            "bitsandbytes to load.",
    "onnx": "ONNX graph with dynamic batch and sequence axes, for onnxruntime; checked against PyTorch.",
    "pruned": "A run trained with the prune strategy, saved sparse-aware (bit mask + non-zero values), with its "
              "sparsity stated; lossless.",
}


def _head_modules(model, keep_output_embeddings: bool) -> set[str]:
    """Module names of the task head (kept in full precision). A vocabulary-sized LM head is not kept unless
    asked: it is most of a small LM's weights."""
    mods = {n.rsplit(".", 1)[0] for n in head_names(model, set())}
    out_emb = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    if out_emb is not None and not keep_output_embeddings:
        mods -= {n for n, m in model.named_modules() if m is out_emb}
    return mods


# ---- writers: each saves the weights of one format into `folder` and returns facts for the report ---------------
def _merged(src: LoadedRef, ref: ModelRef, prepared: Prepared, folder: Path) -> dict:
    # A run saved as an adapter folder (qlora) was merged into its full-precision base by tasks.load_saved.
    unwrap(src.model).save_pretrained(str(folder))
    save_pooling_code(unwrap(src.model), folder)      # mean pooling: pipeline(..., trust_remote_code=True)
    facts = {"merged_adapters": (Path(ref.model_dir) / "adapter_config.json").is_file()}
    if src.task.pipeline_tag == "text-classification":   # what the task serves through, not its class name
        facts["pipeline_check"] = _pipeline_check(src, prepared, folder)
    return facts


def _pipeline_check(src: LoadedRef, prepared: Prepared, folder: Path) -> dict:
    """Load the folder with a plain transformers pipeline and compare its answers with the run's own."""
    task = copy.copy(prepared.task)                               # the evaluation task: labels fitted
    task.setup(src.tokenizer)
    inputs = [x for x in task.example_inputs(prepared.raw[prepared.split], 32) if isinstance(x, str)]
    pipe = pipeline("text-classification", model=str(folder), tokenizer=str(folder), device="cpu",
                    trust_remote_code=ships_pooling_code(folder))   # the workbench's own modeling_pooling.py
    theirs = pipe(inputs, truncation=True, max_length=task.data_cfg.max_length)
    ours = task.predict(src.model, inputs)
    return {"pipeline": "text-classification", "inputs": len(inputs), **task.pipeline_agreement(theirs, ours)}


def _int8(src: LoadedRef, ref: ModelRef, prepared: Prepared, folder: Path) -> dict:
    hf = copy.deepcopy(unwrap(src.model)).float().cpu().eval()
    keep = _head_modules(hf, keep_output_embeddings=False)
    spec = quantize_int8(hf, keep)
    hf.config.save_pretrained(str(folder))
    save_int8(hf, spec, folder)
    return {"quantization": {"scheme": spec["scheme"], "linear_layers": len(spec["linear"]),
                             "embeddings": spec["embedding"], "fp32_modules": spec["fp32"]}}


def _bnb(bits: int):
    def write(src: LoadedRef, ref: ModelRef, prepared: Prepared, folder: Path) -> dict:
        import bitsandbytes   # lazy: optional (CUDA)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        keep = sorted({m.split(".")[0] for m in _head_modules(unwrap(src.model), keep_output_embeddings=True)})
        if bits == 8:
            qc = transformers.BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules=keep)
        else:
            qc = transformers.BitsAndBytesConfig(
                load_in_4bit=True, bnb_4bit_quant_type="nf4", llm_int8_skip_modules=keep,
                bnb_4bit_compute_dtype=torch.bfloat16 if device == "cuda" else torch.float32)
        source = ref.model_dir
        if (Path(ref.model_dir) / "adapter_config.json").is_file():   # quantize the merged weights, not an adapter
            source = str(folder / ".merged")
            unwrap(src.model).save_pretrained(source)
        try:
            model = getattr(transformers, src.task.auto_class).from_pretrained(
                source, quantization_config=qc, device_map={"": device})
            model.save_pretrained(str(folder))   # before any forward: the CPU backend repacks 4-bit weights then
        except Exception as e:   # bitsandbytes raises many kinds; the message says what to do instead
            raise ModelError(f"bitsandbytes {bitsandbytes.__version__} cannot quantize this model to {bits}-bit on "
                             f"{device} ({type(e).__name__}: {str(e).splitlines()[0][:300]}); export on a CUDA "
                             "machine, or use --format int8 for CPU inference") from None
        finally:
            shutil.rmtree(folder / ".merged", ignore_errors=True)
        return {"bitsandbytes": bitsandbytes.__version__, "quantized_on": device, "kept_in_full_precision": keep}
    return write


def _onnx(src: LoadedRef, ref: ModelRef, prepared: Prepared, folder: Path) -> dict:
    task = copy.copy(prepared.task)                               # the evaluation task: labels fitted
    task.setup(src.tokenizer)
    rows = task.encode(prepared.raw[prepared.split], prepared.split)
    by_length = {len(r["input_ids"]): r for r in rows}            # trace on rows of different lengths
    sample = list(by_length.values())[:3] or rows[:2]
    facts = export_onnx(src.model, inputs_of(task, sample), folder / "model.onnx",
                        causal=task.lm_head == "clm")
    unwrap(src.model).config.save_pretrained(str(folder))
    return {"onnx": facts}


def _pruned(src: LoadedRef, ref: ModelRef, prepared: Prepared, folder: Path) -> dict:
    hf = unwrap(src.model)
    strategies = (src.info.get("strategy") or [])
    facts = sparsity_of(hf)
    if "prune" not in strategies and facts["sparsity"] < MIN_SPARSITY:
        raise ModelError(f"{ref.label} was not trained with the prune strategy and only {100 * facts['sparsity']:.2f} "
                         "% of its weights are zero: nothing to save sparsely. Train with strategy prune (e.g. "
                         "--set 'strategy=[{name: prune, sparsity: 0.5}]') or export merged / int8")
    spec = save_sparse(hf, folder)
    hf.config.save_pretrained(str(folder))
    sparse = spec["sparse_tensors"].values()
    numel = sum(int(torch.tensor(t["shape"]).prod()) for t in sparse)
    pruned = sum(t["sparsity"] * int(torch.tensor(t["shape"]).prod()) for t in sparse) / max(numel, 1)
    run_metrics = (store.read_json(Path(ref.config).parent / "summary.json", {}) or {}).get("metrics", {}) \
        if ref.config else {}
    return {"sparsity": spec["sparsity"], "zeros": spec["zeros"], "prunable_weights": spec["prunable"],
            "sparse_tensors": len(spec["sparse_tensors"]), "sparse_tensors_sparsity": round(pruned, 6),
            "run_prune_sparsity": run_metrics.get("prune_sparsity"), "encoding": spec["encoding"]}


WRITERS = {"merged": _merged, "int8": _int8, "bnb8": _bnb(8), "bnb4": _bnb(4), "onnx": _onnx, "pruned": _pruned}
FORMATS.update(GGUF_FORMATS)                                     # gguf-f16, gguf-q8_0: workbench/model/gguf.py
WRITERS.update({fmt: gguf_writer for fmt in GGUF_FORMATS})


def _write_common(folder: Path, src: LoadedRef, ref: ModelRef, fmt: str, params: int) -> None:
    src.tokenizer.save_pretrained(str(folder))
    (folder / "workbench.json").write_text(json.dumps({**src.info, "export_format": fmt}, indent=2,
                                                      ensure_ascii=False))
    if ref.config:
        shutil.copy(ref.config, folder / "config.yaml")
    src.task.save_extras(src.model, folder)                        # task layers outside transformers (a CRF)
    # A first report marks the folder as an export so that compare can load it; the full one replaces it.
    (folder / "report.json").write_text(json.dumps({"format": fmt, "params": params}))


def export(run_ref: str, fmt: str, runs_dir="runs", out_dir=None, data: str | None = None, split: str | None = None,
           *, memory: bool = True, retention: bool = True, retention_source: str = "builtin:general",
           max_examples: int | None = None, progress=None, cache: ModelCache | None = None) -> Path:
    """Export a run (id or folder, or a model folder saved by a run) as `fmt` (one of FORMATS), evaluate it against
    the run on `split` of `data` (default: the run's own test split, else validation) and return the folder
    (default runs/<id>/exports/<fmt>/)."""
    if fmt not in FORMATS:
        raise ConfigError("format", f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    ref = resolve_ref(run_ref, runs_dir)
    if ref.kind not in ("run", "folder"):
        raise ModelError(f"{run_ref!r} is a {ref.kind}; export takes a run id, a run folder or a model folder saved "
                         "by a run")
    cache = cache or ModelCache()
    say = progress or (lambda fraction, message: None)
    run_root = Path(ref.config).parent if ref.config else Path(ref.model_dir).parent
    out = Path(out_dir) if out_dir else run_root / "exports" / fmt
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        say(0.0, "loading the run")
        src = cache.get(ref, runs_dir)
        if peft_of(src.model) is not None:
            raise ModelError(f"{ref.label} is a prefix / prompt-tuning run: its virtual tokens are not weights that "
                             "can be merged or quantized; use the run itself (compare and answer_all load it)")
        prepared = cache.prepare(ref, data, split or "test", max_examples)
        params = count_params(src.model)[1]
        _write_common(tmp, src, ref, fmt, params)
        say(0.1, f"writing {fmt}")
        facts = WRITERS[fmt](src, ref, prepared, tmp)
        say(0.3, "evaluating the export against the run")
        try:
            result = compare([ref.ref, str(tmp)], data=data, split=split or "test", runs_dir=runs_dir,
                             max_examples=max_examples, retention=retention, cache=cache, memory=memory,
                             retention_source=retention_source, output_diff=True,
                             progress=lambda f, m: say(0.3 + 0.65 * f, m))
        except Exception as e:
            if fmt not in ("bnb8", "bnb4") or isinstance(e, WorkbenchError):
                raise
            import bitsandbytes   # lazy: optional (CUDA); its kernels refuse some shapes only when run
            raise ModelError(f"bitsandbytes {bitsandbytes.__version__} quantized the model but cannot run it "
                             f"{'on CUDA' if torch.cuda.is_available() else 'on this CPU'} ({type(e).__name__}: "
                             f"{str(e).splitlines()[0][:300]}); export on a CUDA machine, or use --format int8 for "
                             "CPU inference") from None
        report = _report(fmt, ref, result, params, facts)
        (tmp / "report.json").write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
        (tmp / "README.md").write_text(model_card(report, tmp), encoding="utf-8")
        old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        full = disk_full(e, f"the {fmt} export", out.parent, "no half-written export was left; an earlier one is "
                         "intact")
        if full is not None:
            raise full from None
        raise
    finally:
        cache.forget(str(tmp.resolve()))                          # the caller's cache keeps no moved folder
    say(1.0, "done")
    return out


def _report(fmt: str, ref: ModelRef, result: dict, params: int, facts: dict) -> dict:
    run, exp = result["models"]
    main = result["main_metric"]

    def ratio(a, b):
        return round(a / b, 4) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None

    value, reference = exp["metrics"].get(main), run["metrics"].get(main)
    return {
        "format": fmt, "description": FORMATS[fmt], "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "source": ref.run_id or ref.model_dir, "base_model": ref.base, "strategy": run.get("strategy"),
        "task": result["task"], "split": result["split"], "data": result["data"], "n_examples": result["n_examples"],
        "main_metric": main, "params": params,
        "size_bytes": exp["size_bytes"], "reference_size_bytes": run["size_bytes"],
        "size_ratio": ratio(exp["size_bytes"], run["size_bytes"]),
        "metrics": exp["metrics"], "reference_metrics": run["metrics"],
        "metric_delta": round(value - reference, 6) if value is not None and reference is not None else None,
        "latency_ms_per_example": exp["latency_ms_per_example"],
        "reference_latency_ms_per_example": run["latency_ms_per_example"],
        "speedup": ratio(run["latency_ms_per_example"], exp["latency_ms_per_example"]),
        "throughput_per_s": exp["throughput_per_s"], "reference_throughput_per_s": run["throughput_per_s"],
        "peak_memory_mb": exp["peak_memory_mb"], "reference_peak_memory_mb": run["peak_memory_mb"],
        "max_abs_diff": exp.get("max_abs_diff"),
        "retention": exp["retention"], "reference_retention": run["retention"],
        "machine": result["machine"], "notes": result["notes"], **facts,
    }
