"""Rehearsal: keep practising the pretraining objective on general text while fine-tuning (MLM for encoders,
next-token prediction for decoders), so the language knowledge the task does not exercise is not forgotten."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..errors import ConfigError, ModelError
from ..options import knob
from ..strategies import STRATEGIES
from ._general import GeneralText, check_source
from ._lm_heads import LMHead, borrow_lm_head
from .base import Strategy


def mask_tokens(ids: torch.Tensor, attention: torch.Tensor, tokenizer, g: torch.Generator, rate: float = 0.15):
    """BERT masking: choose `rate` of the real, non-special tokens; of those 80% become [MASK], 10% a random
    token, 10% stay. Returns (masked ids, labels with -100 where nothing is predicted). ids: (B, T)."""
    special = torch.tensor(sorted(set(tokenizer.all_special_ids)), device=ids.device)
    can = attention.bool() & ~torch.isin(ids, special)
    chosen = (torch.rand(ids.shape, generator=g) < rate).to(ids.device) & can
    if not chosen.any():                         # a tiny batch may draw nothing: predict one token anyway
        first = can.flatten().nonzero()[:1]
        chosen.view(-1)[first] = True
    labels = ids.masked_fill(~chosen, -100)
    roll = torch.rand(ids.shape, generator=g).to(ids.device)
    masked = ids.masked_fill(chosen & (roll < 0.8), tokenizer.mask_token_id)
    random_ids = torch.randint(len(tokenizer), ids.shape, generator=g).to(ids.device)
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    return torch.where(swap, random_ids, masked), labels


@STRATEGIES.register("rehearsal")
class Rehearsal(Strategy):
    order = 90
    summary = "Mix the pretraining objective (MLM / next-token) on general text into every step."
    explain = ("Fine-tuning only on task data lets the model forget language it no longer practises. Rehearsal "
               "adds, at every step, a batch of general text with the model's own pretraining exercise: filling "
               "in masked words for an encoder, predicting the next word for a decoder. The model keeps its "
               "general knowledge by using it, while the task loss teaches the new skill.")
    formula = "L = L_task + w · L_LM(general text)   (MLM: 15% of tokens, 80/10/10; CLM: next token)"
    direction = "bidirectional"
    zh = {
        "summary": "每一步都在通用文本上混入预训练目标（MLM / 下一词元预测）。",
        "explain": ("只在任务数据上微调，模型会遗忘不再练习的语言能力。复习（rehearsal）在每一步加入一批通用文本，"
                    "让模型做它自己的预训练练习：编码器做掩码词填空，解码器预测下一个词。模型通过持续使用来保持通"
                    "用知识，同时由任务损失学会新技能。"),
        "formula": "L = L_task + w · L_LM(通用文本)   （MLM：15% 的词元，80/10/10；CLM：下一个词元）",
    }

    @dataclass
    class Options:
        weight: float = knob(0.5, "Weight of the pretraining loss on general text.", label="Weight", min=0.0,
                             max=100.0)
        source: str = knob("builtin:general", "General text: 'builtin:general', a text file (one passage per "
                           "line) or a hub dataset id with a 'text' column.", label="General text")
        batch_size: int = knob(16, "General-text passages per step.", label="Batch size", min=1, max=4096)
        head_warmup: float = knob(0.1, "When the base checkpoint has no LM head and a fresh one is built: share "
                                  "of the steps during which only that head learns from the rehearsal loss, so "
                                  "its random start does not disturb the model.", label="Fresh-head warm-up",
                                  min=0.0, max=1.0, advanced=True)

        zh = {   # the knobs' (label, help) in Chinese
            "weight": ("权重", "通用文本上预训练损失的权重。"),
            "source": ("通用文本", "通用文本：'builtin:general'、文本文件（每行一段）或含 'text' 列的 Hub 数据集 "
                               "ID。"),
            "batch_size": ("批大小", "每步使用的通用文本段落数。"),
            "head_warmup": ("新 LM 头预热", "基础检查点没有语言模型头、需要新建一个时：在这一比例的步数内只让该头"
                                        "从复习损失中学习，以免它的随机初始值扰乱模型。"),
        }

    def __init__(self, options):
        super().__init__(options)
        self.general: GeneralText | None = None
        self.head: LMHead | None = None
        self.objective = ""

    @classmethod
    def check(cls, options, cfg):
        check_source(options.source, "strategy.rehearsal.source")
        if options.weight == 0:
            raise ConfigError("strategy.rehearsal.weight", "weight 0 turns rehearsal off; use a positive weight")

    def prepare(self, model, ctx):
        if ctx.family not in ("encoder", "decoder"):
            raise ModelError(f"rehearsal supports encoders (MLM) and decoders (next token), not a {ctx.family}")
        self.objective = "mlm" if ctx.family == "encoder" else "clm"
        if self.objective == "mlm" and ctx.tokenizer.mask_token_id is None:
            raise ModelError("rehearsal needs a [MASK] token for masked-LM practice, and this tokenizer has none")
        self.general = GeneralText(self.opts.source, ctx.tokenizer, ctx.cfg.data.max_length, ctx.cfg.train.seed)
        ctx.log(f"rehearsal: {self.objective.upper()} on {len(self.general.rows):,} passages from "
                f"{self.opts.source}")
        if ctx.task.lm_head != self.objective:   # the task's model lacks the head this practice needs
            self.head = borrow_lm_head(model, ctx, self.objective)
            if self.head.fresh:
                ctx.log(f"rehearsal: the base checkpoint has no {self.objective.upper()} head, so this is an "
                        f"auxiliary {self.objective.upper()} task, not rehearsal of what the model was trained on; "
                        f"a fresh head{' tied to the input embeddings' if self.head.tied else ''} is trained "
                        f"along; for the first {self.opts.head_warmup:.0%} of the steps it learns alone", "warning")
            else:
                ctx.log(f"rehearsal: {self.objective.upper()} head loaded from the base checkpoint")
        return model

    def report(self):
        """Whether this was rehearsal (the base's own pretraining head) or an auxiliary task (a fresh head)."""
        kind = "own" if self.head is None else ("fresh" if self.head.fresh else "pretrained")
        return {"rehearsal_head": kind, "rehearsal_is_auxiliary": kind == "fresh",
                "rehearsal_objective": self.objective}

    def modules(self):
        return [self.head] if self.head is not None else []

    def loss_terms(self, batch, out, ctx):
        gen = self.general.batch(self.opts.batch_size, ctx.step, ctx.device)
        ids, attention = gen["input_ids"], gen["attention_mask"]
        if self.objective == "mlm":
            ids, labels = mask_tokens(ids, attention, ctx.tokenizer, self.general.generator(ctx.step))
        else:
            labels = ids.masked_fill(attention == 0, -100)
        inputs = {**gen, "input_ids": ids}
        if self.head is None:                       # the task model is itself the LM: its own head and loss
            loss = ctx.model(**inputs, labels=labels).loss
        else:
            hidden = ctx.model(**inputs, output_hidden_states=True).hidden_states[-1]   # (B, T, H)
            if self.objective == "clm":             # position t predicts token t + 1
                hidden, labels = hidden[:, :-1], labels[:, 1:]
            keep = labels != -100
            warming = self.head.fresh and ctx.step < self.opts.head_warmup * ctx.total_steps
            logits = self.head(hidden[keep], head_only=warming)     # (N, V): only the predicted positions
            loss = F.cross_entropy(logits.float(), labels[keep])
        return {"rehearsal": self.opts.weight * loss}
