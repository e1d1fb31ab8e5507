"""Mean teacher: the teacher is an exponential moving average of the student itself, and the student is
distilled from it. Knowledge flows both ways: the student teaches the teacher (through the average), the
teacher's smoother predictions teach the student back."""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass

import torch

from ..errors import ModelError
from ..options import knob
from ..strategies import STRATEGIES
from ._kd import alpha_knob, distributions, ema_update, match_loss, teacher_forward, temperature_knob
from .base import Strategy
from .ema import install, refuse_early_stopping, swap_in


@STRATEGIES.register("mean_teacher")
class MeanTeacher(Strategy):
    order = 60
    summary = "Teacher = EMA of the student; the student is distilled from it (self-ensembling)."
    explain = ("A copy of the model is kept as a slowly moving average of the student's weights. At each step "
               "the student learns the task and also matches the teacher's softened predictions. The average "
               "changes slowly, so it remembers what earlier steps (and pre-training) knew and pulls the student "
               "back toward it, while the student's progress flows into the teacher: knowledge moves in both "
               "directions.")
    formula = ("θ_t ← β·θ_t + (1 − β)·θ after each step;  "
               "L = (1 − α)·L_task + α·τ²·KL(softmax(z_t/τ) ‖ softmax(z_s/τ))")
    direction = "bidirectional"
    group = "teacher"
    finalize_order = -10     # install the average before adapters (lora...) are merged into the weights
    zh = {
        "summary": "教师 = 学生权重的 EMA；学生向教师蒸馏（自集成）。",
        "explain": ("保留一份模型副本，作为学生权重的缓慢移动平均。每一步学生既学习任务，也匹配教师的软化预测。平"
                    "均值变化缓慢，因此记得之前各步（以及预训练）学到的知识，并把学生拉回来；同时学生的进步也流入"
                    "教师：知识双向流动。"),
        "formula": ("每步之后 θ_t ← β·θ_t + (1 − β)·θ；  L = (1 − α)·L_task + α·τ²·KL(softmax(z_t/τ) ‖ softmax(z_s"
                    "/τ))"),
    }

    @dataclass
    class Options:
        beta: float = knob(0.99, "Decay of the teacher's average: it spans about 1/(1 − β) recent steps.",
                           label="β (teacher decay)", min=0.0, max=0.99999)
        alpha: float = alpha_knob()
        temperature: float = temperature_knob(1.0)
        evaluate_teacher: bool = knob(False, "Evaluate and save the teacher (the averaged weights) instead of "
                                      "the student.", label="Evaluate the teacher")

        zh = {   # the knobs' (label, help) in Chinese
            "beta": ("β（教师衰减）", "教师平均值的衰减：约覆盖最近 1/(1 − β) 步。"),
            "evaluate_teacher": ("评估教师", "评估并保存教师（平均后的权重），而不是学生。"),
        }

    def __init__(self, options):
        super().__init__(options)
        self.teacher = None                       # a frozen copy of the model, built at the first step
        self.names: list[str] = []                # trainable parameters the average follows
        self.pending: dict[str, torch.Tensor] = {}   # teacher weights from a checkpoint, applied when built

    @classmethod
    def check(cls, options, cfg):
        if options.evaluate_teacher:
            refuse_early_stopping(cfg, "strategy.mean_teacher.evaluate_teacher", "mean_teacher")

    def task_weight(self) -> float:
        return 1.0 - self.opts.alpha

    def _build(self, ctx):
        # Built at the first forward (θ_t = θ_0), once every strategy has prepared the model; frozen copies share
        # nothing with the student. Only trainable weights ever differ, so only those are averaged and saved.
        model = ctx.model
        self.names = [n for n, p in model.named_parameters() if p.requires_grad]
        self.teacher = copy.deepcopy(model).eval()
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        if self.pending:
            params = dict(self.teacher.named_parameters())
            with torch.no_grad():
                for n, t in self.pending.items():
                    params[n].copy_(t)
            self.pending = {}

    def _averaged(self) -> dict[str, torch.Tensor]:
        params = dict(self.teacher.named_parameters())
        return {n: params[n] for n in self.names}

    def loss_terms(self, batch, out, ctx):
        if self.teacher is None:
            self._build(ctx)
        t_out = teacher_forward(self.teacher, batch, ctx)
        student, teacher = distributions(out, batch), distributions(t_out, batch)
        if not student:
            raise ModelError("mean_teacher compares output distributions (logits, or answer start/end for QA), "
                             "and this task's model output has none")
        kd = sum(match_loss(s, t, self.opts.temperature, mask, ctx.task)
                 for (_, s, mask), (_, t, _) in zip(student, teacher))
        return {"kd": self.opts.alpha * kd / len(student)}

    def after_step(self, model, ctx):
        ema_update(self._averaged(), model, self.opts.beta)

    def eval_weights(self, model):
        if self.opts.evaluate_teacher and self.teacher is not None:
            return swap_in(model, self._averaged())
        return contextlib.nullcontext()

    def finalize(self, model, ctx):
        if self.opts.evaluate_teacher and self.teacher is not None:
            n = install(model, self._averaged())
            ctx.log(f"mean_teacher: saving the teacher (averaged weights, {n} tensors) as the model")
        self.teacher = None
        return model

    def state_dict(self):
        return {n: t.detach() for n, t in self._averaged().items()} if self.teacher is not None else {}

    def load_state_dict(self, state):
        self.pending = dict(state)
