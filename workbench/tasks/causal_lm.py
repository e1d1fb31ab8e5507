"""Causal language modelling, two ways:

- plain text: next-token prediction on text packed into blocks of `data.max_length` tokens (pretraining from
  scratch or continued pretraining). Metrics: loss, perplexity and bits per character (bpc does not depend on
  the tokenizer, so runs with different vocabularies compare).
- instructions (SFT): Alpaca rows {instruction, input, output} or chat rows {messages: [...]} (JSON/JSONL, or a
  table/hub dataset with those columns), recognised by content. Each conversation is rendered with the
  tokenizer's chat template, or the built-in "### Instruction / ### Response" template (tasks/_chat.py) when it
  has none; the template is then saved with the tokenizer, so the saved model carries it. The loss is on the
  answer tokens only (labels -100 on every prompt token), one conversation per row (no packing; batches are
  padded). Metrics: answer-token loss and perplexity; generation samples for the test prompts. `predict` wraps
  the raw user text with the same template.
"""

from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch
from datasets import Dataset

from .. import formats
from ..datasets_io import encoded
from ..datasets_io import files as datasets_io
from ..data import column, require_columns
from ..errors import DataError
from ..options import knob
from . import TASKS, _chat
from .base import Prediction, Task, model_device, pad_batch

EXTRAS_FILE = "causal_lm.json"   # in a saved model folder: {"instructions": true} for instruction-tuned models


CHECK_CHUNK = 10_000   # rows validated at a time


