"""denoising: the corruption functions, the decoder-only 'corrupted <sep> original' layout with loss on the original
only, metrics against hand-computed values, end-to-end runs with a decoder (tiny GPT-2) and an encoder-decoder
(a tiny BART built offline)."""

import random
from collections import Counter

import pytest
import torch

from workbench.tasks import load_saved
from workbench import store
from workbench.config import DataConfig, ModelConfig
from workbench.data import load
from workbench.tasks import TASKS, _noise

MASK = 999


def test_span_mask_counts_and_order():
    ids = list(range(100, 140))                     # 40 tokens, 15 % -> 6 noise tokens in 2 spans of mean 3
    out = _noise.span_mask(ids, random.Random(0), [MASK], 0.15, 3.0)
    assert out.count(MASK) == 2 and len(out) == 40 - 6 + 2
    kept = [t for t in out if t != MASK]
    assert kept == sorted(kept) and set(kept) <= set(ids)          # kept tokens keep their order
    # T5 sentinels: one per span, in order
    out = _noise.span_mask(ids, random.Random(1), [900, 901, 902, 903], 0.3, 3.0)
    sentinels = [t for t in out if t >= 900]
    assert sentinels == [900, 901, 902, 903][:len(sentinels)] and len(sentinels) == 4
    # over many draws the masked share is the ratio and never the whole sequence
    short = list(range(5))
    for seed in range(50):
        out = _noise.span_mask(short, random.Random(seed), [MASK], 0.5, 3.0)
        assert any(t != MASK for t in out) and MASK in out
    assert _noise.span_mask(ids, random.Random(3), [MASK]) == _noise.span_mask(ids, random.Random(3), [MASK])


def test_delete():
    ids = list(range(2000))
    out = _noise.delete(ids, random.Random(0), 0.3)
    assert out == sorted(out) and abs(len(out) / 2000 - 0.7) < 0.04
    assert _noise.delete(ids, random.Random(0), 0.0) == ids
    assert len(_noise.delete([1, 2], random.Random(0), 0.99)) >= 1


def test_word_shuffle_moves_words_at_most_window():
    # tokens 1000+ start a word, others continue it: words are [1000, 1], [1001, 2], ...
    ids = [t for i in range(30) for t in (1000 + i, i)]
    starts = lambda t: t >= 1000                    # noqa: E731
    out = _noise.word_shuffle(ids, random.Random(0), starts, window=3)
    words = _noise.words(out, starts)
    assert Counter(map(tuple, words)) == Counter(map(tuple, _noise.words(ids, starts)))   # same words, intact
    assert all(abs(new - (w[0] - 1000)) <= 3 for new, w in enumerate(words))
    assert out != ids


def test_sentence_shuffle():
    ends = lambda t: t == 0                         # noqa: E731  (0 is the full stop)
    ids = [1, 2, 0, 3, 4, 0, 5, 6, 0, 7, 8, 0, 9, 0]
    outs = {tuple(_noise.sentence_shuffle(ids, random.Random(s), ends)) for s in range(20)}
    assert len(outs) > 1
    for out in outs:
        assert sorted(map(tuple, _noise.sentences(list(out), ends))) == sorted(map(tuple, _noise.sentences(ids, ends)))


def make_task(text, model_dir, max_length=32, **opts):
    from transformers import AutoTokenizer
    cls = TASKS.get("denoising")
    task = cls(cls.Options(**opts), DataConfig(train=text, max_length=max_length), ModelConfig(name=model_dir))
    ds = load(task.data_cfg, task, seed=0)
    task.setup(AutoTokenizer.from_pretrained(model_dir))
    return task, ds


def test_decoder_layout_and_metrics(tiny_text, tiny_gpt_dir):
    from transformers import AutoModelForCausalLM
    task, ds = make_task(tiny_text, tiny_gpt_dir, noise=["span_mask", "delete"])
    tok = task.tokenizer
    assert task.auto_class == "AutoModelForCausalLM" and tok.mask_token == "<mask>"     # added: gpt has none
    rows = task.encode(ds["validation"], "validation")
    assert rows == task.encode(ds["validation"], "validation")                          # fixed eval corruption
    r = rows[0]
    f = task.features(r["corrupted"], r["input_ids"])
    n = len(r["corrupted"])
    assert f["input_ids"] == r["corrupted"] + [tok.eos_token_id] + r["input_ids"] + [tok.eos_token_id]
    assert f["labels"] == [-100] * (n + 1) + r["input_ids"] + [tok.eos_token_id]
    assert len(f["input_ids"]) <= 32 and tok.mask_token_id in r["corrupted"]
    model = task.wrap_model(AutoModelForCausalLM.from_pretrained(tiny_gpt_dir)).eval()
    assert model.get_input_embeddings().weight.shape[0] == len(tok)
    metrics, _ = task.evaluate(model, rows[:4], batch_size=3)
    nll, hits, count = 0.0, 0, 0
    for row in rows[:4]:
        f = task.features(row["corrupted"], row["input_ids"])
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([f["input_ids"]])).logits[0]
        for t in range(1, len(f["labels"])):
            if f["labels"][t] != -100:
                nll -= logits[t - 1].log_softmax(-1)[f["labels"][t]].item()
                hits += int(logits[t - 1].argmax().item() == f["labels"][t])
                count += 1
    assert metrics["loss"] == pytest.approx(nll / count, rel=1e-5)
    assert metrics["token_accuracy"] == pytest.approx(hits / count)


