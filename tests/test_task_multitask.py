"""multitask: config checks, one shared encoder with a head per sub-task, weighted per-task loss terms, mixed
batches (proportional or balanced), prefixed metrics, and a saved layout that load_saved reads back with the same
figures; also with a CRF token-classification head (sub-task extras) and from scratch."""

import json
import random
import re

import pytest
import torch

from workbench import data, store, tasks
from workbench.model import catalogue as models
from workbench.tasks import load_saved
from workbench.config import RunConfig
from workbench.errors import ConfigError


def mt(*entries, **options):
    return {"name": "multitask", "tasks": list(entries), **options}


@pytest.mark.parametrize("task, message", [
    (mt({"name": "classification"}), "two or more"),
    (mt({"name": "classification"}, {"name": "nope"}), "unknown task 'nope'"),
    (mt({"name": "classification", "data": {"train": "x.csv"}}, {"name": "masked_lm"}), "run's data section"),
    (mt({"name": "classification"}, {"name": "masked_lm", "weight": 0}), "above 0"),
    (mt({"name": "classification"}, {"name": "masked_lm", "data": {"trian": "x"}}), "tasks[1].data.trian"),
    (mt({"name": "classification"}, {"name": "masked_lm"}, main_metric="mlm/accuracy"), "key among"),
    (mt({"name": "masked_lm"}, {"name": "causal_lm"}), "different model families"),
])
def test_config_errors(task, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        cfg = RunConfig.from_dict({"task": task})
        tasks.build(cfg)


def test_keys_and_main_metric():
    cfg = RunConfig.from_dict({"task": mt({"name": "classification"}, {"name": "classification", "weight": 2},
                                           main_metric="classification_2/accuracy")})
    task = tasks.build(cfg)
    assert [s.key for s in task.subs] == ["classification", "classification_2"] and task.greater_is_better
    assert task.auto_class == "AutoModelForSequenceClassification" and task.families == ("encoder", "decoder")


def cls_mlm_cfg(make_cfg, tiny_cls_data, tiny_text, model, **kw):
    task = mt({"name": "classification"},
              {"name": "masked_lm", "weight": 0.5, "data": {"train": tiny_text, "max_length": 32}},
              main_metric="classification/accuracy", **kw.pop("task_options", {}))
    return make_cfg(task=task, model={"name": model},
                    data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"], "max_length": 32}, **kw)


def test_classification_plus_mlm_run_and_reload(make_cfg, train, tiny_cls_data, tiny_text, tiny_bert_dir):
    cfg = cls_mlm_cfg(make_cfg, tiny_cls_data, tiny_text, tiny_bert_dir, train={"max_steps": 6})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert {"eval_classification/accuracy", "eval_classification/loss", "eval_masked_lm/loss",
            "eval_masked_lm/accuracy", "eval_loss"} <= set(m)
    assert m["eval_loss"] == pytest.approx(m["eval_classification/loss"] + 0.5 * m["eval_masked_lm/loss"])
    assert summary["key_metric"] == "eval_classification/accuracy"
    steps = store.read_metrics(paths, ("step",))
    assert all(set(s["terms"]) <= {"classification", "masked_lm"} and abs(s["loss"] - sum(s["terms"].values()))
               < 1e-5 for s in steps)
    assert {k for s in steps for k in s["terms"]} == {"classification", "masked_lm"}     # both curves logged

    # the saved layout: the first task's model at the root, the other head on its own
    assert (paths.model / "model.safetensors").is_file() and (paths.model / "multitask.json").is_file()
    assert (paths.model / "heads" / "masked_lm" / "head.safetensors").is_file()
    model, tok, task, info = load_saved(paths.model)
    assert model.heads["masked_lm"].bert.encoder is model.hf_model.bert.encoder
    shared_embeddings = model.hf_model.bert.embeddings.word_embeddings.weight
    assert model.heads["masked_lm"].cls.predictions.decoder.weight is shared_embeddings
    # the reloaded model scores exactly what the run reported (same rows: the run's seed and splits)
    torch.manual_seed(cfg.train.seed)
    fresh = tasks.build(cfg)
    raw = data.load(cfg.data, fresh, cfg.train.seed)
    fresh.setup(tok)
    rows = fresh.encode(raw["test"], "test")
    metrics, _ = fresh.evaluate(model, rows, 16)
    assert metrics["classification/accuracy"] == pytest.approx(m["eval_classification/accuracy"])
    assert metrics["masked_lm/loss"] == pytest.approx(m["eval_masked_lm/loss"], rel=1e-5)
    out = task.predict(model, ["the film was [MASK] and the meal felt great too"])[0]
    assert set(out.detail) == {"classification", "masked_lm"} and out.detail["masked_lm"]["detail"]["candidates"]
    only = task.predict(model, [{"task": "classification", "input": "the film was great"}])[0]
    assert only.display in ("positive", "negative")


def test_shared_encoder_gets_both_gradients_and_weights(tiny_cls_data, tiny_text, tiny_bert_dir, make_cfg):
    cfg = cls_mlm_cfg(make_cfg, tiny_cls_data, tiny_text, tiny_bert_dir)
    torch.manual_seed(0)
    task = tasks.build(cfg)
    raw = data.load(cfg.data, task, 0)
    source = models.resolve(cfg.model.name)
    tok = models.load_tokenizer(source, cfg.model)
    task.setup(tok)
    loaded = models.load(source, task, cfg.model, 32, tok)
    model = loaded.model
    assert any(n.startswith("heads.masked_lm.cls.") for n in loaded.new_names)
    rows = task.encode(raw["train"], "train")
    batch_rows = [r for r in rows if r["task"] == "classification"][:4] + \
        [r for r in rows if r["task"] == "masked_lm"][:4]
    out = task.forward(model, task.collate(batch_rows))
    assert set(out.loss_terms) == {"classification", "masked_lm"}
    assert out.loss_terms["masked_lm"].item() == pytest.approx(0.5 * out.outputs["masked_lm"].loss.item())
    # each term alone reaches the shared encoder
    enc = model.hf_model.bert.encoder.layer[0].attention.self.query.weight
    for key in ("classification", "masked_lm"):
        model.zero_grad()
        out = task.forward(model, task.collate(batch_rows))
        out.loss_terms[key].backward()
        assert enc.grad is not None and enc.grad.abs().sum() > 0
    # balanced sampling repeats the smaller task's rows
    counts = {k: sum(r["task"] == k for r in rows) for k in ("classification", "masked_lm")}
    task.opts.sampling = "balanced"
    bal = task.encode(raw["train"], "train")
    assert {k: sum(r["task"] == k for r in bal) for k in counts} == {k: max(counts.values()) for k in counts}


def write_conll(tmp_path):
    rng = random.Random(0)
    people, places = ["Alice", "Bob", "Carol", "Dave"], ["Paris", "Rome", "Oslo", "Lima"]
    lines = []
    for _ in range(60):
        p, c = rng.choice(people), rng.choice(places)
        for w, t in ((p, "B-PER"), ("went", "O"), ("to", "O"), (c, "B-LOC"), (".", "O")):
            lines.append(f"{w} {t}")
        lines.append("")
    path = tmp_path / "ner.conll"
    path.write_text("\n".join(lines))
    return str(path)


def test_crf_token_classification_head_is_saved_with_its_extras(make_cfg, train, tmp_path, tiny_cls_data,
                                                                 tiny_bert_dir):
    cfg = make_cfg(task=mt({"name": "classification"},
                           {"name": "token_classification", "data": {"train": write_conll(tmp_path)}}),
                   model={"name": tiny_bert_dir, "crf": True},
                   data={"train": tiny_cls_data["train"], "max_length": 32}, train={"max_steps": 3})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert {"eval_token_classification/f1", "eval_classification/accuracy"} <= set(summary["metrics"])
    assert (paths.model / "heads" / "token_classification" / "crf.safetensors").is_file()
    model, tok, task, info = load_saved(paths.model)
    from workbench.tasks._crf_model import find_crf
    assert find_crf(model.heads["token_classification"]) is not None
    out = task.predict(model, [{"task": "token_classification", "input": "Alice went to Rome ."}])[0]
    assert isinstance(out.display, str)


def test_from_scratch_multitask(make_cfg, train, tiny_cls_data, tiny_text):
    cfg = cls_mlm_cfg(make_cfg, tiny_cls_data, tiny_text, "bert-tiny", train={"max_steps": 1, "batch_size": 4})
    cfg.model.vocab_size = 300
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    info = json.loads((paths.model / "workbench.json").read_text())
    assert info["task"] == "multitask"
    model, tok, task, _ = load_saved(paths.model)
    assert model.heads["masked_lm"].bert.embeddings is model.hf_model.bert.embeddings
