"""Masked language modelling: predict hidden tokens from both sides (BERT's pretraining objective). For pretraining
an encoder from scratch (bert-tiny with a tokenizer trained on the text) and for domain-adaptive continued
pretraining of a pre-trained encoder (MiniLM: its checkpoint has no MLM head, so the head starts fresh; the run log
lists the new weights). Head: AutoModelForMaskedLM.

Data: plain text (a .txt file is one row per line; tables use data.text_column), packed into blocks of
data.max_length tokens (`packing`, the default) or one example per row. Training masks are drawn anew for every
batch (15 %, 80/10/10; see tasks/_masking.py); validation and test rows are masked once with a fixed seed, so every
evaluation scores the same positions. Metrics: MLM loss (mean cross-entropy over masked tokens), masked-token
accuracy, perplexity = exp(loss). predict: fill-mask, the top-k tokens for each [MASK] in the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..errors import DataError, ModelError
from ..options import knob
from . import TASKS, _masking
from .base import Prediction, Task, autocast_of, model_device, pad_batch
from pathlib import Path
from safetensors import safe_open

EVAL_SEED = 1234   # fixed masking of validation/test rows (row i uses EVAL_SEED + i): evaluations compare


@TASKS.register("masked_lm")
class MaskedLM(_masking.PlainText, Task):
    order = 45
    reads = "plain text, packed; 15 % masking (80/10/10)"
    reports = "loss, masked-token accuracy, perplexity"
    summary = "Masked language modelling: pretrain an encoder from scratch or continue pretraining on your text."
    zh = {"summary": "掩码语言建模：从零预训练编码器，或在你的文本上继续预训练。"}
    families = ("encoder",)
    auto_class = "AutoModelForMaskedLM"
    main_metric = "loss"
    greater_is_better = False
    pretrained_head, lm_head = True, "mlm"
    metric_directions = {"perplexity": "lower", "bpc": "lower"}
    input_kind = "text"

    @dataclass
    class Options:
        mask_prob: float = knob(0.15, "Share of tokens chosen for prediction in each sequence (of those, 80 % become "
                                "[MASK], 10 % a random token, 10 % stay).", min=0.01, max=0.9)
        packing: bool = knob(True, "Pack the text into blocks of data.max_length tokens (pretraining); off: each row "
                             "or line is one example, truncated to data.max_length.")
        top_k: int = knob(5, "Fill-mask: candidates shown for each masked position.", min=1, max=100)

        zh = {   # the knobs' (label, help) in Chinese
            "mask_prob": ("掩码比例", ("每个序列中被选作预测目标的词元比例（其中 80% 替换为 [MASK]，10% 替换为随机词元"
                                   "，10% 保持不变）。")),
            "packing": ("文本打包", ("把文本打包成 data.max_length 个词元的块（预训练）；关闭时每行为一个样本，截断到 "
                                 "data.max_length。")),
            "top_k": ("Top-k", "填空（fill-mask）：每个掩码位置显示的候选数。"),
        }

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        self.random_ids: torch.Tensor | None = None

    # ---- data ---------------------------------------------------------------------------------------------
    # check, holdout, tokenizer_texts: _masking.PlainText (one text column, read line by line)

    def setup(self, tokenizer) -> None:
        super().setup(tokenizer)
        if tokenizer.mask_token_id is None:
            raise ModelError("the tokenizer has no mask token, so masked language modelling cannot hide tokens; "
                             "choose an encoder such as minilm or bert-tiny")
        self.random_ids = _masking.ordinary_ids(tokenizer)

    def wrap_model(self, model):
        """Say so when the MLM head is not in the checkpoint (MiniLM's sentence-transformers weights have none):
        it starts from random weights, so the first steps mostly train the head."""
        keys = _checkpoint_keys(getattr(model.config, "_name_or_path", "") or "")
        if keys:
            prefix = getattr(model, "base_model_prefix", "")
            head = [n for n, _ in model.named_parameters() if not n.startswith(prefix + ".")]
            new = [n for n in head if n not in keys]
            if new:
                self.warnings.append(f"the masked-LM head is new (not in the checkpoint; randomly initialised): "
                                     f"{', '.join(new)}")
        return model

    # ---- encoding -----------------------------------------------------------------------------------------
    def encode(self, ds, split: str) -> list[dict]:
        texts = _masking.lines(ds, self.data_cfg.text_column)
        examples = _masking.examples(self.tokenizer, texts, self.data_cfg.max_length, self.opts.packing)
        if not examples:
            raise DataError(f"the {split} text gives no example of at least 2 tokens")
        if split == "train":
            return [{"input_ids": ids} for ids in examples]           # masked anew in every batch (collate)
        rows = []
        for i, ids in enumerate(examples):                          # masked once, the same for every evaluation
            x = torch.tensor([ids])
            g = torch.Generator().manual_seed(EVAL_SEED + i)
            masked, labels = _masking.mask_tokens(x, _masking.special_mask(x, self.tokenizer),
                                                  self.tokenizer.mask_token_id, self.random_ids,
                                                  self.opts.mask_prob, g)
            rows.append({"input_ids": masked[0].tolist(), "labels": labels[0].tolist()})
        return rows

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        batch = pad_batch([{**r, "attention_mask": [1] * len(r["input_ids"])} for r in rows],
                          {"input_ids": self.tokenizer.pad_token_id, "labels": -100})
        if "labels" not in batch:   # training rows: dynamic masking from the (checkpointed) global RNG
            never = _masking.special_mask(batch["input_ids"], self.tokenizer, batch["attention_mask"])
            batch["input_ids"], batch["labels"] = _masking.mask_tokens(
                batch["input_ids"], never, self.tokenizer.mask_token_id, self.random_ids, self.opts.mask_prob)
        return batch

    # ---- evaluation ---------------------------------------------------------------------------------------
    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        total, correct, count = 0.0, 0, 0
        device = model_device(model)
        with torch.no_grad():
            for s in range(0, len(rows), batch_size):
                batch = {k: v.to(device) for k, v in self.collate(rows[s:s + batch_size]).items()}
                labels = batch.pop("labels")
                with autocast_of(ctx):
                    logits = model(**batch).logits.float()           # (B, T, V)
                at = labels != -100
                total += torch.nn.functional.cross_entropy(logits[at], labels[at], reduction="sum").item()
                correct += (logits[at].argmax(-1) == labels[at]).sum().item()
                count += int(at.sum())
        loss = total / max(count, 1)
        return {"loss": loss, "accuracy": correct / max(count, 1),
                "perplexity": float(torch.tensor(min(loss, 50.0)).exp()), "masked_tokens": count}, []

    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        """Fill-mask: for each [MASK] (or the tokenizer's own mask token) the top-k tokens with probabilities;
        `display` is the text with every mask replaced by its best token."""
        tok, out = self.tokenizer, []
        device = model_device(model)
        for x in inputs:
            text = (x["text"] if isinstance(x, dict) else x).replace("[MASK]", tok.mask_token)
            ids = tok(text, truncation=True, max_length=self.data_cfg.max_length, return_tensors="pt")
            where = (ids["input_ids"][0] == tok.mask_token_id).nonzero().flatten()
            if len(where) == 0:
                out.append(Prediction(f"(no {tok.mask_token} in the text: write [MASK] where a word should be "
                                      "filled in)", None, {"candidates": []}))
                continue
            with torch.no_grad(), autocast_of(ctx):
                logits = model(**{k: v.to(device) for k, v in ids.items()}).logits[0, where].float()
            probs = logits.softmax(-1)
            top = probs.topk(min(self.opts.top_k, probs.shape[-1]), dim=-1)
            candidates = [[{"token": tok.decode([int(i)]).strip(), "score": round(float(p), 4)}
                           for p, i in zip(ps, ix)] for ps, ix in zip(top.values, top.indices)]
            filled = text
            for c in candidates:
                filled = filled.replace(tok.mask_token, c[0]["token"], 1)
            out.append(Prediction(filled, candidates[0][0]["score"], {"candidates": candidates}))
        return out

    def example_inputs(self, ds, n=3):
        """A few validation lines with their middle word masked."""
        mask = self.tokenizer.mask_token if self.tokenizer is not None else "[MASK]"
        out = []
        for t in _masking.lines(ds, self.data_cfg.text_column):
            words = t.split()
            if len(words) >= 4:
                words[len(words) // 2] = mask
                out.append(" ".join(words))
            if len(out) == n:
                break
        return out


def _checkpoint_keys(source: str) -> set[str]:
    """Tensor names in a model folder's (or a cached hub model's) safetensors files; empty when unknown."""

    if not source:
        return set()
    files = sorted(Path(source).glob("*.safetensors")) if Path(source).is_dir() else []
    if not files:
        try:
            from huggingface_hub import try_to_load_from_cache   # lazy: only to look into the hub cache
            cached = try_to_load_from_cache(source, "model.safetensors")
            files = [Path(cached)] if isinstance(cached, str) else []
        except Exception:   # not a hub id: nothing to compare with
            return set()
    keys = set()
    for f in files:
        with safe_open(str(f), "pt") as st:
            keys |= set(st.keys())
    return keys