def test_decoder_run_improves_and_reloads(make_cfg, train, tiny_text, tiny_gpt_dir):
    cfg = make_cfg(task={"name": "denoising", "noise": ["span_mask", "word_shuffle"], "max_new_tokens": 8},
                   model={"name": tiny_gpt_dir}, data={"train": tiny_text, "max_length": 48},
                   train={"max_steps": 24, "eval_every": 8, "lr": 5e-3, "warmup_ratio": 0.0})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    evals = store.read_metrics(paths, ("eval",))
    assert evals[-1]["eval_loss"] < evals[0]["eval_loss"] - 0.3
    assert "<mask>" in summary["samples"][0]["input"]
    model, tok, task, info = load_saved(paths.model)
    assert tok.mask_token == "<mask>" and not task.seq2seq
    assert isinstance(task.predict(model, ["the film was [MASK] today."])[0].display, str)


@pytest.fixture(scope="module")
def tiny_bart_dir(tmp_path_factory):
    """A tiny BART (1+1 layers, width 32) with a byte-level BPE tokenizer plus <mask>, built offline."""
    from transformers import BartConfig, BartForConditionalGeneration

    from workbench.model.tokenizer import train_tokenizer
    root = tmp_path_factory.mktemp("tiny_bart")
    texts = [f"the {n} was {w} and the {m} felt {w} too." for n in ("film", "meal", "book", "song")
             for m in ("room", "game", "show") for w in ("great", "awful", "fine", "poor")]
    tok = train_tokenizer(texts * 3, "decoder", "bpe", 300)
    tok.add_special_tokens({"mask_token": "<mask>"})
    torch.manual_seed(0)
    cfg = BartConfig(vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                     decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
                     pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                     decoder_start_token_id=tok.eos_token_id, forced_eos_token_id=None)
    BartForConditionalGeneration(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return str(root)


def test_encoder_decoder_run(make_cfg, train, tiny_text, tiny_bart_dir):
    task, ds = make_task(tiny_text, tiny_bart_dir)
    assert task.seq2seq and task.auto_class == "AutoModelForSeq2SeqLM"
    r = task.encode(ds["validation"], "validation")[0]
    f = task.features(r["corrupted"], r["input_ids"])
    eos = task.tokenizer.eos_token_id
    assert f["input_ids"] == r["corrupted"] + [eos] and f["labels"] == r["input_ids"] + [eos]
    cfg = make_cfg(task={"name": "denoising", "max_new_tokens": 6}, model={"name": tiny_bart_dir},
                   data={"train": tiny_text, "max_length": 32}, train={"max_steps": 3})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    assert {"eval_loss", "eval_token_accuracy", "eval_perplexity"} <= set(summary["metrics"])
    model, tok, task, info = load_saved(paths.model)
    assert type(model).__name__ == "BartForConditionalGeneration" and task.seq2seq
    assert isinstance(task.predict(model, ["the film was <mask> too."])[0].display, str)


def test_encoders_are_refused(make_cfg, train, tiny_text, tiny_bert_dir):
    cfg = make_cfg(task="denoising", model={"name": tiny_bert_dir}, data={"train": tiny_text})
    paths, summary = train(cfg)
    assert summary["status"] == "failed" and "needs a seq2seq or decoder model" in summary["error"]


def test_corruptor_uses_t5_sentinels_when_present():
    from workbench.model.tokenizer import train_tokenizer
    tok = train_tokenizer(["the film was great and the meal was fine."] * 20, "decoder", "bpe", 300)
    tok.add_special_tokens({"mask_token": "<mask>"})               # what the task's setup does
    plain = _noise.Corruptor(tok, ["span_mask"], 0.3, 2.0, 3)
    assert plain.mask_ids == [tok.mask_token_id]
    tok.add_special_tokens({"additional_special_tokens": [f"<extra_id_{i}>" for i in range(3)]})
    t5 = _noise.Corruptor(tok, ["span_mask"], 0.3, 2.0, 3)
    assert t5.mask_ids == tok.convert_tokens_to_ids([f"<extra_id_{i}>" for i in range(3)])
    ids = tok("the film was great and the meal was fine.", add_special_tokens=False)["input_ids"]
    out = t5(ids, random.Random(0))
    assert [t for t in out if t in t5.mask_ids] == t5.mask_ids[:len([t for t in out if t in t5.mask_ids])]
    # word starts follow the byte-level BPE marker: 'Ġ' begins a word
    words = _noise.words(ids, lambda t: t5.word_start[t])
    assert ["".join(tok.convert_ids_to_tokens(w)).replace("Ġ", "") for w in words] == \
        "the film was great and the meal was fine.".split()
