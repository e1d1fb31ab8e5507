"""full / freeze / head_only: what is frozen stays bit-identical; what trains moves."""

import torch
from safetensors.torch import load_file
from transformers import AutoModelForSequenceClassification

from workbench.model.anatomy import block_prefix, layer_of, param_depths


def _run(make_cfg, train, tiny_cls_data, tiny_bert_dir, strategy):
    cfg = make_cfg(model={"name": tiny_bert_dir}, data={"train": tiny_cls_data["train"]},
                   strategy=[strategy], train={"max_steps": 3, "lr": 1e-2})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    return load_file(str(paths.model / "model.safetensors")), summary


def _base(tiny_bert_dir):
    """The model as loaded, and the pre-trained weights only (the tiny BERT was saved with an MLM head and no
    pooler: pooler and classifier are newly initialised, i.e. part of the new head)."""
    model, info = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2,
                                                                     output_loading_info=True)
    new = set(info["missing_keys"])
    assert new == {"bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"}
    return model, {n: p.detach().clone() for n, p in model.state_dict().items() if n not in new}


def test_freeze_bottom_k(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    after, summary = _run(make_cfg, train, tiny_cls_data, tiny_bert_dir, {"name": "freeze", "k": 1})
    model, before = _base(tiny_bert_dir)
    prefix, depths = block_prefix(model), param_depths(model)
    for name, _ in model.named_parameters():
        i = layer_of(name, prefix)
        frozen = depths[name] == 3 or i == 0            # embeddings (depth L+1 = 3) and block 0
        if name not in before:
            continue
        same = torch.equal(after[name], before[name])
        if frozen:
            assert same, f"{name} is frozen but changed"
        elif name in before:
            assert not same, f"{name} should train"
    assert 0 < summary["metrics"]["trainable_pct"] < 100


def test_freeze_all_but_top(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    after, _ = _run(make_cfg, train, tiny_cls_data, tiny_bert_dir, {"name": "freeze", "k": -1})
    model, before = _base(tiny_bert_dir)
    prefix = block_prefix(model)
    assert all(torch.equal(after[n], before[n]) for n, _ in model.named_parameters() if layer_of(n, prefix) == 0)
    assert any(not torch.equal(after[n], before[n]) for n, _ in model.named_parameters() if layer_of(n, prefix) == 1)


def test_head_only_is_a_linear_probe(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    after, summary = _run(make_cfg, train, tiny_cls_data, tiny_bert_dir, {"name": "head_only"})
    model, before = _base(tiny_bert_dir)
    for name in before:
        assert torch.equal(after[name], before[name]), name
    assert summary["metrics"]["trainable_params"] == (32 * 32 + 32) + (32 * 2 + 2)   # new pooler + classifier
    assert summary["metrics"]["weight_distance"] == 0.0


def test_full_moves_everything(make_cfg, train, tiny_cls_data, tiny_bert_dir):
    after, summary = _run(make_cfg, train, tiny_cls_data, tiny_bert_dir, {"name": "full"})
    assert summary["metrics"]["trainable_pct"] == 100.0 and summary["metrics"]["weight_distance"] > 0
