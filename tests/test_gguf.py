"""GGUF export (gguf-f16, gguf-q8_0): a gpt-tiny run is written in llama.cpp's layout, loaded back with transformers'
GGUF loader and compared with the run (next-token logits, perplexity), its own tokenizer encodes held-out text as
the run's does, a LoRA run is merged first; tiny Llama and Qwen2 models built offline round-trip too; a character
vocabulary and encoders are refused with a message."""

from __future__ import annotations

import json

import pytest
import torch

from _eval_helpers import train_run
from workbench.errors import ModelError
from workbench.export.formats import FORMATS, export
from workbench.model.gguf import load_gguf, read_metadata, write_gguf

pytestmark = pytest.mark.usefixtures("one_thread")

F16_LOGITS = 2e-2      # f16 weights: largest next-token logit difference on the held-out split
Q8_LOGITS = 0.25       # Q8_0 (8-bit blocks of 32): the stated tolerance
TASK = {"name": "causal_lm", "max_new_tokens": 6, "temperature": 0.0}


@pytest.fixture(scope="module")
def gpt_run(tmp_path_factory, tiny_text):
    runs = tmp_path_factory.mktemp("gguf") / "runs"
    run = train_run(runs, "gpt-tiny", {"train": tiny_text, "max_eval_samples": 24}, task=TASK, max_steps=6,
                    lr=3e-3, batch_size=8)
    return runs, run


def _export(runs, run, fmt):
    out = export(run, fmt, runs_dir=runs, memory=False, retention=False)
    return out, json.loads((out / "report.json").read_text())


def test_formats_registered():
    assert {"gguf-f16", "gguf-q8_0"} <= set(FORMATS)


def test_gpt_tiny_f16_and_q8_0_load_back_close_to_the_run(gpt_run):
    runs, run = gpt_run
    f16, r16 = _export(runs, run, "gguf-f16")
    q8, r8 = _export(runs, run, "gguf-q8_0")
    assert sorted(p.name for p in f16.glob("*.gguf")) == ["model-f16.gguf"]
    assert sorted(p.name for p in q8.glob("*.gguf")) == ["model-q8_0.gguf"]
    assert not list(f16.glob("*.safetensors")) and not list(f16.glob("*.bin"))
    # next-token logits of the file (loaded by transformers) vs the run, and perplexity
    assert 0 < r16["max_abs_diff"] < F16_LOGITS, r16["max_abs_diff"]
    assert r16["max_abs_diff"] < r8["max_abs_diff"] < Q8_LOGITS, r8["max_abs_diff"]
    ppl = r16["reference_metrics"]["perplexity"]
    assert r16["metrics"]["perplexity"] == pytest.approx(ppl, rel=1e-3)
    assert r8["metrics"]["perplexity"] == pytest.approx(ppl, rel=2e-2)
    # size: the .gguf file; q8_0 about half of f16
    assert r16["size_bytes"] == (f16 / "model-f16.gguf").stat().st_size
    assert r8["size_bytes"] < 0.62 * r16["size_bytes"]
    assert r16["latency_ms_per_example"] > 0 and r8["throughput_per_s"] > 0
    # the file itself: llama.cpp's GPT-2 names and metadata, f32 norms, Q8_0 matrices
    meta = read_metadata(q8 / "model-q8_0.gguf")
    assert meta["general.architecture"] == "gpt2" and meta["tokenizer.ggml.model"] == "gpt2"
    assert meta["gpt2.block_count"] == 4 and meta["gpt2.embedding_length"] == 256
    assert len(meta["tokenizer.ggml.tokens"]) == r8["gguf"]["vocab_size"] > 256 and len(meta["tokenizer.ggml.merges"]) > 0
    assert r8["gguf"]["tensor_types"]["Q8_0"] == 4 * 4 + 2 and r16["gguf"]["tensor_types"]["F16"] == 4 * 4 + 2
    # the file's own tokenizer encodes held-out text as the run's does, and decodes back
    check = r16["gguf"]["tokenizer_check"]
    assert check["texts"] >= 10 and check["same_ids"] == check["texts"] == check["decodes_back"]
    card = (q8 / "README.md").read_text()
    assert "library_name: gguf" in card and 'gguf_file="model-q8_0.gguf"' in card and "pipeline_tag: text-generation" \
        in card


def test_gguf_export_generates_like_the_run(gpt_run):
    from workbench.evaluate.compare import answer_all
    runs, run = gpt_run
    out = export(run, "gguf-f16", runs_dir=runs, memory=False, retention=False, out_dir=runs / "f16-gen")
    run_answer, gguf_answer = answer_all([run, str(out)], "the cat is", runs_dir=runs)
    assert gguf_answer["display"] == run_answer["display"]          # greedy decoding: the same words


