"""model.pooling (auto / cls / mean): mean pooling ignores padding, cls is transformers' own head unchanged, auto
follows a sentence-transformers pooling config, a mean-pooled run saves and reloads (workbench and a plain
pipeline with trust_remote_code) to the same answers."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

from workbench.model import pooling
from workbench.errors import ConfigError, ModelError

pytestmark = pytest.mark.usefixtures("one_thread")


def _st_folder(src, dst, mean=True):
    """A copy of a model folder that says, like sentence-transformers folders, how it pools."""
    shutil.copytree(src, dst)
    (dst / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
    (dst / "1_Pooling").mkdir()
    (dst / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": not mean, "pooling_mode_mean_tokens": mean}))
    return dst


def _model(folder, choice):
    torch.manual_seed(0)
    m = AutoModelForSequenceClassification.from_pretrained(str(folder), num_labels=2)
    return pooling.apply(m, choice).eval()


def test_mean_pooling_ignores_padding(tiny_bert_dir):
    model = _model(tiny_bert_dir, "mean")
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    short = tok(["the film was good"], return_tensors="pt")
    padded = tok(["the film was good", "the long film was good and the plot was good and fine too"],
                 padding=True, return_tensors="pt")
    assert padded["input_ids"].shape[1] > short["input_ids"].shape[1]          # really padded
    with torch.no_grad():
        a, b = model(**short).logits[0], model(**padded).logits[0]
        # without the mask the pads would count: the hook really feeds the mask in
        model.bert.pooler.mask = None
        plain_mean = model.classifier(model.bert(**padded).last_hidden_state.mean(1))[0]
    assert torch.allclose(a, b, atol=1e-5), (a, b)
    assert not torch.allclose(a, plain_mean, atol=1e-4)


def test_mean_is_the_mean_of_real_tokens(tiny_bert_dir):
    model = _model(tiny_bert_dir, "mean")
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    enc = tok(["a good film", "a long and good film indeed"], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model.bert(**enc).last_hidden_state
        m = enc["attention_mask"].unsqueeze(-1).float()
        expected = model.classifier((hidden * m).sum(1) / m.sum(1))
        assert torch.allclose(model(**enc).logits, expected, atol=1e-5)


def test_cls_is_transformers_own_head(tiny_bert_dir):
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    enc = tok(["a good film", "a long and good film indeed"], padding=True, return_tensors="pt")
    torch.manual_seed(0)
    plain = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2).eval()
    ours = _model(tiny_bert_dir, "cls")
    assert type(ours.bert.pooler).__name__ == "BertPooler"
    with torch.no_grad():
        assert torch.equal(plain(**enc).logits, ours(**enc).logits)
    assert pooling.resolve("auto", plain) == "cls"             # no sentence-transformers config: today's head


def test_auto_follows_the_sentence_transformers_config(tiny_bert_dir, tmp_path):
    st_mean = _st_folder(tiny_bert_dir, tmp_path / "st_mean")
    st_cls = _st_folder(tiny_bert_dir, tmp_path / "st_cls", mean=False)
    assert pooling.sentence_transformers_pooling(st_mean) == "mean"
    assert pooling.sentence_transformers_pooling(st_cls) == "cls"
    assert pooling.uses_mean(_model(st_mean, "auto"))
    assert not pooling.uses_mean(_model(st_cls, "auto"))
    assert not pooling.uses_mean(_model(st_mean, "cls"))          # an explicit choice wins


def test_bundled_minilm_says_mean():
    from workbench.model.catalogue import minilm_path
    assert pooling.sentence_transformers_pooling(minilm_path()) == "mean"


def test_knob_is_declared_once_with_choices():
    from workbench.config import ModelConfig, RunConfig
    from workbench.options import describe
    info = next(i for i in describe(ModelConfig) if i.name == "pooling")
    assert info.default == "auto" and info.choices == ("auto", "cls", "mean") and info.help
    with pytest.raises(ConfigError, match="model.pooling"):
        RunConfig.from_dict({"model": {"pooling": "max"}})


def test_mean_refused_where_the_head_reads_no_pooler(tiny_gpt_dir):
    m = AutoModelForSequenceClassification.from_pretrained(tiny_gpt_dir, num_labels=2)
    with pytest.raises(ModelError, match="model.pooling: mean needs a BERT-style encoder"):
        pooling.apply(m, "mean")
    assert pooling.apply(m, "auto") is m                          # a decoder keeps its last-token head


def test_mean_run_saves_and_loads_everywhere(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    from workbench.tasks import load_saved
    cfg = make_cfg(model={"name": tiny_bert_dir, "pooling": "mean"},
                   data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]}, train={"max_steps": 6})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    saved = json.loads((paths.model / "config.json").read_text())
    assert saved["workbench_pooling"] == "mean" and pooling.ships_code(paths.model)
    assert not any("pooler" in k for k in _keys(paths.model))          # the [CLS] pooler is not saved
    model, tok, task, _ = load_saved(paths.model)
    assert pooling.uses_mean(model)
    texts = ["the film was good and the plot felt good too", "the food was awful"]
    ours = task.predict(model, texts)
    pipe = pipeline("text-classification", model=str(paths.model), trust_remote_code=True)
    theirs = pipe(texts)
    assert [t["label"] for t in theirs] == [o.display for o in ours]
    assert max(abs(t["score"] - o.confidence) for t, o in zip(theirs, ours)) < 1e-5


def _keys(folder):
    from safetensors import safe_open
    with safe_open(str(folder / "model.safetensors"), "pt") as f:
        return list(f.keys())


def test_a_student_of_a_mean_pooled_teacher_pools_the_same(tiny_bert_dir):
    """The Demo's teacher (MiniLM, mean pooling) has no [CLS] pooler weights: its student is derived with the same
    pooling (this failed with KeyError 'bert.pooler.dense.weight' in the real Teacher-and-student story)."""
    from workbench.model import catalogue as models
    teacher = pooling.apply(AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2), "mean")
    student = models.derive_student(teacher, [1])
    assert pooling.uses_mean(student) and not any("pooler" in k for k in student.state_dict())
    batch = {"input_ids": torch.tensor([[2, 5, 6, 3, 0]]), "attention_mask": torch.tensor([[1, 1, 1, 1, 0]])}
    assert student(**batch).logits.shape == (1, 2)
