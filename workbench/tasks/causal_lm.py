"""Causal language modelling: next-token prediction on plain text packed into blocks of `data.max_length`
tokens (pretraining from scratch or continued pretraining). Metrics: loss, perplexity and bits per character
(bpc does not depend on the tokenizer, so runs with different vocabularies compare)."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import torch

from ..data import column, require_columns
from ..errors import DataError
from ..options import knob
from . import TASKS
from .base import Prediction, Task, model_device, pad_batch


@TASKS.register("causal_lm")
class CausalLM(Task):
    order = 40
    summary = "Causal language modelling: pretrain or continue pretraining a decoder on plain text; generate."
    families = ("decoder",)
    auto_class = "AutoModelForCausalLM"
    main_metric = "loss"
    greater_is_better = False
    input_kind = "prompt"

    @dataclass
    class Options:
        max_new_tokens: int = knob(80, "Tokens generated for samples and the interactive box.", min=1, max=2048)
        temperature: float = knob(0.8, "Sampling temperature for generation (0: greedy).", min=0.0, max=5.0)
        top_k: int = knob(50, "Sample among the k most likely tokens (0: all).", min=0, max=100000)

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        self.chars_per_token: dict[str, float] = {}

    # ---- data ---------------------------------------------------------------------------------------------
    def check(self, ds) -> None:
        require_columns(ds, {"data.text_column": self.data_cfg.text_column})
        for split, part in ds.items():
            if not any(isinstance(t, str) and t.strip() for t in column(part, self.data_cfg.text_column)):
                raise DataError(f"the {split} data has no text in column {self.data_cfg.text_column!r}")

    def holdout(self, train, n_val: int, seed: int):
        # Plain text is one long document: hold out its tail so validation text stays contiguous.
        n = len(train)
        return train.select(range(n - n_val)), train.select(range(n - n_val, n))

    def _text(self, part) -> str:
        return "\n".join(t if isinstance(t, str) else "" for t in column(part, self.data_cfg.text_column))

    def tokenizer_texts(self, ds):
        return (t for t in column(ds["train"], self.data_cfg.text_column) if isinstance(t, str) and t)

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        text = self._text(ds)
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        block = self.data_cfg.max_length
        if len(ids) < 2:
            raise DataError(f"the {split} text is too short to train a language model (under 2 tokens)")
        self.chars_per_token[split] = len(text) / len(ids)
        # Non-overlapping blocks; the short tail block is kept (its padding is masked out of the loss).
        return [{"input_ids": ids[s:s + block], "labels": ids[s:s + block]}
                for s in range(0, len(ids), block) if len(ids[s:s + block]) >= 2]

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        batch = pad_batch([{**r, "attention_mask": [1] * len(r["input_ids"])} for r in rows],
                          {"input_ids": self.tokenizer.pad_token_id, "labels": -100})
        return batch

    # ---- evaluation ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def token_nll(self, model, rows, batch_size, ctx=None) -> tuple[float, int]:
        """(sum of next-token negative log-likelihoods in nats, number of predicted tokens)."""
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
        cpt = self.chars_per_token.get(split) or next(iter(self.chars_per_token.values()), 1.0)
        metrics = {"loss": loss, "perplexity": math.exp(min(loss, 50.0)), "bpc": loss / cpt / math.log(2)}
        return metrics, []

    def predict(self, model, inputs, ctx=None, seed: int = 0, **kwargs) -> list[Prediction]:
        out = []
        for prompt in inputs:
            text = self.generate(model, prompt if isinstance(prompt, str) else prompt["text"], seed=seed)
            out.append(Prediction(text, None, {"prompt": prompt}))
        return out

    @torch.no_grad()
    def generate(self, model, prompt: str, seed: int = 0, max_new_tokens: int | None = None) -> str:
        """Continuation of `prompt` with the task's sampling settings; seeded so models compare fairly."""
        tok, o = self.tokenizer, self.opts
        ids = tok(prompt, add_special_tokens=False, return_tensors="pt")["input_ids"]
        if ids.shape[1] == 0:
            ids = torch.tensor([[tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id]])
        ids = ids.to(model_device(model))
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
        lines = [t for t in column(ds, self.data_cfg.text_column) if isinstance(t, str) and len(t.strip()) > 10]
        return [" ".join(t.split()[:4]) for t in lines[:n]]
