"""The model card's front matter as the Hugging Face Hub reads it (huggingface_hub.ModelCardData), and the card of a
run folder (a run published without an export).

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
        import yaml
        data = ((yaml.safe_load(config_text) or {}).get("data") or {}).get("train") or data
    return data


def card_data(report: dict, info: dict, auto_class: str, license: str | None = None, config_text: str | None = None):
    """ModelCardData for an export's report.json (or a run's, see run_report)."""
    from huggingface_hub import EvalResult, ModelCardData

    from .modelcard import PIPELINES
    report = {**report, "data": data_name(report, config_text)}
    fmt = report.get("format") or "run"
    base = hub_id(report.get("base_model") or info.get("base_model"))
    pipeline = PIPELINES.get(auto_class)
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
    from . import store
    summary = store.read_json(run_root / "summary.json", {}) or {}
    info = json.loads((run_root / "model" / "workbench.json").read_text())
    metrics = {k[5:]: v for k, v in (summary.get("metrics") or {}).items() if k.startswith("eval_")}
    data = None
    if (run_root / "config.yaml").is_file():
        import yaml
        data = ((yaml.safe_load((run_root / "config.yaml").read_text()) or {}).get("data") or {}).get("train")
    return {"format": "run", "source": summary.get("run_id") or run_root.name, "status": summary.get("status"),
            "base_model": info.get("base_model"), "task": info.get("task"), "strategy": info.get("strategy"),
            "data": data, "split": "test", "metrics": metrics, "run_metrics": summary.get("metrics") or {}}


def run_card(report: dict, info: dict, config_text: str | None, license: str | None = None) -> str:
    """README.md of a run folder published as it is (full-precision transformers weights)."""
    from .modelcard import PIPELINES, _how_to_load
    from .tasks import TASKS
    auto_class = TASKS.get(report["task"], "task").auto_class
    lines = [front_matter(report, info, auto_class, license), "", f"# {report['source']}", "",
             f"Fine-tuned with the workbench: task **{report['task']}**, strategy "
             f"**{'+'.join(report.get('strategy') or []) or '–'}**, from **{report.get('base_model')}**, trained on "
             f"{report.get('data')} (run status {report.get('status')}).", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4g} |" for k, v in report["metrics"].items() if isinstance(v, (int, float))]
    lines += ["", "## How to load", "", _how_to_load("merged", auto_class)]
    if PIPELINES.get(auto_class) is None:
        lines += ["", "(no transformers pipeline for this task: load the model class above)"]
    if config_text:
        lines += ["", "## Reproduce", "", "```yaml", config_text.rstrip(), "```", "", "```bash",
                  "python -m workbench train --config config.yaml", "```"]
    return "\n".join(lines) + "\n"