@TASKS.register("causal_lm")
class CausalLM(Task):
    order = 40
    reads = ("plain text (pretraining; packed blocks) **or** Alpaca `{instruction, input, output}` / chat "
             "`{messages: [...]}` rows (SFT: tokenizer's chat template or a built-in one, **loss on the answer "
             "tokens only**)")
    reports = "loss, perplexity, bits per character (text); generated samples"
    summary = ("Causal language modelling: pretrain on plain text, or instruction-tune (SFT) on Alpaca/chat data "
               "with loss on the answers only; generate.")
    zh = {"summary": ("因果语言建模：在纯文本上预训练，或在 Alpaca/对话数据上做指令微调（SFT，只在回答上计算损失）；生"
                   "成文本。")}
    families = ("decoder",)
    auto_class = "AutoModelForCausalLM"
    main_metric = "loss"
    greater_is_better = False
    peft_task_type, prompt_tuning, prefix_tuning = "CAUSAL_LM", True, True
    pretrained_head, generates, pipeline_tag, lm_head = True, True, "text-generation", "clm"
    metric_directions = {"perplexity": "lower", "bpc": "lower"}
    input_kind = "prompt"

    @property
    def arrow_rows(self) -> bool:   # instruction rows go to the Arrow cache; plain text is cut into blocks instead
        return getattr(self, "sft", False)

    @dataclass
    class Options:
        mode: str = knob("auto", "What the data is: 'auto' decides by content (Alpaca {instruction, input, output} "
                         "or chat {messages} rows are instructions; other text is plain text).",
                         choices=("auto", "text", "instructions"))
        template: str = knob("auto", "Instructions: the chat template. 'auto' uses the tokenizer's own when it has "
                             "one, else the built-in '### Instruction / ### Response' template; 'builtin' always "
                             "uses the built-in one.", choices=("auto", "builtin"), advanced=True)
        train_on_prompt: bool = knob(False, "Instructions: also train on the prompt tokens (default: loss only on "
                                     "the answers).", advanced=True)
        overflow: str = knob("truncate", "Instructions longer than data.max_length: the prompt is cut from the "
                             "left first; an answer that still does not fit is cut at its end ('truncate') or the "
                             "example is left out ('drop'). Counted in the run log.",
                             choices=("truncate", "drop"), advanced=True)
        max_new_tokens: int = knob(80, "Tokens generated for samples and the interactive box.", min=1, max=2048)
        temperature: float = knob(0.8, "Sampling temperature for generation (0: greedy).", min=0.0, max=5.0)
        top_k: int = knob(50, "Sample among the k most likely tokens (0: all).", min=0, max=100000)

        zh = {   # the knobs' (label, help) in Chinese
            "mode": ("数据模式", ("数据的类型：'auto' 按内容判断（Alpaca {instruction, input, output} 行或对话 "
                              "{messages} 行视为指令，其他文本视为纯文本）。")),
            "template": ("对话模板", ("指令数据使用的对话模板。'auto' 在分词器自带模板时使用它，否则使用内置的 '### "
                                  "Instruction / ### Response' 模板；'builtin' 始终使用内置模板。")),
            "train_on_prompt": ("在提示上训练", "指令数据：同时在提示词元上训练（默认只在回答上计算损失）。"),
            "overflow": ("超长处理", ("超过 data.max_length 的指令数据：先从左侧截断提示；回答仍放不下时，截断回答末尾"
                                  "（'truncate'）或丢弃该样本（'drop'）。数量记入运行日志。")),
            "max_new_tokens": ("最多生成词元", "样例和交互框中生成的词元数。"),
            "temperature": ("温度", "生成时的采样温度（0：贪心解码）。"),
            "top_k": ("Top-k", "只在概率最高的 k 个词元中采样（0：全部）。"),
        }

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        self.chars_per_token: dict[str, float] = {}
        self.sft = options.mode == "instructions"   # decided from the data in check() when mode is auto

    # ---- data ---------------------------------------------------------------------------------------------
    def read(self, path: str, fmt: str):
        if self.opts.mode == "text" or fmt not in ("json", "jsonl"):
            return None
        arrow = datasets_io.read(path, fmt)   # large instruction files: Arrow, memory-mapped; rows checked in check()
        if arrow is not None and _chat.is_instruction_data(arrow.column_names):
            return arrow
        try:
            rows = formats._json_rows(path)
        except ValueError as e:
            raise DataError(str(e)) from None
        first = rows[0][0] if rows else None
        if not (isinstance(first, dict) and ({"instruction", "messages"} & first.keys())):
            if self.opts.mode == "instructions":
                raise DataError(f"{path} is not instruction data: mode 'instructions' needs Alpaca rows "
                                "{instruction, input, output} or chat rows {messages: [{role, content}, ...]}")
            return None
        try:
            return Dataset.from_list(formats.read_instructions(path))
        except ValueError as e:
            raise DataError(str(e)) from None

    def holdout(self, train, n_val: int, seed: int):
        if _chat.is_instruction_data(train.column_names):
            return super().holdout(train, n_val, seed)      # independent examples: a random hold-out
        # Plain text is one long document: hold out its tail so validation text stays contiguous.
        n = len(train)
        return train.select(range(n - n_val)), train.select(range(n - n_val, n))

    def check(self, ds) -> None:
        kinds = {split: _chat.is_instruction_data(part.column_names) for split, part in ds.items()}
        if len(set(kinds.values())) > 1:
            raise DataError("the splits mix instruction data and plain text ("
                            + ", ".join(f"{s}: {'instructions' if k else 'text'}" for s, k in kinds.items())
                            + "); give every split in the same form")
        sft = kinds["train"] and self.opts.mode != "text"
        if self.opts.mode == "instructions" and not sft:
            raise DataError("task.mode is 'instructions' but the training data has neither a 'messages' column nor "
                            "'instruction' and 'output' columns; give Alpaca or chat rows, or use mode: text")
        self.sft = sft
        if sft:
            for split, part in ds.items():
                if len(part) == 0:
                    raise DataError(f"the {split} data has no conversations")
                if encoded.already_checked(part, "instructions"):   # the same rows passed before
                    continue
                source = getattr(self.data_cfg, split, None) or self.data_cfg.train   # held-out rows: train's
                for start in range(0, len(part), CHECK_CHUNK):   # raises DataError on a bad row; chunks: flat memory
                    try:
                        _chat.conversations(part.select(range(start, min(start + CHECK_CHUNK, len(part)))), split,
                                            first=start + 1)
                    except DataError as e:
                        raise DataError(f"{source}: {e}") from None
                encoded.mark_checked(part, "instructions")
            return
        require_columns(ds, {"data.text_column": self.data_cfg.text_column})
        for split, part in ds.items():
            if not any(isinstance(t, str) and t.strip() for t in column(part, self.data_cfg.text_column)):
                raise DataError(f"the {split} data has no text in column {self.data_cfg.text_column!r}")

    def _text(self, part) -> str:
        return "\n".join(t if isinstance(t, str) else "" for t in column(part, self.data_cfg.text_column))

    def tokenizer_texts(self, ds):
        if self.sft:   # a generator function: nothing is read unless a from-scratch tokenizer consumes it
            return (m["content"] for start in range(0, len(ds["train"]), CHECK_CHUNK) for msgs in _chat.conversations(
                ds["train"].select(range(start, min(start + CHECK_CHUNK, len(ds["train"])))), "train") for m in msgs)
        return (t for t in column(ds["train"], self.data_cfg.text_column) if isinstance(t, str) and t)

    def setup(self, tokenizer) -> None:
        super().setup(tokenizer)
        if self.sft and (self.opts.template == "builtin" or not getattr(tokenizer, "chat_template", None)):
            tokenizer.chat_template = _chat.BUILTIN_TEMPLATE   # saved with the tokenizer (chat_template.jinja)

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        if self.sft:
            return self._encode_instructions(ds, split)
        text = self._text(ds)
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        block = self.data_cfg.max_length
        if len(ids) < 2:
            raise DataError(f"the {split} text is too short to train a language model (under 2 tokens)")
        self.chars_per_token[split] = len(text) / len(ids)
        # Non-overlapping blocks; the short tail block is kept (its padding is masked out of the loss).
        return [{"input_ids": ids[s:s + block], "labels": ids[s:s + block]}
                for s in range(0, len(ids), block) if len(ids[s:s + block]) >= 2]

    def _encode_instructions(self, ds, split: str) -> list[dict]:
        L, rows, counts = self.data_cfg.max_length, [], {"prompt_cut": 0, "answer_cut": 0, "dropped": 0}
        for ids, is_answer in _chat.encode(self.tokenizer, _chat.conversations(ds, split)):
            ids, is_answer, what = _chat.fit(ids, is_answer, L, self.opts.overflow)
            counts[what] = counts.get(what, 0) + 1
            if ids and any(is_answer):
                rows.append({"input_ids": ids, "labels": _chat.labels_of(ids, is_answer, self.opts.train_on_prompt)})
        long = counts["prompt_cut"] + counts["answer_cut"] + counts["dropped"]
        if long:
            self.warnings.append(
                f"{split}: {long} of {len(ds)} conversations are longer than data.max_length={L} tokens: "
                f"{counts['prompt_cut']} had their prompt cut from the left, {counts['answer_cut']} their answer cut "
                f"at the end, {counts['dropped']} were left out (task.overflow: {self.opts.overflow}); raise "
                "data.max_length to keep them whole")
        if not rows:
            raise DataError(f"no {split} conversation fits in data.max_length={L} tokens; raise data.max_length")
        return rows

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        return pad_batch([{**r, "attention_mask": [1] * len(r["input_ids"])} for r in rows],
                         {"input_ids": self.tokenizer.pad_token_id, "labels": -100})

    # ---- saving -------------------------------------------------------------------------------------------
    def save_extras(self, model, folder) -> None:
        if self.sft:   # the chat template itself is saved with the tokenizer
            (Path(folder) / EXTRAS_FILE).write_text(json.dumps({"instructions": True}))

    def load_extras(self, model, folder):
        f = Path(folder) / EXTRAS_FILE
        if f.is_file() and json.loads(f.read_text()).get("instructions"):
            self.sft = True
        return model

    # ---- evaluation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def token_nll(self, model, rows, batch_size, ctx=None) -> tuple[float, int]:
        """(sum of next-token negative log-likelihoods in nats, number of predicted tokens); for instructions only
        the answer tokens are predicted (labels -100 elsewhere)."""
        device, total, count = model_device(model), 0.0, 0
        for s in range(0, len(rows), batch_size):
            batch = {k: v.to(device) for k, v in self.collate(rows[s:s + batch_size]).items()}
            labels = batch.pop("labels")
            with (ctx.autocast() if ctx is not None else contextlib.nullcontext()):
                logits = model(**batch).logits
            # logits (B, T, V) predict labels shifted by one
            nll = torch.nn.functional.cross_entropy(logits[:, :-1].float().flatten(0, 1), labels[:, 1:].flatten(),
                                                    ignore_index=-100, reduction="sum")
            total += nll.item()
            count += (labels[:, 1:] != -100).sum().item()
        return total, count

    def evaluate(self, model, rows, batch_size, ctx=None, split: str = "validation"):
        total, count = self.token_nll(model, rows, batch_size, ctx)
        loss = total / max(count, 1)
        metrics = {"loss": loss, "perplexity": math.exp(min(loss, 50.0))}
        if self.sft:
            metrics["answer_tokens"] = count
        else:
            cpt = self.chars_per_token.get(split) or next(iter(self.chars_per_token.values()), 1.0)
            metrics["bpc"] = loss / cpt / math.log(2)
        return metrics, []

    def predict(self, model, inputs, ctx=None, seed: int = 0, **kwargs) -> list[Prediction]:
        out = []
        for prompt in inputs:
            text = self.generate(model, prompt, seed=seed)
            out.append(Prediction(text, None, {"prompt": prompt}))
        return out

    def prompt_ids(self, prompt) -> list[int]:
        """Token ids for a raw input: instruction-tuned models wrap it in the chat template (a string is one user
        turn; {"messages": [...]} a conversation ending with a user turn); plain LMs continue the text."""
        tok = self.tokenizer
        if self.sft:
            messages = prompt["messages"] if isinstance(prompt, dict) and "messages" in prompt else \
                [{"role": "user", "content": prompt if isinstance(prompt, str) else prompt["text"]}]
            return _chat.prompt_ids(tok, messages)
        ids = tok(prompt if isinstance(prompt, str) else prompt["text"], add_special_tokens=False)["input_ids"]
        return ids or [tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id]

    @torch.no_grad()
    def generate(self, model, prompt, seed: int = 0, max_new_tokens: int | None = None) -> str:
        """Continuation of `prompt` with the task's sampling settings; seeded so models compare fairly."""
        tok, o = self.tokenizer, self.opts
        ids = torch.tensor([self.prompt_ids(prompt)], device=model_device(model))
        torch.manual_seed(seed)
        was_training = model.training
        model.eval()
        sample = o.temperature > 0
        gen = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens or
                             o.max_new_tokens, do_sample=sample, temperature=o.temperature if sample else None,
                             top_k=o.top_k if sample else None, pad_token_id=tok.pad_token_id)
        model.train(was_training)
        return tok.decode(gen[0, ids.shape[1]:], skip_special_tokens=True)

    def example_inputs(self, ds, n=3):
        if self.sft:   # the last user turn of the first conversations
            return [next(m["content"] for m in reversed(msgs) if m["role"] == "user")
                    for msgs in _chat.conversations(ds.select(range(min(n, len(ds)))), "sample")]
        lines = [t for t in column(ds, self.data_cfg.text_column) if isinstance(t, str) and len(t.strip()) > 10]
        return [" ".join(t.split()[:4]) for t in lines[:n]]
