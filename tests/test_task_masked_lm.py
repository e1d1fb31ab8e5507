"""masked_lm: masking statistics (15 %, 80/10/10, specials never masked, deterministic), fixed evaluation masks,
metrics against hand-computed values, fill-mask predictions, exact resume, end-to-end runs (also bert-tiny from
scratch, then classification on the pretrained run)."""

import json

import pytest
import torch

from workbench.model import catalogue as models
from workbench.tasks import load_saved
from workbench import store
from workbench.run import loop as trainer
from workbench.config import DataConfig, ModelConfig
from workbench.data import load
from workbench.run.jobs import StopSignal
from workbench.tasks import TASKS, _masking

MASK, PAD, CLS, SEP = 4, 0, 2, 3


def sample_batch(B=400, T=128, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(10, 1000, (B, T), generator=g)
    lengths = torch.randint(T // 2, T + 1, (B,), generator=g)
    pad = torch.arange(T)[None, :] >= lengths[:, None]
    ids[:, 0] = CLS
    ids[torch.arange(B), lengths - 1] = SEP
    ids[pad] = PAD
    never = (ids == CLS) | (ids == SEP) | pad
    return ids, never


def test_masking_statistics():
    ids, never = sample_batch()
    random_ids = torch.arange(10, 1000)
    out, labels = _masking.mask_tokens(ids, never, MASK, random_ids, 0.15, torch.Generator().manual_seed(1))
    chosen = labels != -100
    # specials and padding are never chosen; labels hold the original ids where chosen
    assert not (chosen & never).any()
    assert torch.equal(labels[chosen], ids[chosen])
    assert torch.equal(out[~chosen], ids[~chosen])
    # exactly round(15 %) of each row's maskable tokens (at least one)
    n = (~never).sum(1)
    assert torch.equal(chosen.sum(1), torch.clamp(torch.floor(n * 0.15 + 0.5), min=1).long())
    assert abs(chosen.sum().item() / n.sum().item() - 0.15) < 0.005
    # 80 % [MASK], 10 % random token, 10 % unchanged (random may hit the same id: chance 1/990)
    total = chosen.sum().item()
    masked = (out[chosen] == MASK).float().mean().item()
    unchanged = (out[chosen] == ids[chosen]).float().mean().item()
    replaced = 1 - masked - unchanged
    assert total > 5000
    assert abs(masked - 0.8) < 0.02 and abs(replaced - 0.1) < 0.015 and abs(unchanged - 0.1) < 0.015
    assert ((out[chosen] >= 10) | (out[chosen] == MASK)).all()      # random ids come from the ordinary vocab


def test_masking_is_deterministic():
    ids, never = sample_batch(B=8, T=32)
    a = _masking.mask_tokens(ids, never, MASK, torch.arange(10, 1000), 0.15, torch.Generator().manual_seed(7))
    b = _masking.mask_tokens(ids, never, MASK, torch.arange(10, 1000), 0.15, torch.Generator().manual_seed(7))
    c = _masking.mask_tokens(ids, never, MASK, torch.arange(10, 1000), 0.15, torch.Generator().manual_seed(8))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and not torch.equal(a[1], c[1])
    torch.manual_seed(3)                          # training draws from the global RNG (checkpointed)
    d = _masking.mask_tokens(ids, never, MASK, torch.arange(10, 1000))
    torch.manual_seed(3)
    e = _masking.mask_tokens(ids, never, MASK, torch.arange(10, 1000))
    assert torch.equal(d[0], e[0]) and torch.equal(d[1], e[1])


def test_short_rows_still_get_a_target():
    ids = torch.tensor([[CLS, 11, SEP, PAD, PAD]])
    never = torch.tensor([[True, False, True, True, True]])
    out, labels = _masking.mask_tokens(ids, never, MASK, torch.arange(10, 20), 0.15)
    assert labels.tolist() == [[-100, 11, -100, -100, -100]]


def make_task(text_path, tok_dir, **opts):
    from transformers import AutoTokenizer
    cls = TASKS.get("masked_lm")
    task = cls(cls.Options(**opts), DataConfig(train=text_path, max_length=32), ModelConfig())
    ds = load(task.data_cfg, task, seed=0)
    task.setup(AutoTokenizer.from_pretrained(tok_dir))
    return task, ds


def test_encoding_blocks_and_fixed_eval_masks(tiny_text, tiny_bert_dir):
    task, ds = make_task(tiny_text, tiny_bert_dir)
    tok = task.tokenizer
    train_rows = task.encode(ds["train"], "train")
    assert all(len(r["input_ids"]) <= 32 and r["input_ids"][0] == tok.cls_token_id
               and r["input_ids"][-1] == tok.sep_token_id for r in train_rows)
    assert sum(len(r["input_ids"]) == 32 for r in train_rows) >= len(train_rows) - 1   # packed: full blocks
    v1, v2 = task.encode(ds["validation"], "validation"), task.encode(ds["validation"], "validation")
    assert v1 == v2 and all(any(l != -100 for l in r["labels"]) for r in v1)
    # whole examples instead of blocks: one per line
    task2, ds2 = make_task(tiny_text, tiny_bert_dir, packing=False)
    assert len(task2.encode(ds2["train"], "train")) == len(ds2["train"])
    # training batches are masked at collate time, specials untouched
    batch = task.collate(train_rows[:8])
    chosen = batch["labels"] != -100
    assert chosen.any() and not (chosen & torch.isin(batch["labels"], torch.tensor(tok.all_special_ids))).any()


def test_evaluate_matches_hand_computed(tiny_text, tiny_bert_dir):
    from transformers import AutoModelForMaskedLM
    task, ds = make_task(tiny_text, tiny_bert_dir)
    rows = task.encode(ds["validation"], "validation")[:5]
    model = AutoModelForMaskedLM.from_pretrained(tiny_bert_dir).eval()
    metrics, _ = task.evaluate(model, rows, batch_size=2)
    nll, hits, n = 0.0, 0, 0
    for r in rows:                       # one row at a time, no padding
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([r["input_ids"]])).logits[0]
        for pos, label in enumerate(r["labels"]):
            if label != -100:
                nll -= logits[pos].log_softmax(-1)[label].item()
                hits += int(logits[pos].argmax().item() == label)
                n += 1
    assert metrics["masked_tokens"] == n
    assert metrics["loss"] == pytest.approx(nll / n, rel=1e-5)
    assert metrics["accuracy"] == pytest.approx(hits / n)


def test_fill_mask_predictions(tiny_text, tiny_bert_dir):
    from transformers import AutoModelForMaskedLM
    task, ds = make_task(tiny_text, tiny_bert_dir, top_k=3)
    model = AutoModelForMaskedLM.from_pretrained(tiny_bert_dir).eval()
    preds = task.predict(model, ["the film was [MASK] and the [MASK] felt great", "no mask here"])
    c = preds[0].detail["candidates"]
    assert len(c) == 2 and all(len(x) == 3 for x in c)
    assert all(x[0]["score"] >= x[1]["score"] >= x[2]["score"] for x in c) and sum(d["score"] for d in c[0]) <= 1
    assert "[MASK]" not in preds[0].display and preds[0].display.startswith("the film was")
    assert preds[1].detail["candidates"] == [] and "no [MASK]" in preds[1].display
    assert all("[MASK]" in x for x in task.example_inputs(ds["validation"]))


def test_masked_lm_run_improves(make_cfg, train, tiny_text, tiny_bert_dir):
    cfg = make_cfg(task="masked_lm", model={"name": tiny_bert_dir}, data={"train": tiny_text, "max_length": 32},
                   train={"max_steps": 30, "eval_every": 10, "lr": 5e-3, "warmup_ratio": 0.0})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert {"eval_loss", "eval_accuracy", "eval_perplexity"} <= set(summary["metrics"])
    evals = [e for e in store.read_metrics(paths, ("eval",))]
    assert evals[-1]["eval_loss"] < evals[0]["eval_loss"] - 0.2
    assert evals[-1]["eval_accuracy"] >= evals[0]["eval_accuracy"]
    assert summary["samples"] and "[MASK]" in summary["samples"][0]["input"]
    model, tok, task, info = load_saved(paths.model)
    assert task.predict(model, ["the film was [MASK] today"])[0].detail["candidates"]


def test_resume_masks_like_uninterrupted(make_cfg, train, tiny_text, tiny_bert_dir):
    cfg = make_cfg(task="masked_lm", model={"name": tiny_bert_dir}, data={"train": tiny_text, "max_length": 32},
                   train={"max_steps": 6, "checkpoint_every": 3, "eval_every": 3})
    full_paths, _ = train(cfg)
    stop = StopSignal()

    def cancel_after_4(ev):
        if ev.type == "step" and ev.step == 4:
            stop.request("cancel")
    cut_paths, cut = train(cfg, listener=cancel_after_4, stop=stop)
    assert cut["status"] == "cancelled"
    trainer.run(cfg, cut_paths, resume=True)
    full = {e["step"]: e["loss"] for e in store.read_metrics(full_paths, ("step",))}
    resumed = {e["step"]: e["loss"] for e in store.read_metrics(cut_paths, ("step",))[-3:]}
    assert sorted(resumed) == [4, 5, 6]
    assert all(abs(resumed[s] - full[s]) < 1e-6 for s in resumed), (resumed, full)


def test_scratch_bert_tiny_pretrain_then_classify(make_cfg, train, tiny_text, tiny_cls_data):
    """From scratch: bert-tiny with a WordPiece tokenizer trained on the text, MLM-pretrained; the run's model is
    then the base model of a classification run (model.name = the run id)."""
    pre = make_cfg(task="masked_lm", model={"name": "bert-tiny", "vocab_size": 300},
                   data={"train": tiny_text, "max_length": 32}, train={"max_steps": 1, "batch_size": 4})
    pre_paths, summary = train(pre)
    assert summary["status"] == "completed", summary.get("error")
    assert (pre_paths.model / "tokenizer.json").is_file()
    cls = make_cfg(model={"name": pre_paths.run_id}, data={"train": tiny_cls_data["train"], "max_length": 32},
                   train={"max_steps": 1, "batch_size": 4})
    paths, summary = train(cls)
    assert summary["status"] == "completed", summary.get("error")
    assert 0 <= summary["metrics"]["eval_accuracy"] <= 1
    info = json.loads((paths.model / "workbench.json").read_text())
    assert info["base_model"] == pre_paths.run_id
    # the encoder weights came from the pretrained run (the classifier is new)
    from safetensors.torch import load_file
    a, b = load_file(str(pre_paths.model / "model.safetensors")), load_file(str(paths.model / "model.safetensors"))
    key = "bert.embeddings.word_embeddings.weight"
    assert a[key].shape == b[key].shape and (a[key] - b[key]).abs().max() < 0.05


def test_new_mlm_head_is_reported(tiny_bert_dir):
    """MiniLM's checkpoint is a bare encoder: continued pretraining starts its MLM head from scratch, and says so
    (the trainer logs task warnings); a checkpoint with an MLM head (tiny_bert_dir) reports nothing."""
    cls = TASKS.get("masked_lm")
    for name, expect_new in (("minilm", True), (tiny_bert_dir, False)):
        task = cls(cls.Options(), DataConfig(), ModelConfig(name=name))
        source = models.resolve(name)
        tok = models.load_tokenizer(source, task.model_cfg)
        task.setup(tok)
        models.load(source, task, task.model_cfg, 32, tok)
        assert bool(task.warnings) == expect_new
        if expect_new:
            assert "masked-LM head is new" in task.warnings[0] and "cls.predictions.transform.dense.weight" in \
                task.warnings[0]
