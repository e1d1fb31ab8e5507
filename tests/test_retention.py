"""The retention meter: its measures behave as defined (CKA of identical or rotated embeddings is 1, neighbour
recall of identical ones is 1, random ones score low), the base against itself is exactly 1.0 for every kind of
model, and a model trained hard on another task shows less than 1: encoders with an MLM head (masked-token
accuracy ratio), sentence encoders (CKA + neighbour recall), causal LMs (bits per character) and a decoder used
as a classifier (the base's LM head put back on its backbone)."""

from __future__ import annotations

import pytest
import torch

from _eval_helpers import general_file, train_run
from workbench.errors import ModelError
from workbench.evaluate import compare
from workbench.retention import (N_TEXTS, held_out_texts, linear_cka, neighbour_recall, reference,
                                 similarity_spearman)



@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Two cores shared by many processes: one torch thread per test process is an order of magnitude faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

# ---- the measures ---------------------------------------------------------------------------------------------
def test_cka_definition():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(100, 16, generator=g, dtype=torch.float64)
    q, _ = torch.linalg.qr(torch.randn(16, 16, generator=g, dtype=torch.float64))
    assert round(linear_cka(x, x), 6) == 1.0
    assert linear_cka(x, 3.0 * x @ q + 1.0) == pytest.approx(1.0, abs=1e-9)     # rotation, scale, shift
    assert linear_cka(x, torch.randn(100, 24, generator=g, dtype=torch.float64)) < 0.4
    assert 0.0 <= linear_cka(x, x[:, :4]) <= 1.0


def test_neighbour_recall_and_spearman():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(60, 8, generator=g, dtype=torch.float64)
    assert neighbour_recall(x, x) == 1.0 and similarity_spearman(x, x) == pytest.approx(1.0)
    noisy = x + 0.3 * torch.randn(60, 8, generator=g, dtype=torch.float64)
    unrelated = torch.randn(60, 8, generator=g, dtype=torch.float64)
    assert neighbour_recall(x, unrelated) < neighbour_recall(x, noisy) < 1.0
    assert similarity_spearman(x, unrelated) < similarity_spearman(x, noisy) < 1.0


def test_held_out_general_text_is_the_tail():
    lines = held_out_texts()
    assert len(lines) == N_TEXTS and all(len(t) >= 8 for t in lines)
    from workbench.data import general_texts
    assert lines == general_texts("builtin:general")[-N_TEXTS:]


def test_scratch_presets_have_nothing_to_retain():
    with pytest.raises(ModelError, match="from-scratch"):
        reference("gpt-tiny", ["some general text to score"])


# ---- whole models ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_bert_dir, tiny_gpt_dir):
    """General text, and tiny BERT / GPT-2 models pre-trained on it (runs), so there is a skill to forget."""
    root = tmp_path_factory.mktemp("retention")
    general = general_file(root, n=200)
    runs = root / "runs"
    bert = train_run(runs, tiny_bert_dir, {"train": general, "max_length": 32}, task="masked_lm", max_steps=80,
                     lr=1e-2, batch_size=32)
    gpt = train_run(runs, tiny_gpt_dir, {"train": general, "max_length": 32}, task="causal_lm", max_steps=60,
                    lr=1e-2, batch_size=16)
    return {"root": root, "runs": runs, "general": general, "bert": bert, "gpt": gpt}


def test_encoder_with_mlm_head(world, tiny_cls_data):
    data = {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]}
    hard = train_run(world["runs"], world["bert"], data, max_steps=20, lr=2e-2)
    out = compare([hard, "base"], runs_dir=world["runs"], retention_source=world["general"], memory=False,
                  latency_examples=2)
    run, base = (m["retention"] for m in out["models"])
    assert base["method"] == run["method"] == "mlm_accuracy_ratio", out["notes"]
    assert base["measures"]["base_mlm_accuracy"] >= 0.1               # the pre-trained skill exists
    assert base["retention"] == 1.0 and base["measures"]["cka"] == 1.0
    assert run["retention"] < 1.0 and run["measures"]["mlm_accuracy"] < base["measures"]["mlm_accuracy"]


def test_causal_lm_forgets_general_text(world, tiny_text):
    hard = train_run(world["runs"], world["gpt"], {"train": tiny_text}, task="causal_lm", max_steps=40, lr=1e-2)
    out = compare([hard, "base"], runs_dir=world["runs"], retention_source=world["general"], memory=False,
                  latency_examples=2)
    run, base = (m["retention"] for m in out["models"])
    assert run["method"] == base["method"] == "bpc_ratio"
    assert base["retention"] == 1.0 and base["measures"]["bpc"] == base["measures"]["base_bpc"]
    assert run["retention"] < 1.0 and run["measures"]["bpc"] > run["measures"]["base_bpc"]
    assert run["measures"]["perplexity"] > run["measures"]["base_perplexity"]


def test_decoder_classifier_is_scored_with_the_base_lm_head(world, tiny_cls_data):
    data = {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]}
    run = train_run(world["runs"], world["gpt"], data, max_steps=20, lr=1e-2)
    out = compare([run, "base"], runs_dir=world["runs"], retention_source=world["general"], memory=False,
                  latency_examples=2)
    mine, base = (m["retention"] for m in out["models"])
    assert base["method"] == "bpc_ratio" and base["retention"] == 1.0
    assert mine["retention"] < 1.0
