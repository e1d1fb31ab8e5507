"""The model card (README.md) of an export: what the model is, how it was made, what it scores before and after
export, its size, speed and retention, how to load it and the config that reproduces it."""

from __future__ import annotations

from pathlib import Path
import json
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
    library = "transformers" if fmt in ("merged", "bnb8", "bnb4") else "workbench"
    lines = ["---", f"library_name: {library}", f"base_model: {report.get('base_model')}",
             f"tags: [workbench, {report['task']}, {fmt}]", "---", "",
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
