"""Instruction tuning (SFT) in causal_lm: content detection, the answer-only label mask (exact, for Alpaca and chat
rows), truncation, the built-in template saved with the tokenizer, prediction through the template, end-to-end
runs (also from a from-scratch gpt-tiny pretrained with causal_lm)."""

import json

import pytest
import torch

from workbench.tasks import load_saved
from workbench.config import DataConfig, ModelConfig
from workbench.data import load
from workbench.errors import DataError
from workbench.tasks import TASKS, _chat

ALPACA = [{"instruction": f"Name a {w} {n}.", "input": "" if i % 2 else "Be short.",
           "output": f"The {n} is {w}."}
          for i, (w, n) in enumerate((w, n) for w in ("great", "awful", "lovely", "boring", "superb", "poor")
                                     for n in ("film", "meal", "hotel", "book", "song"))]
CHAT = [{"messages": [{"role": "system", "content": "Answer briefly."},
                      {"role": "user", "content": f"Is the {n} good?"},
                      {"role": "assistant", "content": f"The {n} was {w}."},
                      {"role": "user", "content": "Why?"},
                      {"role": "assistant", "content": f"Because it felt {w} too."}]}
        for w in ("great", "awful", "lovely") for n in ("film", "meal", "hotel", "book")]


def write(tmp_path, name, rows, jsonl=False):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in rows) if jsonl else json.dumps(rows))
    return str(path)


def make_task(path, tokenizer, max_length=128, **opts):
    cls = TASKS.get("causal_lm")
    task = cls(cls.Options(**opts), DataConfig(train=path, max_length=max_length), ModelConfig())
    ds = load(task.data_cfg, task, seed=0)
    task.setup(tokenizer)
    return task, ds


@pytest.fixture
def gpt_tok(tiny_gpt_dir):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(tiny_gpt_dir)
    assert tok.chat_template is None        # the fixture's tokenizer has no template: the built-in one is used
    return tok


@pytest.mark.parametrize("kind", ["alpaca", "chat"])
def test_labels_are_exactly_the_answer_tokens(kind, tmp_path, gpt_tok):
    rows = ALPACA if kind == "alpaca" else CHAT
    path = write(tmp_path, f"{kind}.jsonl", rows, jsonl=True)
    task, ds = make_task(path, gpt_tok)
    assert task.sft and gpt_tok.chat_template == _chat.BUILTIN_TEMPLATE
    eos = gpt_tok.eos_token
    for split in ("train", "validation"):
        encoded = task.encode(ds[split], split)
        convs = _chat.conversations(ds[split], split)
        assert len(encoded) == len(convs) == len(ds[split])
        for row, msgs in zip(encoded, convs):
            ids, labels = row["input_ids"], row["labels"]
            assert len(ids) == len(labels)
            # every label is either -100 or the input id at that position
            assert all(l == -100 or l == t for t, l in zip(ids, labels))
            # the labelled tokens, run by run, are exactly the assistant answers followed by the eos token
            runs, cur = [], []
            for t, l in zip(ids, labels):
                if l != -100:
                    cur.append(t)
                elif cur:
                    runs.append(cur)
                    cur = []
            runs += [cur] if cur else []
            answers = [m["content"] for m in msgs if m["role"] == "assistant"]
            assert [gpt_tok.decode(r) for r in runs] == [a + eos for a in answers]
            # and the -100 tokens are exactly the prompt text of the template (system, user turns, headers)
            prompt = gpt_tok.decode([t for t, l in zip(ids, labels) if l == -100])
            full = _chat.render(gpt_tok, msgs, generation_prompt=False)
            for a in answers:
                full = full.replace(a + eos, "", 1)
            assert prompt == full
            assert "### Instruction:" in prompt and "### Response:" in prompt


def test_alpaca_input_joins_the_instruction(tmp_path, gpt_tok):
    path = write(tmp_path, "a.json", [{"instruction": "Translate.", "input": "hello", "output": "salut"}] * 4)
    task, ds = make_task(path, gpt_tok)
    msgs = _chat.conversations(ds["train"], "train")[0]
    assert msgs == [{"role": "user", "content": "Translate.\nhello"}, {"role": "assistant", "content": "salut"}]
    text = _chat.render(gpt_tok, msgs, generation_prompt=False)
    assert text == "### Instruction:\nTranslate.\nhello\n\n### Response:\nsalut" + gpt_tok.eos_token


def test_train_on_prompt_labels_everything(tmp_path, gpt_tok):
    task, ds = make_task(write(tmp_path, "a.json", ALPACA), gpt_tok, train_on_prompt=True)
    for row in task.encode(ds["train"], "train"):
        assert row["labels"] == row["input_ids"]


def test_empty_output_is_a_clear_error(tmp_path, gpt_tok):
    rows = ALPACA[:3] + [{"instruction": "Say nothing.", "input": "", "output": ""}]
    with pytest.raises(DataError, match="empty assistant reply"):
        make_task(write(tmp_path, "bad.json", rows), gpt_tok)
    # a hub/CSV table with Alpaca columns is checked the same way
    import csv
    path = tmp_path / "bad.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, ["instruction", "input", "output"])
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(DataError, match="empty assistant reply.*Say nothing"):
        make_task(str(path), gpt_tok)


