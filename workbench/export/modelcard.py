"""The model card (README.md) of an export: what the model is, how it was made, what it scores before and after
export, its size, speed and retention, how to load it and the config that reproduces it; and its front matter as
the Hugging Face Hub reads it (huggingface_hub.ModelCardData), also for a run folder published without an export.

    library_name   transformers (merged, bnb), gguf (gguf-*), else workbench
    base_model     the base model's hub id: a hub id itself, or minilm's (sentence-transformers/all-MiniLM-L6-v2);
                   from-scratch presets, run ids and local folders have none on the Hub and are left out
    pipeline_tag   from the task's transformers class (text-classification, text-generation, ...)
    license        the base model's where known (MiniLM: apache-2.0), else "other"; `push --license` overrides it
    tags           workbench, the task, the format (and gguf)
    datasets       the training data when it is a hub dataset id
    metrics        the names of the evaluation's metrics, and model-index eval results with their values
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from .. import store
from ..model.gguf import file_name
from ..tasks import TASKS



def _v(x, digits=4, unit="") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}g}{unit}"
    return f"{x:,}{unit}" if isinstance(x, int) else f"{x}{unit}"


def _mb(b) -> str:
    return "–" if b is None else f"{b / 2**20:.1f} MB"


def _how_to_load(fmt: str, auto_class: str, pipe: str | None) -> str:
    if fmt == "merged":
        plain = f'from transformers import pipeline\npipe = pipeline("{pipe}", model="THIS_FOLDER")' if pipe else \
            f'import transformers\nmodel = transformers.{auto_class}.from_pretrained("THIS_FOLDER")'
        return f"Plain transformers (no workbench needed):\n\n```python\n{plain}\n```"
    if fmt in ("bnb8", "bnb4"):
        return ("With transformers and bitsandbytes installed (the quantization config is in config.json):\n\n"
                f"```python\nimport transformers\nmodel = transformers.{auto_class}.from_pretrained(\"THIS_FOLDER\", "
                "device_map=\"auto\")\n```")
    if fmt == "onnx":
        return ("With onnxruntime (inputs: int64 arrays from the tokenizer in this folder):\n\n```python\n"
                "import onnxruntime, transformers\ntok = transformers.AutoTokenizer.from_pretrained(\"THIS_FOLDER\")\n"
                "session = onnxruntime.InferenceSession(\"THIS_FOLDER/model.onnx\")\n"
                "feed = {i.name: tok([\"some text\"], return_tensors=\"np\")[i.name] for i in session.get_inputs()}\n"
                "outputs = session.run(None, feed)\n```")
    if fmt.startswith("gguf-"):
        return ("With llama.cpp (`llama-cli -m " + file_name(fmt) + " -p \"some text\"`), Ollama or LM Studio; or "
                "with transformers, which dequantizes it:\n\n```python\nimport transformers\nmodel = transformers."
                f"AutoModelForCausalLM.from_pretrained(\"THIS_FOLDER\", gguf_file=\"{file_name(fmt)}\")\n```")
    what = {"int8": "int8 weights (quantization.json says which modules)",
            "pruned": "a bit mask and the non-zero values (sparsity.json)"}[fmt]
    return (f"The weights are stored as {what} in safetensors (no pickle); the workbench rebuilds the model:\n\n"
            "```python\nfrom workbench.evaluate.refs import load_ref, resolve_ref\n"
            "loaded = load_ref(resolve_ref(\"THIS_FOLDER\"))"
            "\nloaded.task.predict(loaded.model, [\"some text\"])\n```")


def model_card(report: dict, folder: Path) -> str:
    """README.md text for an export folder (report: the export's report.json)."""
    info = json.loads((folder / "workbench.json").read_text())
    config = (folder / "config.yaml").read_text() if (folder / "config.yaml").is_file() else None
    fmt, main = report["format"], report["main_metric"]
    task_cls = TASKS.get(report["task"], "task")
    auto_class = task_cls.auto_class
    lines = [front_matter(report, info, auto_class, config_text=config), "",
             f"# {report['source']} — {fmt} export", "", report["description"], "",
             f"- **Base model:** {report.get('base_model')}", f"- **Task:** {report['task']}",
             f"- **Strategy:** {report.get('strategy') or '+'.join(info.get('strategy') or []) or '–'}",
             f"- **Evaluated on:** the {report['split']} split of {report['data']} data "
             f"({report['n_examples']} examples)", ""]
    rows = [("", f"this export ({fmt})", "the run (fp32)"),
            (main, _v(report["metrics"].get(main)), _v(report["reference_metrics"].get(main))),
            ("size on disk", _mb(report["size_bytes"]), _mb(report["reference_size_bytes"])),
            ("latency, batch 1 (ms/example)", _v(report["latency_ms_per_example"]),
             _v(report["reference_latency_ms_per_example"])),
            ("throughput (examples/s)", _v(report["throughput_per_s"]), _v(report["reference_throughput_per_s"])),
            ("peak memory (MB)", _v(report["peak_memory_mb"]), _v(report["reference_peak_memory_mb"])),
            ("retention (1.0 = nothing forgotten)", _v((report["retention"] or {}).get("retention")),
             _v((report["reference_retention"] or {}).get("retention")))]
    lines += ["| " + " | ".join(r) + " |" for r in rows[:1]] + ["|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    machine = report.get("machine") or {}
    lines += ["", f"Measured on {machine.get('cpu', 'this machine')} with {machine.get('torch_threads')} threads, "
                  f"{report['created']}. Size ratio {_v(report.get('size_ratio'))}, speed-up "
                  f"{_v(report.get('speedup'))}×, largest output difference from the run "
                  f"{_v(report.get('max_abs_diff'))}."]
    if report.get("sparsity") is not None:
        lines += ["", f"**Sparsity:** {100 * report['sparse_tensors_sparsity']:.2f} % of the entries of the "
                      f"{report['sparse_tensors']} pruned weight matrices are zero; over all weight matrices "
                      f"(embeddings and head included) {100 * report['sparsity']:.2f} % ({report['zeros']:,} of "
                      f"{report['prunable_weights']:,}). Stored as {report['encoding']}; metrics equal the dense "
                      "run's (the storage is lossless)."]
    ret = report.get("retention") or report.get("reference_retention")
    if ret:
        lines += ["", "## Retention", "", f"Measured against {ret['base']} on {ret['n_texts']} held-out general "
                  f"sentences with `{ret['method']}`: " + ", ".join(f"{k} {v}" for k, v in ret["measures"].items())
                  + "."]
    if report.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report["notes"]]
    lines += ["", "## How to load", "", _how_to_load(fmt, auto_class, task_cls.pipeline_tag)]
    if config:
        lines += ["", "## Reproduce", "", "```yaml", config.rstrip(), "```", "",
                  "```bash", "python -m workbench train --config config.yaml",
                  f"python -m workbench export RUN_ID --format {fmt}", "```"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ Hub front matter, and a run's own card
HUB_IDS = {"minilm": "sentence-transformers/all-MiniLM-L6-v2"}
LICENSES = {"sentence-transformers/all-MiniLM-L6-v2": "apache-2.0"}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_FILES = (".csv", ".tsv", ".json", ".jsonl", ".parquet", ".txt", ".conll", ".bio", ".bmes", ".yaml", ".safetensors")


def hub_id(name) -> str | None:
    """`name` as a Hub repo id, or None when it is not one (a preset, a run id, a local folder, builtin:...)."""
    if not isinstance(name, str) or not name:
        return None
    if name in HUB_IDS:
        return HUB_IDS[name]
    if _HUB_ID.match(name) and not Path(name).exists() and not name.endswith(_FILES):
        return name
    return None


def data_name(report: dict, config_text: str | None = None):
    """The evaluation data's name: the report's, or the run config's training source when the report says only that
    the run's own data was used."""
    data = report.get("data")
    if config_text and (not data or data == "the run's own"):
        data = ((yaml.safe_load(config_text) or {}).get("data") or {}).get("train") or data
    return data


def card_data(report: dict, info: dict, auto_class: str, license: str | None = None, config_text: str | None = None):
    """ModelCardData for an export's report.json (or a run's, see run_report)."""
    from huggingface_hub import EvalResult, ModelCardData  # lazy: network client, loaded on use

    report = {**report, "data": data_name(report, config_text)}
    fmt = report.get("format") or "run"
    base = hub_id(report.get("base_model") or info.get("base_model"))
    pipeline = TASKS.get(report["task"], "task").pipeline_tag
    library = "gguf" if fmt.startswith("gguf-") else \
        "transformers" if fmt in ("merged", "bnb8", "bnb4", "run") else "workbench"
    dataset = hub_id(report.get("data"))
    metrics = {k: v for k, v in (report.get("metrics") or {}).items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    name = str(report.get("source") or info.get("run_id") or "model")
    results = [EvalResult(task_type=pipeline or report["task"], dataset_type=dataset or str(report.get("data")),
                          dataset_name=str(report.get("data")), dataset_split=report.get("split"),
                          metric_type=k, metric_value=v)
               for k, v in metrics.items()] if metrics else None
    tags = ["workbench", report["task"]] + ([fmt] if fmt != "run" else []) + (["gguf"] if library == "gguf" else [])
    return ModelCardData(
        library_name=library, base_model=base, pipeline_tag=pipeline,
        license=license or LICENSES.get(base or "", "other"), tags=list(dict.fromkeys(tags)),
        datasets=[dataset] if dataset else None, metrics=sorted(metrics) or None,
        model_name=name if results else None, eval_results=results)


def front_matter(report: dict, info: dict, auto_class: str, license: str | None = None,
                 config_text: str | None = None) -> str:
    return "---\n" + card_data(report, info, auto_class, license, config_text).to_yaml() + "\n---"


def run_report(run_root: Path) -> dict:
    """report.json of a run folder published as it is: the run's summary and where it came from."""
    summary = store.read_json(run_root / "summary.json", {}) or {}
    info = json.loads((run_root / "model" / "workbench.json").read_text())
    metrics = {k[5:]: v for k, v in (summary.get("metrics") or {}).items() if k.startswith("eval_")}
    data = None
    if (run_root / "config.yaml").is_file():
        data = ((yaml.safe_load((run_root / "config.yaml").read_text()) or {}).get("data") or {}).get("train")
    return {"format": "run", "source": summary.get("run_id") or run_root.name, "status": summary.get("status"),
            "base_model": info.get("base_model"), "task": info.get("task"), "strategy": info.get("strategy"),
            "data": data, "split": "test", "metrics": metrics, "run_metrics": summary.get("metrics") or {}}


def run_card(report: dict, info: dict, config_text: str | None, license: str | None = None) -> str:
    """README.md of a run folder published as it is (full-precision transformers weights)."""
    task_cls = TASKS.get(report["task"], "task")
    auto_class = task_cls.auto_class
    lines = [front_matter(report, info, auto_class, license), "", f"# {report['source']}", "",
             f"Fine-tuned with the workbench: task **{report['task']}**, strategy "
             f"**{'+'.join(report.get('strategy') or []) or '–'}**, from **{report.get('base_model')}**, trained on "
             f"{report.get('data')} (run status {report.get('status')}).", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4g} |" for k, v in report["metrics"].items() if isinstance(v, (int, float))]
    lines += ["", "## How to load", "", _how_to_load("merged", auto_class, task_cls.pipeline_tag)]
    if task_cls.pipeline_tag is None:
        lines += ["", "(no transformers pipeline for this task: load the model class above)"]
    if config_text:
        lines += ["", "## Reproduce", "", "```yaml", config_text.rstrip(), "```", "", "```bash",
                  "python -m workbench train --config config.yaml", "```"]
    return "\n".join(lines) + "\n"
