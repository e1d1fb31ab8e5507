"""End to end on tiny models: a classification run and a causal-LM run produce a complete run folder."""

import json


def test_classification_run(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"],
                                                         "test": tiny_cls_data["test"]})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert {"eval_accuracy", "eval_macro_f1", "eval_loss", "train_runtime_s", "train_samples_per_s"} <= set(m)
    assert m["eval_split"] == "test"
    assert (paths.model / "model.safetensors").is_file()
    events = [json.loads(x) for x in paths.metrics.read_text().splitlines()]
    assert [e["step"] for e in events if e["type"] == "step"] == [1, 2, 3, 4]


def test_causal_lm_run(make_cfg, train, tiny_text, tiny_gpt_dir):
    cfg = make_cfg(task="causal_lm", model={"name": tiny_gpt_dir}, data={"train": tiny_text, "max_length": 32})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert {"eval_loss", "eval_perplexity", "eval_bpc"} <= set(summary["metrics"])
    assert summary["samples"] and isinstance(summary["samples"][0]["output"], str)