def test_text_files_stay_plain_text(tmp_path, tiny_text, gpt_tok):
    task, ds = make_task(tiny_text, gpt_tok)
    assert not task.sft and "text" in ds["train"].column_names
    assert task.encode(ds["train"], "train")[0]["labels"] == task.encode(ds["train"], "train")[0]["input_ids"]
    # JSON rows with a text column are plain text too; mode: text refuses to read instructions as such
    task, _ = make_task(write(tmp_path, "t.json", [{"text": "the film was great"}] * 20), gpt_tok)
    assert not task.sft
    with pytest.raises(DataError, match="column 'text' not found"):
        make_task(write(tmp_path, "a.json", ALPACA), gpt_tok, mode="text")
    with pytest.raises(DataError, match="not instruction data"):
        make_task(write(tmp_path, "t2.json", [{"text": "x"}] * 20), gpt_tok, mode="instructions")


def test_fit_truncates_the_prompt_from_the_left_then_the_answer():
    ids = list(range(10))
    is_answer = [False] * 6 + [True] * 4              # prompt 6 tokens, answer 4
    assert _chat.fit(ids, is_answer, 10, "truncate") == (ids, is_answer, "ok")
    out, ans, what = _chat.fit(ids, is_answer, 8, "truncate")   # the prompt loses its first 2 tokens
    assert (out, what) == (ids[2:], "prompt_cut") and ans == is_answer[2:]
    long_answer = [False] * 4 + [True] * 12           # answer 12 > 8 - min(4, 8 // 2)
    out, ans, what = _chat.fit(list(range(16)), long_answer, 8, "truncate")
    assert what == "answer_cut" and out == list(range(8)) and ans == [False] * 4 + [True] * 4
    assert _chat.fit(list(range(16)), long_answer, 8, "drop") == ([], [], "dropped")


def test_long_conversations_are_counted(tmp_path, gpt_tok):
    rows = ALPACA[:10] + [{"instruction": "Tell a long story. " * 30, "input": "", "output": "Once. " * 60}] * 2
    task, ds = make_task(write(tmp_path, "a.json", rows), gpt_tok, max_length=48, overflow="drop")
    encoded = task.encode(ds["train"], "train") + task.encode(ds["validation"], "validation")
    assert all(len(r["input_ids"]) <= 48 for r in encoded)
    assert len(encoded) == 10 and any("left out" in w and "2 were left out" in " ".join(task.warnings)
                                      for w in task.warnings)


def test_sft_run_saves_template_and_predicts_through_it(make_cfg, train, tmp_path, tiny_gpt_dir):
    path = write(tmp_path, "a.json", ALPACA)
    cfg = make_cfg(task={"name": "causal_lm", "max_new_tokens": 5}, model={"name": tiny_gpt_dir},
                   data={"train": path, "max_length": 64})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    m = summary["metrics"]
    assert {"eval_loss", "eval_perplexity", "eval_answer_tokens"} <= set(m) and "eval_bpc" not in m
    assert summary["samples"] and summary["samples"][0]["input"].startswith("Name a")
    assert (paths.model / "chat_template.jinja").is_file() and (paths.model / "causal_lm.json").is_file()
    model, tok, task, info = load_saved(paths.model)
    assert task.sft and tok.chat_template == _chat.BUILTIN_TEMPLATE
    expected = tok("### Instruction:\nName a film.\n\n### Response:\n", add_special_tokens=False)["input_ids"]
    assert task.prompt_ids("Name a film.") == expected
    out = task.predict(model, ["Name a film."])
    assert isinstance(out[0].display, str)


def test_sft_answer_loss_falls(make_cfg, train, tmp_path, tiny_gpt_dir):
    path = write(tmp_path, "a.json", ALPACA * 2)
    cfg = make_cfg(task={"name": "causal_lm", "max_new_tokens": 4}, model={"name": tiny_gpt_dir},
                   data={"train": path, "max_length": 64},
                   train={"max_steps": 30, "eval_every": 10, "lr": 5e-3, "warmup_ratio": 0.0})
    paths, summary = train(cfg)
    assert summary["status"] == "completed", summary.get("error")
    evals = [json.loads(x) for x in paths.metrics.read_text().splitlines() if '"type": "eval"' in x]
    assert evals[-1]["eval_loss"] < evals[0]["eval_loss"] - 0.5


def test_scratch_gpt_tiny_pretrain_then_sft(make_cfg, train, tmp_path, tiny_text):
    """The from-scratch path: pretrain gpt-tiny on text with its own tokenizer, then instruction-tune the run's
    saved model (model.name = the run id), which is a base model like any other."""
    pre = make_cfg(task={"name": "causal_lm", "max_new_tokens": 4}, model={"name": "gpt-tiny", "vocab_size": 300},
                   data={"train": tiny_text, "max_length": 32}, train={"max_steps": 1, "batch_size": 4})
    pre_paths, summary = train(pre)
    assert summary["status"] == "completed", summary.get("error")
    assert (pre_paths.model / "tokenizer.json").is_file() and not (pre_paths.model / "causal_lm.json").exists()
    sft = make_cfg(task={"name": "causal_lm", "max_new_tokens": 4}, model={"name": pre_paths.run_id},
                   data={"train": write(tmp_path, "c.jsonl", CHAT, jsonl=True), "max_length": 96},
                   train={"max_steps": 1, "batch_size": 4})
    paths, summary = train(sft)
    assert summary["status"] == "completed", summary.get("error")
    assert summary["metrics"]["eval_answer_tokens"] > 0
    model, tok, task, info = load_saved(paths.model)
    assert task.sft and info["base_model"] == pre_paths.run_id and tok.chat_template == _chat.BUILTIN_TEMPLATE
    with torch.no_grad():
        assert model.get_input_embeddings().weight.shape[0] == len(tok)
