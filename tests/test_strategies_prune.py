"""prune: gradual magnitude pruning reaches its target sparsity, pruned weights stay exactly zero while training
goes on, structured modes remove whole heads / neurons, and masks survive a resume. Tiny models, CPU."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer

from workbench.run import checkpoint, loop as trainer
from workbench.tasks import load_saved
from workbench import store
from workbench.config import RunConfig
from workbench.errors import ConfigError
from workbench.run.jobs import StopSignal
from workbench.strategies.prune import Prune


def make(model, **opts) -> Prune:
    strategy = Prune(Prune.Options(**opts))
    strategy.prepare(model, SimpleNamespace(log=lambda *a, **k: None))
    return strategy


def step_ctx(step: int, total: int):
    return SimpleNamespace(step=step, total_steps=total, log=lambda *a, **k: None)


def bert(tiny_bert_dir, random_biases: bool = False):
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    if random_biases:       # fresh biases are zero: make them non-zero so zeroing them is visible
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.endswith(".bias"):
                    p.normal_()
    return model


def batch_for(model_dir):
    tok = AutoTokenizer.from_pretrained(model_dir)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok(["the film was great and lovely", "the room was awful", "the song felt fine", "the game was bland"],
               padding=True, return_tensors="pt")


def block_weights(model) -> dict[str, torch.Tensor]:
    """Every linear weight inside the transformer blocks, found independently of the strategy."""
    return {n: p for n, p in model.named_parameters() if ".layer." in n and n.endswith(".weight")
            and p.dim() == 2}


# ---------------------------------------------------------------------------------------------------------------
def test_schedule_cubic_and_linear():
    cubic = Prune(Prune.Options(sparsity=0.8, start=0.2, end=0.6))
    linear = Prune(Prune.Options(sparsity=0.8, start=0.2, end=0.6, schedule="linear"))
    assert cubic.target(10, 100) == 0.0 and cubic.target(20, 100) == 0.0
    assert cubic.target(40, 100) == pytest.approx(0.8 * (1 - 0.5 ** 3))
    assert linear.target(40, 100) == pytest.approx(0.4)
    assert cubic.target(60, 100) == linear.target(99, 100) == pytest.approx(0.8)
    assert cubic.target(30, 100) > linear.target(30, 100)            # cubic prunes fast early, gently late


@pytest.mark.parametrize("opts", [
    {"structure": "unstructured", "scope": "global"},
    {"structure": "unstructured", "scope": "layer", "schedule": "linear"},
    {"structure": "heads", "scope": "global"},
    {"structure": "neurons", "scope": "layer"},
])
def test_run_reaches_target_sparsity(opts, make_cfg, train, tiny_bert_dir, tiny_cls_data):
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                   strategy=[{"name": "prune", "sparsity": 0.5, "start": 0.0, "end": 0.5, "every": 2, **opts}],
                   train={"max_steps": 8})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert abs(m["prune_sparsity"] - 0.5) <= 0.01 and m["prune_target"] == 0.5
    saved = AutoModelForSequenceClassification.from_pretrained(str(paths.model))
    weights = block_weights(saved)
    if opts["structure"] == "unstructured":             # measured independently on the saved model
        zeros = sum((w == 0).sum().item() for w in weights.values())
        assert abs(zeros / sum(w.numel() for w in weights.values()) - 0.5) <= 0.01
    assert not (saved.classifier.weight == 0).any()                            # the head is never pruned
    assert not (saved.bert.embeddings.position_embeddings.weight == 0).any()   # nor the embeddings


def test_masked_weights_stay_exactly_zero(tiny_bert_dir):
    model = bert(tiny_bert_dir)
    strategy = make(model, sparsity=0.6, start=0.0, end=0.5, every=1)
    batch, labels = batch_for(tiny_bert_dir), torch.tensor([1, 0, 1, 0])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    total = 10
    for step in range(total):
        model(**batch, labels=labels).loss.backward()
        opt.step()
        opt.zero_grad()
        if step >= 5:       # target reached at step 5: Adam's momentum has moved the masked weights again ...
            assert any((p.detach()[~strategy.masks[n]] != 0).any() for n, p in strategy.params.items())
        strategy.after_step(model, step_ctx(step, total))
        if step >= 5:       # ... and the mask puts every one of them back to exactly zero
            for name, p in strategy.params.items():
                assert (p.detach()[~strategy.masks[name]] == 0).all()
                assert (~strategy.masks[name]).sum() > 0
    assert strategy.measured() == pytest.approx(0.6, abs=0.01)
    assert strategy.report()["prune_sparsity"] == pytest.approx(0.6, abs=0.01)


@pytest.mark.parametrize("scope", ["global", "layer"])
def test_heads_are_removed_whole(scope, tiny_bert_dir):
    model = bert(tiny_bert_dir, random_biases=True)      # 2 layers x 2 heads of size 16
    strategy = make(model, sparsity=0.5, structure="heads", scope=scope, start=0.0, end=0.0)
    strategy.after_step(model, step_ctx(0, 4))
    pruned = 0
    for layer in model.bert.encoder.layer:
        att = layer.attention
        for h in range(2):
            rows = slice(16 * h, 16 * (h + 1))
            parts = [att.self.query.weight[rows], att.self.key.weight[rows], att.self.value.weight[rows],
                     att.self.query.bias[rows], att.self.key.bias[rows], att.self.value.bias[rows],
                     att.output.dense.weight[:, rows]]
            gone = [bool((t == 0).all()) for t in parts]
            assert all(gone) or not any(gone), "a head is either removed whole or kept whole"
            pruned += gone[0]
        if scope == "layer":
            assert sum(bool((att.self.query.weight[16 * h:16 * (h + 1)] == 0).all()) for h in range(2)) == 1
        assert not (layer.intermediate.dense.weight == 0).any()               # feed-forward untouched
    assert pruned == 2
    assert strategy.report()["prune_units_removed"] == 2 and strategy.report()["prune_units_total"] == 4


def test_neurons_are_removed_whole(tiny_bert_dir):
    model = bert(tiny_bert_dir, random_biases=True)      # feed-forward width 64 per layer
    strategy = make(model, sparsity=0.25, structure="neurons", scope="layer", start=0.0, end=0.0)
    strategy.after_step(model, step_ctx(0, 4))
    for layer in model.bert.encoder.layer:
        up, bias, down = layer.intermediate.dense.weight, layer.intermediate.dense.bias, layer.output.dense.weight
        dead = (up == 0).all(dim=1)                                       # (64,) neurons whose input row is zero
        assert dead.sum() == 16
        assert (bias[dead] == 0).all() and (down[:, dead] == 0).all()     # ... and their output column too
        assert not (up[~dead] == 0).all(dim=1).any() and not (down[:, ~dead] == 0).all(dim=0).any()


def test_gpt2_heads_in_the_fused_qkv_matrix(tiny_gpt_dir):
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(tiny_gpt_dir)      # c_attn: Conv1D weight (32, 96) = [q | k | v]
    strategy = make(model, sparsity=0.5, structure="heads", scope="layer", start=0.0, end=0.0)
    strategy.after_step(model, step_ctx(0, 4))
    for block in model.transformer.h:
        w, proj = block.attn.c_attn.weight, block.attn.c_proj.weight
        for h in range(2):
            cols = [slice(32 * part + 16 * h, 32 * part + 16 * (h + 1)) for part in range(3)]
            gone = [bool((w[:, c] == 0).all()) for c in cols] + [bool((proj[16 * h:16 * (h + 1)] == 0).all())]
            assert all(gone) or not any(gone)
        assert sum(bool((w[:, 16 * h:16 * (h + 1)] == 0).all()) for h in range(2)) == 1


def test_resume_keeps_the_masks(make_cfg, train, tiny_bert_dir, tiny_cls_data):
    # masks change at steps 2 and 4 (every=2); the cut checkpoint is at step 5, the resume runs steps 6..10 with
    # no mask update until step 6: without restored masks steps 6.. would train the pruned weights back
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
                   strategy=[{"name": "prune", "sparsity": 0.5, "start": 0.0, "end": 0.4, "every": 2}],
                   train={"max_steps": 10, "checkpoint_every": 5, "batch_size": 16})
    full_paths, full = train(cfg)
    stop = StopSignal()

    def cancel_after_7(ev):
        if ev.type == "step" and ev.step == 7:
            stop.request("cancel")
    cut_paths, cut = train(cfg, listener=cancel_after_7, stop=stop)
    ck = checkpoint.latest(cut_paths.checkpoints)
    from safetensors.torch import load_file
    masks = {k: v for k, v in load_file(str(ck / "tensors.safetensors")).items() if k.startswith("strategy.0.mask.")}
    assert masks and all(v.dtype == torch.bool for v in masks.values())
    resumed = trainer.run(cfg, cut_paths, resume=True)
    assert resumed["status"] == "completed"
    assert abs(resumed["metrics"]["eval_loss"] - full["metrics"]["eval_loss"]) < 1e-6
    assert resumed["metrics"]["prune_sparsity"] == full["metrics"]["prune_sparsity"]
    a = AutoModelForSequenceClassification.from_pretrained(str(full_paths.model)).state_dict()
    b = AutoModelForSequenceClassification.from_pretrained(str(cut_paths.model)).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_prune_refusals():
    with pytest.raises(ConfigError, match="end.*before start"):
        RunConfig.from_dict({"strategy": [{"name": "prune", "start": 0.5, "end": 0.2}]})
    with pytest.raises(ConfigError, match="'prune' cannot be combined with 'dora': pruning masks"):
        RunConfig.from_dict({"strategy": [{"name": "prune"}, {"name": "dora"}]})


def test_prune_loads_with_load_saved(make_cfg, train, tiny_gpt_dir, tiny_text):
    cfg = make_cfg(task={"name": "causal_lm", "max_new_tokens": 8}, model={"name": tiny_gpt_dir},
                   data={"train": tiny_text, "max_length": 32},
                   strategy=[{"name": "prune", "sparsity": 0.3, "structure": "neurons", "scope": "layer", "start": 0.0,
                              "end": 0.5}])
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    model, *_ = load_saved(paths.model)
    up = model.transformer.h[0].mlp.c_fc.weight                 # Conv1D (32, 128): neurons are columns
    assert (up == 0).all(dim=0).float().mean().item() == pytest.approx(0.3, abs=0.01)
    assert store.read_json(paths.summary)["metrics"]["prune_units_total"] == 256
