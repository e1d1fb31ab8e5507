"""Adversarial alignment: a small domain discriminator learns to tell the model's features of general text from
those of task text, while a gradient-reversal layer makes the encoder work to confuse it. One backward pass
does both: no separate discriminator step on a negated loss."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..model.anatomy import unwrap
from ..options import knob
from ..strategies import STRATEGIES
from ._general import GeneralText, check_source
from ._kd import masked_mean
from .base import Strategy


class GradReverse(torch.autograd.Function):
    """Identity forward; the gradient's sign is flipped on the way back (Ganin & Lempitsky, 2015)."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad


def discriminator(width: int, hidden: int) -> nn.Module:
    """D: pooled features (N, width) -> one logit per row (N, 1); positive means 'general text'."""
    return nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(0.1), nn.Linear(hidden, 1))


def domain_loss(disc: nn.Module, general: torch.Tensor, task: torch.Tensor, reverse: bool = True):
    """(binary cross-entropy of D telling general (label 1) from task (label 0) features, D's accuracy). With
    `reverse` the features pass a gradient-reversal layer: D's gradient is that of the loss, the encoder's its
    negative, so minimising the loss trains D to separate and the encoder to confuse."""
    feats = torch.cat([general, task]).float()                     # (Ng + Nt, H)
    if reverse:
        feats = GradReverse.apply(feats)
    logits = disc(feats).squeeze(-1)                               # (Ng + Nt,)
    target = torch.cat([torch.ones(len(general)), torch.zeros(len(task))]).to(logits.device)
    loss = F.binary_cross_entropy_with_logits(logits, target)
    accuracy = ((logits > 0).float() == target).float().mean().item()
    return loss, accuracy


@STRATEGIES.register("adversarial")
class Adversarial(Strategy):
    order = 80
    summary = "Domain discriminator on pooled features + gradient reversal: task features stay like general ones."
    explain = ("A small discriminator sees the model's pooled features of general text and of task text and "
               "learns to tell them apart. Its gradient reaches the model reversed, so the model is pushed to "
               "make task features indistinguishable from general ones: it learns the task without drifting "
               "into a representation that only fits the task data, keeping what it knew about language in "
               "general. Both sides learn in the same backward pass.")
    formula = "L = L_task + λ·BCE(D(GRL(f)), domain);  GRL: identity forward, −∂ backward into the encoder"
    direction = "bidirectional"
    needs_hidden_states = True
    zh = {
        "summary": "池化特征上的领域判别器 + 梯度反转：让任务特征与通用特征保持相似。",
        "explain": ("一个小型判别器读取模型对通用文本和任务文本的池化特征，学习区分二者。它的梯度反转后传给模型，"
                    "于是模型被推动让任务特征与通用特征无法区分：模型学习任务，却不会漂移到只适合任务数据的表示，"
                    "从而保留对通用语言的知识。双方在同一次反向传播中学习。"),
        "formula": "L = L_task + λ·BCE(D(GRL(f)), domain)；  GRL：前向为恒等映射，反向以 −∂ 传入编码器",
    }

    @dataclass
    class Options:
        weight: float = knob(0.1, "λ: strength of the adversarial term (how hard the encoder is pushed to "
                             "confuse the discriminator).", label="λ (weight)", min=0.0, max=100.0)
        source: str = knob("builtin:general", "General text: 'builtin:general', a text file (one passage per "
                           "line) or a hub dataset id with a 'text' column.", label="General text")
        hidden: int = knob(256, "Width of the discriminator's hidden layer.", label="Discriminator width",
                           min=4, max=16384)

        zh = {   # the knobs' (label, help) in Chinese
            "weight": ("λ（权重）", "λ：对抗项的强度（编码器被推动去迷惑判别器的力度）。"),
            "source": ("通用文本", "通用文本：'builtin:general'、文本文件（每行一段）或含 'text' 列的 Hub 数据集 "
                               "ID。"),
            "hidden": ("判别器宽度", "判别器隐藏层的宽度。"),
        }

    def __init__(self, options):
        super().__init__(options)
        self.disc: nn.Module | None = None
        self.general: GeneralText | None = None
        self.accuracy: float | None = None           # running average of D's accuracy on its own batches

    @classmethod
    def check(cls, options, cfg):
        check_source(options.source, "strategy.adversarial.source")

    def prepare(self, model, ctx):
        self.general = GeneralText(self.opts.source, ctx.tokenizer, ctx.cfg.data.max_length, ctx.cfg.train.seed)
        self.disc = discriminator(unwrap(model).config.hidden_size, self.opts.hidden)
        ctx.log(f"adversarial: {len(self.general.rows):,} general passages from {self.opts.source}")
        return model

    def modules(self):
        return [self.disc]

    def features(self, out, mask) -> torch.Tensor:
        """Mean over tokens of the last hidden state: (B, T, H) -> (B, H)."""
        if getattr(out, "hidden_states", None) is None:
            raise RuntimeError("the model returned no hidden states; adversarial needs output_hidden_states")
        return masked_mean(out.hidden_states[-1], mask)

    def loss_terms(self, batch, out, ctx):
        task_feats = self.features(out, batch.get("attention_mask"))
        general = self.general.batch(len(task_feats), ctx.step, ctx.device, ctx.rank, ctx.world_size)
        general_feats = self.features(ctx.model(**general, output_hidden_states=True), general["attention_mask"])
        loss, acc = domain_loss(self.disc, general_feats, task_feats)
        self.accuracy = acc if self.accuracy is None else 0.9 * self.accuracy + 0.1 * acc
        return {"adv": self.opts.weight * loss}

    def report(self) -> dict:
        return {"adv_discriminator_accuracy": round(self.accuracy, 4)} if self.accuracy is not None else {}
