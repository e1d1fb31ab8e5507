"""Exports: every format is written, reloaded and checked against its run. merged gives the run's predictions through
a plain transformers pipeline; int8 is smaller and close (GPT-2's Conv1D layers included), stored without pickle;
onnx matches PyTorch within 1e-4 with dynamic batch and sequence axes; bnb8/bnb4 work on this CPU or fail with a
clear message; pruned states its sparsity and loses nothing. Reports and model cards are written, exports are
atomic, exported folders compare side by side, and the CLI exits 0 (2 for bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from _eval_helpers import general_file, train_run
from workbench.cli import main
from workbench.errors import ConfigError, ModelError
from workbench.evaluate import answer_all, compare, resolve_ref
from workbench.export import FORMATS, export
from workbench.refs import load_ref

REPORT_KEYS = {"format", "size_bytes", "reference_size_bytes", "metrics", "reference_metrics",
               "latency_ms_per_example", "reference_latency_ms_per_example", "max_abs_diff", "retention",
               "reference_retention", "throughput_per_s", "speedup", "size_ratio", "params"}


pytestmark = pytest.mark.usefixtures("one_thread")   # conftest: one torch thread per process


@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_cls_data, tiny_bert_dir) -> dict:
    root = tmp_path_factory.mktemp("export")
    data = {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]}
    run = train_run(root / "runs", tiny_bert_dir, data, max_steps=20, lr=5e-3)
    return {"root": root, "runs": root / "runs", "run": run, "data": data, "general": general_file(root)}


def do_export(world, run, fmt, **kw):
    kw.setdefault("memory", False)
    out = export(run, fmt, runs_dir=world["runs"], retention_source=world["general"], **kw)
    report = json.loads((out / "report.json").read_text())
    assert REPORT_KEYS <= set(report) and report["format"] == fmt
    card = (out / "README.md").read_text()
    for part in ("# ", "## How to load", "## Reproduce", "python -m workbench train --config config.yaml",
                 report["main_metric"], "size on disk", "latency"):
        assert part in card
    assert (out / "config.yaml").is_file() and (out / "workbench.json").is_file()
    assert not list(out.parent.glob(".*tmp*")), "the temporary folder was moved into place"
    return out, report


def no_pickle(folder: Path):
    for f in folder.iterdir():
        assert f.suffix not in (".bin", ".pt", ".pth", ".pkl", ".pickle"), f
    for f in folder.glob("*.safetensors"):
        header = int.from_bytes(f.read_bytes()[:8], "little")
        json.loads(f.read_bytes()[8:8 + header])                      # a safetensors header, not a pickle


def test_formats_listed():
    assert set(FORMATS) == {"merged", "int8", "bnb8", "bnb4", "onnx", "pruned", "gguf-f16", "gguf-q8_0"}
    assert all(isinstance(v, str) and v for v in FORMATS.values())


def test_merged_round_trip(world):
    out, report = do_export(world, world["run"], "merged")
    assert out == Path(world["run"]) / "exports" / "merged"
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    no_pickle(out)
    assert report["metrics"] == report["reference_metrics"] and report["max_abs_diff"] == 0.0
    check = report["pipeline_check"]
    assert check["inputs"] == 32 and check["same_labels"] and check["max_score_diff"] < 1e-5
    # a plain transformers pipeline, outside the workbench, answers exactly as the run does
    from transformers import pipeline
    pipe = pipeline("text-classification", model=str(out), device="cpu")
    texts = ["the film was great and the meal felt great too", "the hotel was awful and the room felt awful"]
    ours = [answer_all([world["run"]], t, runs_dir=world["runs"])[0] for t in texts]
    for theirs, mine in zip(pipe(texts), ours):
        assert theirs["label"] == mine["display"] and theirs["score"] == pytest.approx(mine["confidence"], abs=1e-6)


def test_int8_smaller_and_close(world):
    out, report = do_export(world, world["run"], "int8")
    no_pickle(out)
    spec = json.loads((out / "quantization.json").read_text())
    assert spec["linear"] and "bert.embeddings.word_embeddings" in spec["embedding"] and "classifier" in spec["fp32"]
    assert report["size_bytes"] < 0.45 * report["reference_size_bytes"]
    assert abs(report["metrics"]["accuracy"] - report["reference_metrics"]["accuracy"]) <= 0.07
    assert 0 < report["max_abs_diff"] < 0.2 and report["params"] == world_params(world)
    mine, run = report["retention"]["measures"], report["reference_retention"]["measures"]
    assert abs(mine["cka"] - run["cka"]) < 0.05                          # quantization keeps the encoder's geometry
    # the export is a reference like any other: side by side with its run
    ref = resolve_ref(str(out), world["runs"])
    assert ref.kind == "export" and ref.fmt == "int8" and ref.run_id == Path(world["run"]).name
    table = compare([world["run"], str(out)], runs_dir=world["runs"], retention=False, memory=False,
                    latency_examples=4)
    assert [m["kind"] for m in table["models"]] == ["run", "export"]
    from workbench.refs import ModelCache
    cache = ModelCache()
    again = export(world["run"], "int8", runs_dir=world["runs"], retention=False, memory=False, cache=cache)
    assert again == out and all(".int8.tmp" not in str(k[1]) for k in cache._models)   # no moved folder kept
    assert table["models"][1]["size_bytes"] == report["size_bytes"]


def world_params(world) -> int:
    from workbench.anatomy import count_params
    return count_params(load_ref(resolve_ref(world["run"], world["runs"])).model)[1]


def test_int8_gpt2_conv1d_and_generation(world, tiny_gpt_dir, tiny_text):
    task = {"name": "causal_lm", "max_new_tokens": 8, "temperature": 0.0}
    run = train_run(world["runs"], tiny_gpt_dir, {"train": tiny_text}, task=task, max_steps=6, lr=5e-3)
    out, report = do_export(world, run, "int8", retention=False)
    spec = json.loads((out / "quantization.json").read_text())
    assert spec["conv1d"] and "transformer.wte" in spec["embedding"] and "lm_head" in spec["linear"]
    assert report["size_bytes"] < 0.45 * report["reference_size_bytes"]
    assert report["metrics"]["bpc"] == pytest.approx(report["reference_metrics"]["bpc"], rel=0.05)
    answers = answer_all([run, str(out)], "the film is", runs_dir=world["runs"])
    assert all(isinstance(a["display"], str) for a in answers)


def test_onnx_matches_pytorch(world):
    out, report = do_export(world, world["run"], "onnx")
    assert (out / "model.onnx").is_file() and report["max_abs_diff"] < 1e-4
    assert report["latency_ms_per_example"] > 0 and report["metrics"] == pytest.approx(report["reference_metrics"],
                                                                                        abs=1e-4)
    assert report["retention"] is None and any("ONNX" in n for n in report["notes"])
    # dynamic axes: another batch size and length than the trace, straight through onnxruntime
    import onnxruntime as ort
    loaded = load_ref(resolve_ref(world["run"], world["runs"]))
    enc = loaded.tokenizer(["a b", "the service was weak and the room felt weak too, sadly", "fine"],
                           padding=True, return_tensors="pt")
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {i.name: enc[i.name].numpy() for i in session.get_inputs()})[0]
    with torch.no_grad():
        want = loaded.model(**enc).logits.numpy()
    assert got.shape == (3, 2) and np.abs(got - want).max() < 1e-4


def test_onnx_causal_lm_generates_like_pytorch(world, tiny_gpt_dir, tiny_text):
    task = {"name": "causal_lm", "max_new_tokens": 8, "temperature": 0.0}     # greedy: comparable exactly
    run = train_run(world["runs"], tiny_gpt_dir, {"train": tiny_text}, task=task, max_steps=6, lr=5e-3)
    out, report = do_export(world, run, "onnx", retention=False)
    assert report["max_abs_diff"] < 1e-4
    torch_answer, onnx_answer = answer_all([run, str(out)], "the film is", runs_dir=world["runs"])
    assert onnx_answer["display"] == torch_answer["display"]


@pytest.mark.parametrize("task, data, crf", [
    ("token_classification", "builtin:ner", False), ("token_classification", "builtin:ner", True),
    ({"name": "qa", "doc_stride": 8}, "builtin:qa", False)])
def test_other_tasks_export_and_compare(world, tiny_bert_dir, task, data, crf, tmp_path):
    """Token classification (with and without a CRF on top) and extractive QA: the ONNX graph reproduces the run's
    metrics, loss included (OrtModel computes the heads' losses), and int8 stays close."""
    from workbench import store, trainer
    from workbench.config import RunConfig
    cfg = RunConfig.from_dict({
        "task": task, "model": {"name": tiny_bert_dir, "crf": crf},
        "data": {"train": data, "max_length": 32, "max_train_samples": 48, "max_eval_samples": 12},
        "train": {"max_steps": 4, "batch_size": 8, "lr": 5e-3, "precision": "fp32", "eval_every": 1000},
        "output": {"runs_dir": str(tmp_path / "runs")}})
    paths = store.create_run(cfg)
    assert trainer.run(cfg, paths)["status"] == "completed"
    world = {**world, "runs": tmp_path / "runs"}
    out, onnx = do_export(world, str(paths.root), "onnx", retention=False)
    assert (out / "crf.safetensors").is_file() == crf                 # the task's own layer travels along
    assert onnx["max_abs_diff"] < 1e-4
    assert onnx["metrics"] == pytest.approx(onnx["reference_metrics"], abs=1e-4)
    _, int8 = do_export(world, str(paths.root), "int8", retention=False)
    assert int8["size_bytes"] < int8["reference_size_bytes"] and int8["max_abs_diff"] < 0.1


@pytest.fixture(scope="module")
def wide_run(world, tmp_path_factory) -> str:
    """bitsandbytes' CPU 4-bit kernels work in blocks of 64 values: a tiny BERT of width 64."""
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM
    folder = tmp_path_factory.mktemp("wide_bert")
    tok = AutoTokenizer.from_pretrained(str(Path(world["run"]) / "model"))
    torch.manual_seed(0)
    BertForMaskedLM(BertConfig(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                               intermediate_size=128, max_position_embeddings=128,
                               pad_token_id=tok.pad_token_id)).save_pretrained(folder)
    tok.save_pretrained(folder)
    return train_run(world["runs"], str(folder), world["data"], max_steps=20, lr=5e-3)


@pytest.mark.parametrize("fmt", ["bnb8", "bnb4"])
def test_bnb_on_cpu(world, wide_run, fmt):
    out, report = do_export(world, wide_run, fmt, retention=False)
    assert report["quantized_on"] == ("cuda" if torch.cuda.is_available() else "cpu")
    assert report["kept_in_full_precision"] == ["classifier"]
    assert report["size_bytes"] < report["reference_size_bytes"]
    assert abs(report["metrics"]["accuracy"] - report["reference_metrics"]["accuracy"]) <= 0.15
    config = json.loads((out / "config.json").read_text())
    assert config["quantization_config"]["quant_method"] == "bitsandbytes"


def test_bnb_failure_is_a_clear_message(world):
    """On this CPU bitsandbytes' 4-bit kernels refuse layers narrower than their 64-value blocks (width 32)."""
    if torch.cuda.is_available():
        pytest.skip("the CPU-kernel limitation does not apply on CUDA")
    with pytest.raises(ModelError, match=r"bitsandbytes .* (CPU|cpu).*--format int8"):
        export(world["run"], "bnb4", runs_dir=world["runs"], retention=False, memory=False)
    exports = Path(world["run"]) / "exports"
    assert not (exports / "bnb4").exists() and not list(exports.glob(".bnb4*"))


@pytest.mark.gpu
def test_bnb4_on_cuda(world, wide_run):
    if not torch.cuda.is_available():
        pytest.fail("the gpu marker needs a CUDA device")
    out, report = do_export(world, wide_run, "bnb4", retention=False)
    assert report["quantized_on"] == "cuda" and report["metrics"]["accuracy"] >= 0.5


def test_pruned_states_sparsity_and_loses_nothing(world):
    prune = [{"name": "prune", "sparsity": 0.5, "start": 0.0, "end": 0.5, "every": 1}]
    run = train_run(world["runs"], str(Path(world["run"]) / "model"), world["data"], strategy=prune, max_steps=12,
                    lr=3e-3)
    out, report = do_export(world, run, "pruned")
    no_pickle(out)
    assert report["sparse_tensors"] > 0 and report["sparse_tensors_sparsity"] == pytest.approx(0.5, abs=0.02)
    assert report["run_prune_sparsity"] == pytest.approx(0.5, abs=0.02)
    assert 0 < report["sparsity"] < report["sparse_tensors_sparsity"]    # embeddings and head are not pruned
    assert report["metrics"] == report["reference_metrics"] and report["max_abs_diff"] == 0.0
    assert report["size_bytes"] < report["reference_size_bytes"]
    assert "Sparsity" in (out / "README.md").read_text()


def test_pruned_refuses_an_unpruned_run(world):
    with pytest.raises(ModelError, match="prune strategy"):
        export(world["run"], "pruned", runs_dir=world["runs"], memory=False, retention=False)
    exports = Path(world["run"]) / "exports"
    assert not (exports / "pruned").exists() and not list(exports.glob(".pruned*"))


def test_adapter_folder_is_merged(world, tiny_bert_dir, tmp_path):
    """A run saved as an unmerged LoRA-type adapter (what a qlora run writes): merged and bnb8 exports start from
    the adapter merged into its full-precision base, and give the run's predictions."""
    import shutil

    from peft import LoraConfig, TaskType, get_peft_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    run = Path(world["run"])
    copy = tmp_path / "runs" / "adapter-run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns("exports", "checkpoints"))
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2,
                                                               id2label={0: "negative", 1: "positive"},
                                                               label2id={"negative": 0, "positive": 1})
    torch.manual_seed(0)
    peft_model = get_peft_model(model, LoraConfig(task_type=TaskType.SEQ_CLS, r=4, target_modules=["query", "value"],
                                                  init_lora_weights=False))
    shutil.rmtree(copy / "model")
    peft_model.save_pretrained(str(copy / "model"))
    model.config.save_pretrained(str(copy / "model"))
    AutoTokenizer.from_pretrained(tiny_bert_dir).save_pretrained(str(copy / "model"))
    (copy / "model" / "workbench.json").write_text((run / "model" / "workbench.json").read_text())
    world = {**world, "runs": tmp_path / "runs"}
    out, report = do_export(world, str(copy), "merged", retention=False)
    assert report["merged_adapters"] is True and report["max_abs_diff"] < 1e-5
    assert report["pipeline_check"]["same_labels"] and not (out / "adapter_config.json").exists()
    out, report = do_export(world, str(copy), "bnb8", retention=False)
    assert report["kept_in_full_precision"] == ["classifier"] and not (out / ".merged").exists()