def test_lora_run_is_merged_first(gpt_run, tiny_text):
    runs, _ = gpt_run
    run = train_run(runs, "gpt-tiny", {"train": tiny_text, "max_eval_samples": 12}, task=TASK,
                    strategy=[{"name": "lora", "r": 4}], max_steps=4, lr=5e-3, batch_size=8)
    out, report = _export(runs, run, "gguf-f16")
    import gguf
    names = {t.name for t in gguf.GGUFReader(str(out / "model-f16.gguf")).tensors}
    assert "blk.0.attn_qkv.weight" in names and not any("lora" in n for n in names)
    assert report["max_abs_diff"] < F16_LOGITS


def test_char_tokenizer_refused(tiny_text, tmp_path):
    from transformers import GPT2Config, GPT2LMHeadModel

    from workbench.model.tokenizer import train_tokenizer
    tok = train_tokenizer(open(tiny_text).read().splitlines(), "decoder", "char")
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=1, n_head=2, n_positions=32))
    with pytest.raises(ModelError, match="character vocabulary.*model.tokenizer: bpe"):
        write_gguf(model, tok, tmp_path / "x.gguf", "gguf-f16")


def test_encoder_refused(tiny_bert_dir, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    model = AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2)
    with pytest.raises(ModelError, match="causal LMs of the families gpt2, llama, qwen2.*merged"):
        write_gguf(model, AutoTokenizer.from_pretrained(tiny_bert_dir), tmp_path / "x.gguf", "gguf-f16")


@pytest.mark.parametrize("arch", ["llama", "qwen2"])
def test_llama_and_qwen2_round_trip(arch, tiny_gpt_dir, tmp_path):
    """Hub-style decoders (GQA, RMSNorm, rope; Llama's q/k rows permuted for llama.cpp, Qwen2's biases, tied
    embeddings) built offline, written, loaded back: next-token logits close."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM
    tok = AutoTokenizer.from_pretrained(tiny_gpt_dir)
    torch.manual_seed(0)
    common = dict(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, intermediate_size=128, max_position_embeddings=64)
    model = (LlamaForCausalLM(LlamaConfig(**common)) if arch == "llama" else
             Qwen2ForCausalLM(Qwen2Config(**common, tie_word_embeddings=True))).eval()
    tok.save_pretrained(tmp_path)
    ids = tok(["the film was good and the room was weak"], return_tensors="pt")["input_ids"]
    with torch.no_grad():
        want = model(ids).logits
    diffs = {}
    for fmt in ("gguf-f16", "gguf-q8_0"):
        for old in tmp_path.glob("*.gguf"):
            old.unlink()
        facts = write_gguf(model, tok, tmp_path / f"model-{fmt[5:]}.gguf", fmt)
        assert facts["gguf"]["architecture"] == arch
        with torch.no_grad():
            diffs[fmt] = (load_gguf(tmp_path)(ids).logits - want).abs().max().item()
    assert diffs["gguf-f16"] < 2e-3 and diffs["gguf-q8_0"] < 5e-2, diffs
    meta = read_metadata(tmp_path / "model-q8_0.gguf")
    assert meta[f"{arch}.attention.head_count_kv"] == 2 and meta["general.architecture"] == arch
    from workbench.model.gguf import tokenizer_roundtrip
    check = tokenizer_roundtrip(tmp_path, tok, ["the film was good", "a room,  weak\nand 12 cats"])
    assert check == {"texts": 2, "same_ids": 2, "decodes_back": 2}


def test_qwen2_folder_run_exports(tmp_path, tiny_gpt_dir, tiny_text):
    """A run fine-tuned from a local Qwen2-style model folder (as a hub decoder would be) exports to GGUF and loads
    back close to the run."""
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM
    tok = AutoTokenizer.from_pretrained(tiny_gpt_dir)
    torch.manual_seed(0)
    base = tmp_path / "qwen2-tiny"
    Qwen2ForCausalLM(Qwen2Config(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                                 num_key_value_heads=2, intermediate_size=128, max_position_embeddings=64,
                                 tie_word_embeddings=True, pad_token_id=tok.pad_token_id)).save_pretrained(base)
    tok.save_pretrained(base)
    runs = tmp_path / "runs"
    run = train_run(runs, str(base), {"train": tiny_text, "max_eval_samples": 12}, task=TASK, max_steps=2,
                    batch_size=8)
    out, report = _export(runs, run, "gguf-q8_0")
    assert report["gguf"]["architecture"] == "qwen2" and report["max_abs_diff"] < Q8_LOGITS
    assert report["metrics"]["perplexity"] == pytest.approx(report["reference_metrics"]["perplexity"], rel=2e-2)
    assert report["gguf"]["tokenizer_check"]["same_ids"] == report["gguf"]["tokenizer_check"]["texts"]
