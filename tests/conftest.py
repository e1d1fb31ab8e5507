"""Shared fixtures: tiny models built offline from configs (2 layers, width 32), tiny datasets, and a helper that
makes RunConfigs for tests. Real-data tests use `shared_data` and skip with a reason when ../shared/data is
absent."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

from _words import NEG, NOUNS, POS, _corpus, _sentences  # noqa: E402  (tests/ is on sys.path: pytest's rootdir-relative import)


@pytest.fixture(scope="session")
def tiny_cls_data(tmp_path_factory) -> dict:
    """{'train': csv path (96 rows), 'test': csv path (32 rows)}: columns text,label (positive/negative)."""
    root = tmp_path_factory.mktemp("cls_data")
    out = {}
    for split, n, seed in (("train", 96, 0), ("test", 32, 1)):
        path = root / f"{split}.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["text", "label"])
            w.writerows(_sentences(n, seed))
        out[split] = str(path)
    return out


@pytest.fixture(scope="session")
def tiny_text(tmp_path_factory) -> str:
    """A small plain-text corpus (about 12k characters)."""
    path = tmp_path_factory.mktemp("text") / "corpus.txt"
    rng = random.Random(0)
    lines = [f"the {rng.choice(NOUNS)} is {rng.choice(POS + NEG)} and {rng.choice(NOUNS)}s are "
             f"{rng.choice(POS + NEG)} today." for _ in range(250)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory) -> str:
    """A tiny BERT (2 layers, hidden 32) with an MLM head and a WordPiece tokenizer, saved like a hub model."""
    import torch
    from transformers import BertConfig, BertForMaskedLM

    from workbench.model.tokenizer import train_tokenizer
    root = tmp_path_factory.mktemp("tiny_bert")
    tok = train_tokenizer(_corpus(), "encoder", "bpe", 400)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, pad_token_id=tok.pad_token_id)
    BertForMaskedLM(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return str(root)


@pytest.fixture(scope="session")
def tiny_gpt_dir(tmp_path_factory) -> str:
    """A tiny GPT-2 (2 layers, width 32) with a byte-level BPE tokenizer, saved like a hub model."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from workbench.model.tokenizer import train_tokenizer
    root = tmp_path_factory.mktemp("tiny_gpt")
    tok = train_tokenizer(_corpus(), "decoder", "bpe", 400)
    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=2, n_head=2, n_positions=128,
                     pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    GPT2LMHeadModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return str(root)


@pytest.fixture(scope="module")
def one_thread():
    """Two cores shared by many processes: one torch thread per test process is an order of magnitude faster.
    Use with `pytestmark = pytest.mark.usefixtures("one_thread")`."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def make_cfg(tmp_path):
    """make_cfg(task=..., model=..., strategy=[...], train={...}, data={...}) -> RunConfig with test defaults:
    fp32, a few steps, runs in tmp_path/runs."""
    from workbench.config import RunConfig

    def build(**sections):
        data = {
            "task": sections.pop("task", "classification"),
            "model": sections.pop("model", {}),
            "data": sections.pop("data", {}),
            "strategy": sections.pop("strategy", [{"name": "full"}]),
            "train": {"max_steps": 4, "batch_size": 8, "lr": 1e-3, "precision": "fp32", "seed": 0,
                      **sections.pop("train", {})},
            "output": {"runs_dir": str(tmp_path / "runs"), **sections.pop("output", {})},
        }
        assert not sections, f"unknown sections {sections}"
        return RunConfig.from_dict(data)
    return build


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (the ../shared/data folder beside the checkout)")
    return SHARED_DATA


@pytest.fixture
def train():
    """train(cfg, **run_kwargs) -> (RunPaths, summary): create the run folder and train in this thread."""
    def go(cfg, **kwargs):
        from workbench import store
        from workbench.run import loop as trainer
        paths = store.create_run(cfg)
        summary = trainer.run(cfg, paths, **kwargs)
        return paths, summary
    return go


# ---- strategies: a fine-tuned teacher run and a narrow student model (test_strategies_*.py) ----
@pytest.fixture(scope="session")
def teacher_run(tmp_path_factory, tiny_cls_data, tiny_bert_dir) -> str:
    """A tiny BERT classifier fully fine-tuned on the tiny sentiment data: a run folder usable as a teacher."""
    runs = tmp_path_factory.mktemp("teacher_runs")
    from workbench import store
    from workbench.run import loop as trainer
    from workbench.config import RunConfig
    cfg = RunConfig.from_dict({
        "model": {"name": tiny_bert_dir}, "data": {"train": tiny_cls_data["train"], "test": tiny_cls_data["test"]},
        "train": {"max_steps": 24, "batch_size": 16, "lr": 2e-3, "precision": "fp32", "seed": 1},
        "output": {"runs_dir": str(runs)}})
    paths = store.create_run(cfg)
    summary = trainer.run(cfg, paths)
    assert summary["status"] == "completed", summary.get("error")
    return str(paths.root)


@pytest.fixture(scope="session")
def narrow_bert_dir(tmp_path_factory, tiny_bert_dir) -> str:
    """A BERT of width 16 sharing tiny_bert's tokenizer (a student whose hidden states need a projection)."""
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM
    root = tmp_path_factory.mktemp("narrow_bert")
    tok = AutoTokenizer.from_pretrained(tiny_bert_dir)
    torch.manual_seed(0)
    BertForMaskedLM(BertConfig(vocab_size=len(tok), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                               intermediate_size=32, max_position_embeddings=128,
                               pad_token_id=tok.pad_token_id)).save_pretrained(root)
    tok.save_pretrained(root)
    return str(root)