def test_prompt_tuning_runs_are_not_exported(world):
    prompt = [{"name": "prompt", "num_virtual_tokens": 4}]
    run = train_run(world["runs"], str(Path(world["run"]) / "model"), world["data"], strategy=prompt, max_steps=2)
    with pytest.raises(ModelError, match="prompt-tuning"):
        export(run, "int8", runs_dir=world["runs"], memory=False, retention=False)


def test_bad_format_and_refs(world):
    with pytest.raises(ConfigError, match="unknown export format 'gguf'"):
        export(world["run"], "gguf", runs_dir=world["runs"])
    with pytest.raises(ModelError, match="no run"):
        export("missing-run", "int8", runs_dir=world["runs"])
    merged = Path(world["run"]) / "exports" / "merged"
    if merged.is_dir():
        with pytest.raises(ModelError, match="export takes a run"):
            export(str(merged), "int8", runs_dir=world["runs"])


def test_cli_export(world, capsys, tmp_path):
    out = tmp_path / "int8-out"
    code = main(["export", world["run"], "--format", "int8", "--runs-dir", str(world["runs"]), "--out", str(out),
                 "--no-memory", "--retention-source", world["general"]])
    captured = capsys.readouterr()
    assert code == 0 and captured.out.strip() == str(out) and (out / "report.json").is_file()
    assert "int8: accuracy" in captured.err
    assert main(["export", world["run"], "--format", "fp4", "--runs-dir", str(world["runs"])]) == 2
    assert "unknown export format 'fp4'" in capsys.readouterr().err
    assert main(["export", "nope", "--format", "int8", "--runs-dir", str(world["runs"])]) == 2
    assert "no run" in capsys.readouterr().err
