"""bench/trainer_vs_hf.py's workbench+bf16w variant: bf16 weights for forward/backward, fp32 master copies that the
optimizer steps (issue 13). The bench measures its speed; this checks it computes what it says."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from workbench.config import TrainConfig
from workbench.run.optim import make_optimizer

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("trainer_vs_hf", ROOT / "bench" / "trainer_vs_hf.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

pytestmark = pytest.mark.usefixtures("one_thread")


def _step(model, optimizer):
    ids = torch.randint(5, 100, (4, 12), generator=torch.Generator().manual_seed(1))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = model(input_ids=ids, labels=torch.tensor([0, 1, 0, 1])).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def test_bf16_weights_step_fp32_masters(tiny_bert_dir):
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    ctx = SimpleNamespace(device=torch.device("cpu"))
    optimizer = bench.bf16_master_weights(make_optimizer)(model, [], [], ctx, TrainConfig(lr=1e-2))
    masters = [optimizer.masters[p] for p in model.parameters()]
    assert {id(m) for m in masters} == {id(p) for g in optimizer.param_groups for p in g["params"]}
    assert all(p.dtype == torch.bfloat16 for p in model.parameters())          # forward/backward in bf16
    assert all(m.dtype == torch.float32 for m in masters)                      # the optimizer steps fp32
    assert len(masters) == len(before)
    _step(model, optimizer)
    assert all(m.grad is None for m in masters)                                # zero_grad reached the masters
    assert all(p.grad is None for p in model.parameters())                     # bf16 grads handed up, not kept
    moved = 0
    for (name, p), m in zip(model.named_parameters(), masters):
        assert torch.equal(p.detach(), m.detach().to(torch.bfloat16)), name    # weights copied down
        moved += not torch.equal(m.detach(), before[name])
    assert moved == len(masters)                                               # every master was stepped
    # a second step accumulates nothing stale: masters keep moving and stay fp32
    snapshot = [m.detach().clone() for m in masters]
    _step(model, optimizer)
    assert all(not torch.equal(a, m.detach()) for a, m in zip(snapshot, masters))


def test_hf_variants_pick_their_sampler(tiny_bert_dir, tmp_path):
    """`hf` walks HF's length-grouped mega-batches (longest first); `hf-random` is HF's default random order."""
    from datasets import Dataset
    from transformers import Trainer, TrainingArguments
    from transformers.trainer_pt_utils import LengthGroupedSampler
    rows = Dataset.from_dict({"input_ids": [[1] * n for n in range(1, 65)], "label": [0, 1] * 32,
                              "length": list(range(1, 65))})
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    kinds = {}
    for variant, sampling in bench.HF_SAMPLING.items():
        args = TrainingArguments(output_dir=str(tmp_path), per_device_train_batch_size=4, use_cpu=True,
                                 train_sampling_strategy=sampling, remove_unused_columns=False, report_to=[])
        sampler = Trainer(model=model, args=args, train_dataset=rows)._get_train_sampler()
        kinds[variant] = type(sampler)
        assert sorted(sampler) == list(range(64))                  # every row once per epoch
    assert kinds == {"hf": LengthGroupedSampler, "hf-random": torch.utils.data.RandomSampler}
