"""The retention meter: its measures behave as defined (CKA of identical or rotated embeddings is 1, neighbour
recall of identical ones is 1, random ones score low), the base against itself is exactly 1.0 for every kind of
model, and a model trained hard on another task shows less than 1: encoders with an MLM head (masked-token
accuracy ratio), sentence encoders (CKA + neighbour recall), causal LMs (bits per character) and a decoder used
as a classifier (the base's LM head put back on its backbone)."""

from __future__ import annotations

import random

import pytest
import torch

from _eval_helpers import general_file, train_run
from _words import NEG, NOUNS, POS
from workbench.errors import ModelError
from workbench.evaluate.compare import compare
from workbench.evaluate.retention import (N_TEXTS, held_out_texts, linear_cka, neighbour_recall, reference,
                                          similarity_spearman, training_texts)



pytestmark = pytest.mark.usefixtures("one_thread")   # conftest: one torch thread per process

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
    rest = training_texts()                                        # what rehearsal / adversarial may use
    assert rest and not set(rest) & set(lines) and len(rest) + len(lines) == len(general_texts("builtin:general"))


def test_scratch_presets_have_nothing_to_retain():
    with pytest.raises(ModelError, match="from-scratch"):
        reference("gpt-tiny", ["some general text to score"])


# ---- whole models ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_gpt_dir):
    """General text, and a tiny GPT-2 pre-trained on it (a run), so there is a skill to forget."""
    root = tmp_path_factory.mktemp("retention")
    general = general_file(root, n=200)
    runs = root / "runs"
    gpt = train_run(runs, tiny_gpt_dir, {"train": general, "max_length": 32}, task="causal_lm", max_steps=60,
                    lr=1e-2, batch_size=16)
    return {"root": root, "runs": runs, "general": general, "gpt": gpt}


def pattern_lines(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"the {rng.choice(NOUNS)} is {rng.choice(POS + NEG)} and {rng.choice(NOUNS)}s are "
            f"{rng.choice(POS + NEG)} today." for _ in range(n)]


@pytest.fixture(scope="module")
def mlm_base(tmp_path_factory, tiny_bert_dir) -> dict:
    """The tiny BERT with its MLM head pre-trained on patterned sentences (a plain loop, 200 steps: ~70 % of masked
    tokens right), saved like a hub model; and held-out sentences of the same kind as the retention text."""
    from transformers import AutoTokenizer, BertForMaskedLM
    root = tmp_path_factory.mktemp("mlm_base")
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    model = BertForMaskedLM.from_pretrained(tiny_bert_dir, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    lines, g = pattern_lines(200, 0), torch.Generator().manual_seed(0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(200):
        batch = tok([lines[i] for i in torch.randint(len(lines), (32,), generator=g).tolist()], padding=True,
                    return_tensors="pt")
        ids = batch["input_ids"]
        special = torch.tensor([tok.get_special_tokens_mask(r.tolist(), already_has_special_tokens=True)
                                for r in ids]).bool() | (batch["attention_mask"] == 0)
        pick = (torch.rand(ids.shape, generator=g) < 0.15) & ~special
        out = model(**{**batch, "input_ids": ids.masked_fill(pick, tok.mask_token_id)},
                    labels=ids.masked_fill(~pick, -100))
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.save_pretrained(root / "model")
    tok.save_pretrained(root / "model")
    held = root / "held_out.txt"
    held.write_text("\n".join(pattern_lines(150, 9)) + "\n")
    return {"model": str(root / "model"), "held_out": str(held), "runs": root / "runs"}


def test_encoder_with_mlm_head(mlm_base, tiny_cls_data):
    data = {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]}
    gentle = train_run(mlm_base["runs"], mlm_base["model"], data, max_steps=4, lr=1e-4)
    hard = train_run(mlm_base["runs"], mlm_base["model"], data, max_steps=20, lr=2e-2)
    out = compare([hard, gentle, "base"], runs_dir=mlm_base["runs"], retention_source=mlm_base["held_out"],
                  memory=False, latency_examples=2)
    hard, gentle, base = (m["retention"] for m in out["models"])
    assert base["method"] == hard["method"] == gentle["method"] == "mlm_accuracy_ratio", out["notes"]
    assert base["measures"]["base_mlm_accuracy"] >= 0.5                # the pre-trained skill exists
    assert base["retention"] == 1.0 and base["measures"]["cka"] == 1.0
    assert hard["retention"] < gentle["retention"] and gentle["retention"] == pytest.approx(1.0, abs=0.05)
    assert hard["measures"]["mlm_accuracy"] < base["measures"]["mlm_accuracy"]


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
