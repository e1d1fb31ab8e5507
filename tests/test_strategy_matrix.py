"""Registry-driven contract tests: every registered strategy trains a few steps on a tiny model, alone, with a
finite loss, its loss terms logged, and a loadable saved model. Adding a strategy = its module + one row here.

ROWS: strategy name -> (task, options for the test, model fixture name). Specific behaviour of each strategy
(frozen tensors bit-identical, EMA formula, reversed gradients...) is proven in tests/test_strategies_*.py.
"""

import json

import pytest

from workbench.strategies import STRATEGIES

ROWS = {
    "full": ("classification", {}, "tiny_bert_dir"),
    "freeze": ("classification", {"k": 1}, "tiny_bert_dir"),
    "head_only": ("classification", {}, "tiny_bert_dir"),
    "bitfit": ("classification", {}, "tiny_bert_dir"),
    # bidirectional transfer (tests/test_strategies_transfer.py)
    "llrd": ("classification", {"decay": 0.8}, "tiny_bert_dir"),
    "l2sp": ("classification", {"weight": 0.1}, "tiny_bert_dir"),
    "distill": ("causal_lm", {"student_layers": "every:2"}, "tiny_gpt_dir"),     # teacher: the base LM
    "mean_teacher": ("classification", {"beta": 0.9}, "tiny_bert_dir"),
    "ema": ("classification", {"beta": 0.9}, "tiny_bert_dir"),
    "adversarial": ("classification", {"hidden": 16}, "tiny_bert_dir"),       # general text: builtin:general
    "rehearsal": ("classification", {"batch_size": 8}, "tiny_bert_dir"),
    # peft and compression (tests/test_strategies_peft.py, tests/test_strategies_prune.py)
    "lora": ("classification", {"r": 4}, "tiny_bert_dir"),
    "dora": ("classification", {"r": 4}, "tiny_bert_dir"),
    "qlora": ("classification", {"r": 4}, "tiny_bert_dir"),                     # CUDA only: marked gpu
    "ia3": ("classification", {}, "tiny_bert_dir"),
    "prompt": ("causal_lm", {"num_virtual_tokens": 4}, "tiny_gpt_dir"),
    "prefix": ("causal_lm", {"num_virtual_tokens": 4}, "tiny_gpt_dir"),
    "prune": ("classification", {"sparsity": 0.5, "start": 0.0, "end": 0.5}, "tiny_bert_dir"),
}


def test_every_strategy_has_a_row():
    missing = sorted(set(STRATEGIES.names()) - set(ROWS))
    assert not missing, f"add a row to ROWS in tests/test_strategy_matrix.py for: {missing}"


def _cuda_marked(names):
    """CUDA-only strategies carry the `gpu` marker: deselected on CPU machines, run with `pytest -m gpu`."""
    cuda = {n for n in names if getattr(STRATEGIES.get(n), "requires_cuda", False)}
    return [pytest.param(n, marks=pytest.mark.gpu) if n in cuda else n for n in names]


@pytest.mark.parametrize("name", _cuda_marked(sorted(ROWS)))
def test_strategy_trains(name, request, make_cfg, train, tiny_cls_data, tiny_text):
    task, options, model_fixture = ROWS[name]
    cls = STRATEGIES.get(name)
    if getattr(cls, "requires_cuda", False):
        import torch
        if not torch.cuda.is_available():
            pytest.skip(f"{name} needs CUDA (run with -m gpu on a CUDA machine); its CPU refusal is tested elsewhere")
    model_dir = request.getfixturevalue(model_fixture)
    data = ({"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]} if task == "classification"
            else {"train": tiny_text, "max_length": 32})
    cfg = make_cfg(task=task, model={"name": model_dir}, data=data, strategy=[{"name": name, **options}])
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    steps = [json.loads(l) for l in paths.metrics.read_text().splitlines() if '"type": "step"' in l]
    assert steps and all(abs(s["loss"] - sum(s["terms"].values())) < 1e-4 for s in steps)
    m = summary["metrics"]
    assert 0 < m["trainable_params"] <= m["total_params"] and m["weight_distance"] >= 0
    assert (paths.model / "config.json").is_file()
