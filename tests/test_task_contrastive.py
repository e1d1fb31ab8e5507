"""contrastive: InfoNCE, alignment, uniformity and mean pooling against hand-computed values; pair and SimCSE
encodings; evaluation (retrieval, fixed dropout views that leave the training RNG alone); end-to-end runs."""

import json
import math

import pytest
import torch

from workbench.tasks import load_saved
from workbench import store
from workbench.config import DataConfig, ModelConfig
from workbench.data import load
from workbench.tasks import TASKS
from workbench.tasks.contrastive import alignment, info_nce, mean_pool, uniformity

NOUNS = ["film", "meal", "hotel", "book", "phone", "show", "service", "room", "song", "game"]
ADJ = ["great", "awful", "boring", "lovely", "cheap", "noisy", "quiet", "tiny"]


def test_info_nce_by_hand():
    za = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    zb = torch.tensor([[0.6, 0.8], [0.0, 1.0]])
    tau = 0.5
    # S = za zbᵀ / τ = [[1.2, 0], [1.6, 2]]
    ce = lambda row, i: -row[i] + math.log(sum(math.exp(v) for v in row))     # noqa: E731
    a_to_b = (ce([1.2, 0.0], 0) + ce([1.6, 2.0], 1)) / 2
    b_to_a = (ce([1.2, 1.6], 0) + ce([0.0, 2.0], 1)) / 2
    assert info_nce(za, zb, tau, symmetric=False).item() == pytest.approx(a_to_b, rel=1e-6)
    assert info_nce(za, zb, tau).item() == pytest.approx((a_to_b + b_to_a) / 2, rel=1e-6)


def test_alignment_uniformity_pooling_by_hand():
    za = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    zb = torch.tensor([[0.6, 0.8], [0.0, 1.0], [-1.0, 0.0]])
    # ‖za − zb‖² = 0.16 + 0.64, 0, 0
    assert alignment(za, zb) == pytest.approx(0.8 / 3)
    # pairwise squared distances of za: 2, 4, 2
    assert uniformity(za) == pytest.approx(math.log((2 * math.exp(-4) + math.exp(-8)) / 3))
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    assert mean_pool(hidden, torch.tensor([[1, 1, 0]])).tolist() == [[2.0, 3.0]]


def write_pairs(tmp_path, n_copies=1):
    rows = [{"text": f"the {n} was {a}", "text_pair": f"{a} {n}, I would say"} for n in NOUNS for a in ADJ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows * n_copies))
    return str(path)


def make_task(train_path, tok_dir, **opts):
    from transformers import AutoTokenizer
    cls = TASKS.get("contrastive")
    task = cls(cls.Options(**opts), DataConfig(train=train_path, max_length=32), ModelConfig())
    ds = load(task.data_cfg, task, seed=0)
    task.setup(AutoTokenizer.from_pretrained(tok_dir))
    return task, ds


def test_encoding_pairs_and_unpaired(tmp_path, tiny_text, tiny_bert_dir):
    task, ds = make_task(write_pairs(tmp_path), tiny_bert_dir)
    rows = task.encode(ds["train"], "train")
    assert task.pair_column(ds["train"]) == "text_pair" and "pair_input_ids" in rows[0]
    batch = task.collate(rows[:4])
    assert {"input_ids", "attention_mask", "pair_input_ids", "pair_attention_mask"} == set(batch)
    task2, ds2 = make_task(tiny_text, tiny_bert_dir)
    assert task2.pair_column(ds2["train"]) is None
    assert set(task2.collate(task2.encode(ds2["train"], "train")[:4])) == {"input_ids", "attention_mask"}


def test_evaluate_retrieval_and_fixed_views(tmp_path, tiny_text, tiny_bert_dir):
    from transformers import AutoModel
    model = AutoModel.from_pretrained(tiny_bert_dir).eval()
    task, ds = make_task(write_pairs(tmp_path), tiny_bert_dir)
    rows = task.encode(ds["validation"], "validation")
    metrics, _ = task.evaluate(model, rows, batch_size=4)
    za = task.embeddings(model, rows, 4)
    zb = task.embeddings(model, rows, 4, key="pair_input_ids")
    hits = sum(int((za[i] @ zb.T).argmax()) == i for i in range(len(rows)))
    assert metrics["retrieval_accuracy"] == pytest.approx(hits / len(rows))
    assert metrics["alignment"] == pytest.approx(alignment(za, zb), rel=1e-5)
    assert za.norm(dim=1).allclose(torch.ones(len(rows)))
    # unpaired: two dropout views with a fixed seed; same figures every time, training RNG untouched
    task2, ds2 = make_task(tiny_text, tiny_bert_dir)
    rows2 = task2.encode(ds2["validation"], "validation")
    torch.manual_seed(5)
    state = torch.get_rng_state()
    m1, _ = task2.evaluate(model, rows2, 8)
    m2, _ = task2.evaluate(model, rows2, 8)
    assert m1 == m2 and torch.equal(state, torch.get_rng_state()) and not model.training
    assert m1["alignment"] > 0          # the views differ (dropout was on)


def test_pairs_run_improves_and_predicts(make_cfg, train, tmp_path, tiny_bert_dir):
    cfg = make_cfg(task="contrastive", model={"name": tiny_bert_dir},
                   data={"train": write_pairs(tmp_path, 2), "max_length": 24, "validation_split": 0.2},
                   train={"max_steps": 24, "eval_every": 8, "lr": 3e-3, "batch_size": 16, "warmup_ratio": 0.0})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    evals = store.read_metrics(paths, ("eval",))
    first, last = evals[0], evals[-1]
    assert last["eval_loss"] < first["eval_loss"]
    assert last["eval_retrieval_accuracy"] >= first["eval_retrieval_accuracy"]
    assert {"eval_alignment", "eval_uniformity"} <= set(summary["metrics"])
    assert summary["samples"][0]["output"].startswith("cosine")
    assert (paths.model / "modules.json").is_file() and (paths.model / "1_Pooling" / "config.json").is_file()
    model, tok, task, info = load_saved(paths.model)
    out = task.predict(model, ["the film was great\ngreat film, I would say\nthe room was tiny"])
    assert len(out) == 3 and out[0].display.startswith("nearest:")
    assert len(out[0].detail["neighbours"]) == 2
    sim = task.predict(model, [{"text": "the film was great", "text_pair": "great film, I would say"}])[0]
    assert -1.0 <= sim.detail["cosine"] <= 1.0


def test_simcse_run(make_cfg, train, tiny_text, tiny_bert_dir):
    cfg = make_cfg(task={"name": "contrastive", "temperature": 0.1}, model={"name": tiny_bert_dir},
                   data={"train": tiny_text, "max_length": 24})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert 0 <= m["eval_retrieval_accuracy"] <= 1 and m["eval_alignment"] > 0 and m["eval_uniformity"] < 0


def test_too_few_rows(make_cfg, train, tmp_path, tiny_bert_dir):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"text": "a", "text_pair": "b"}) + "\n" + json.dumps({"text": "c", "text_pair": "d"}))
    cfg = make_cfg(task="contrastive", model={"name": tiny_bert_dir}, data={"train": str(path)})
    _, summary = train(cfg)
    assert summary["status"] == "failed" and "at least 2" in summary["error"]
