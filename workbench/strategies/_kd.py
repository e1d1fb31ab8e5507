"""Shared pieces of teacher → student distillation (used by `distill` and `mean_teacher`): the temperature-scaled
KL term, the positions it averages over, and running a frozen teacher on a batch."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..options import knob


def alpha_knob():
    """α of L = (1 − α)·L_task + α·τ²·KL: the one declaration of the knob distill and mean_teacher share."""
    return knob(0.5, "Share of the loss given to matching the teacher (the task loss gets 1 − α).",
                label="α (distillation share)", min=0.0, max=1.0,
                zh=("α（蒸馏占比）", "损失中分配给匹配教师的比例（任务损失占 1 − α）。"))


def temperature_knob(default: float):
    """τ of the KD term, shared by `distill` and `mean_teacher` (only the default differs)."""
    return knob(default, "τ: softens both distributions before they are compared (higher shows more of the "
                "teacher's ranking of wrong answers; 1-4 is typical).", label="τ (temperature)", min=0.05, max=100.0,
                zh=("τ（温度）", "τ：比较前对两个分布进行软化（越高越能体现教师对错误答案的排序；常用 1–4）。"))


def kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float,
            mask: torch.Tensor | None = None) -> torch.Tensor:
    """τ²·KL(softmax(t/τ) ‖ softmax(s/τ)). Logits are (B, C) for one answer per example or (B, T, V) for one per
    token; the KL is summed over the last axis and averaged over examples, or over the positions where `mask`
    (B, T) is set. The τ² keeps the gradient's size independent of τ (Hinton et al., 2015)."""
    s = F.log_softmax(student_logits.float() / temperature, dim=-1)
    t = F.log_softmax(teacher_logits.detach().float() / temperature, dim=-1)
    kl = F.kl_div(s, t, log_target=True, reduction="none").sum(-1)      # (B,) or (B, T)
    if mask is not None and kl.dim() == 2 and mask.shape == kl.shape:
        m = mask.to(kl.dtype)
        kl = (kl * m).sum() / m.sum().clamp(min=1.0)
    else:
        kl = kl.mean()
    return kl * temperature ** 2


def match_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float,
               mask: torch.Tensor | None, task) -> torch.Tensor:
    """The teacher-matching term for one output: kd_loss for scores of classes or tokens; for a task whose output
    is the predicted value itself (`task.predicts_values`: regression) the mean squared difference of the values,
    as there is no distribution to soften (τ does not apply)."""
    if task.predicts_values:
        return F.mse_loss(student_logits.float(), teacher_logits.detach().float())
    return kd_loss(student_logits, teacher_logits, temperature, mask)


def distributions(out, batch: dict) -> list[tuple[str, torch.Tensor, torch.Tensor | None]]:
    """The output distributions a teacher and a student are compared on, as (name, logits, position mask):
    `logits` for classification, tagging and language models; the answer start and end over the tokens for
    extractive QA (padding is given no probability). Empty when the output has neither."""
    if getattr(out, "logits", None) is not None:
        return [("logits", out.logits, token_mask(batch, out.logits))]
    spans = [k for k in ("start_logits", "end_logits") if getattr(out, k, None) is not None]
    mask = batch.get("attention_mask")
    found = []
    for k in spans:
        x = getattr(out, k).float()                                   # (B, T): a distribution over positions
        if mask is not None and mask.shape == x.shape:
            x = x.masked_fill(mask == 0, -1e4)
        found.append((k, x, None))
    return found


def token_mask(batch: dict, logits: torch.Tensor) -> torch.Tensor | None:
    """For per-token logits (B, T, V): the real (non-padding) positions; None for per-example logits."""
    if logits.dim() != 3:
        return None
    mask = batch.get("attention_mask")
    return mask if mask is not None and mask.shape == logits.shape[:2] else None


@torch.no_grad()
def teacher_forward(teacher, batch: dict, ctx, hidden: bool = False):
    """The teacher's output on `batch` (no gradient, its dropout off), through the task's own forward so task
    wrappers (a CRF on top...) behave as they do for the student."""
    teacher.eval()
    with ctx.autocast():
        return ctx.task.forward(teacher, {**batch, "output_hidden_states": True} if hidden else batch)


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Mean over tokens of hidden states (B, T, H) -> (B, H), ignoring padding."""
    if mask is None:
        return hidden.mean(1)
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def ema_update(target: dict[str, torch.Tensor], model, beta: float) -> None:
    """θ_t ← β·θ_t + (1 − β)·θ for every tensor of `target` (by parameter name of `model`)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            t = target.get(name)
            if t is not None:
                t.lerp_(p.detach().to(t.dtype), 1.0 - beta)
