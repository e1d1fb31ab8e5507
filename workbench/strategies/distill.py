"""Knowledge distillation: a student learns from a teacher's softened predictions as well as from the labels,
optionally matching the teacher's hidden states too. The student may be the run's model, or a smaller copy of the
teacher keeping every k-th block (compression)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..model import catalogue as models
from ..model.saved import read_training_info
from ..model.anatomy import clean_name, count_params, num_layers, unwrap
from ..errors import ConfigError, ModelError
from ..options import knob
from ..strategies import STRATEGIES
from ._kd import alpha_knob, distributions, match_loss, teacher_forward, temperature_knob
from ._teacher import HiddenMatch, check_labels, load_teacher, parse_layers, same_vocab
from .base import Strategy
from ..tasks import TASKS

@STRATEGIES.register("distill")
class Distill(Strategy):
    order = 50
    summary = "Teacher → student: (1−α)·CE + α·τ²·KL(p_t^τ ‖ p_s^τ), optional hidden-state matching."
    explain = ("A teacher model (a fine-tuned run, a model folder, or the base model) shows the student its full "
               "softened probability distribution, not just the right answer: which wrong answers are nearly "
               "right carries much of what the teacher knows. The student learns from both the labels and the "
               "teacher, so the teacher's knowledge is kept while the task is learned. With student_layers the "
               "student is a smaller copy of the teacher (every k-th block), trained to keep the teacher's "
               "accuracy at a fraction of its size.")
    formula = ("L = (1 − α)·CE(y, s) + α·τ²·KL(softmax(t/τ) ‖ softmax(s/τ))  "
               "[+ w_h·Σ_layers MSE(P·h_s, h_t)]")
    direction = "bidirectional"
    group = "teacher"
    zh = {
        "summary": "教师 → 学生：(1−α)·CE + α·τ²·KL(p_t^τ ‖ p_s^τ)，可选隐藏状态匹配。",
        "explain": ("教师模型（某次微调运行、某个模型文件夹或基础模型）向学生展示完整的软化概率分布，而不只是正确"
                    "答案：哪些错误答案“差一点就对”，承载了教师的大量知识。学生同时向标签和教师学习，因此在学会任"
                    "务的同时保留了教师的知识。设置 student_layers 时，学生是教师的缩小副本（每隔 k 个块保留一个）"
                    "，目标是以一小部分的规模保持教师的准确率。"),
        "formula": None,   # symbols only: shown as written
    }

    @dataclass
    class Options:
        teacher: str = knob("base", "The teacher: a run id, a run or model folder, or 'base' (the run's base "
                            "model). For classification and other new-head tasks it must be a model fine-tuned "
                            "for this task.", label="Teacher")
        alpha: float = alpha_knob()
        temperature: float = temperature_knob(2.0)
        hidden_weight: float = knob(0.0, "Weight of matching the teacher's hidden states (mean squared error, "
                                    "through a learned projection when the widths differ); 0 turns it off.",
                                    label="Hidden-state weight", min=0.0, max=1e4)
        student_layers: str | None = knob(None, "Derive the student from the teacher, keeping these blocks: "
                                          "'every:2' (blocks 0, 2, 4, ...), 'top:3', 'bottom:3' or a list '0,2,4'. "
                                          "Empty: the student is the run's own model.", label="Student layers")

        zh = {   # the knobs' (label, help) in Chinese
            "teacher": ("教师模型", "教师：运行 ID、运行或模型文件夹，或 'base'（本次运行的基础模型）。对分类等需"
                                "要新任务头的任务，它必须是已针对本任务微调过的模型。"),
            "hidden_weight": ("隐藏状态权重", "匹配教师隐藏状态的权重（均方误差；宽度不同时经过一个可学习的投影）"
                                        "；0 表示关闭。"),
            "student_layers": ("学生层", "从教师派生学生，保留这些块：'every:2'（块 0、2、4……）、'top:3'、'bottom"
                                      ":3' 或列表 '0,2,4'。留空：学生就是本次运行自己的模型。"),
        }

    def __init__(self, options):
        super().__init__(options)
        self.needs_hidden_states = options.hidden_weight > 0
        self.teacher = None
        self.retokenize = None            # the teacher's tokenizer when it differs from the student's
        self.label_order = None           # teacher logit index for each student label, when they differ
        self.match: HiddenMatch | None = None
        self.facts: dict = {}
        self.vocab_len = 0

    @classmethod
    def check(cls, options, cfg):
        names = cfg.strategy_names()
        where = "strategy.distill"
        if not options.teacher.strip():
            raise ConfigError(f"{where}.teacher", "give the teacher: a run id, a model folder or 'base'")
        if options.alpha == 0 and options.hidden_weight == 0:
            raise ConfigError(f"{where}.alpha", "alpha 0 and hidden_weight 0 leave nothing to distil; raise one")
        if options.student_layers:
            try:
                parse_layers(options.student_layers, None)
            except ValueError as e:
                raise ConfigError(f"{where}.student_layers", f"{e}; write 'every:2', 'top:3' or '0,2,4'") from None
            if names[0] != "distill":
                raise ConfigError(f"{where}.student_layers", "a derived student replaces the model, so list "
                                  "'distill' first (before the strategies that freeze or wrap the model)")
        if options.teacher.strip() != "base":
            try:
                source = models.resolve(options.teacher, cfg.output.runs_dir)
            except ModelError as e:
                raise ConfigError(f"{where}.teacher", str(e)) from None
            if source.kind == "scratch":
                raise ConfigError(f"{where}.teacher", f"{options.teacher!r} is a from-scratch preset that knows "
                                  "nothing yet; give a trained run or model folder as the teacher")
        else:
            source = models.resolve(cfg.model.name, cfg.output.runs_dir)
            trained = source.kind == "local" and read_training_info(source.ref).get("task") == cfg.task.name
            if source.kind == "scratch":
                raise ConfigError(f"{where}.teacher", f"the base model {cfg.model.name!r} is built from scratch and "
                                  "knows nothing yet; give a trained run or model folder as the teacher")
            if not TASKS.get(cfg.task.name).pretrained_head and not trained:   # can the base teach this task?
                raise ConfigError(f"{where}.teacher", f"the base model {cfg.model.name!r} has no trained "
                                  f"{cfg.task.name} head, so it cannot teach this task; give a run fine-tuned for "
                                  "it (its run id or folder)")
            if "head_only" in names and not options.student_layers:
                raise ConfigError(f"{where}.teacher", "with head_only and the base model as teacher the student "
                                  "is the teacher itself and only its head would learn to copy its own head; use a "
                                  "fine-tuned teacher or derive a student (student_layers)")

    def task_weight(self) -> float:
        return 1.0 - self.opts.alpha

    # ---- prepare: load the teacher, maybe derive the student, set up hidden-state matching ------------------
    def prepare(self, model, ctx):
        o = self.opts
        teacher, tok, label_names = load_teacher(o.teacher, ctx)
        self.label_order = check_labels(label_names, ctx.task)
        self.vocab_len = len(ctx.tokenizer)
        if not same_vocab(tok, ctx.tokenizer):
            sizes = f"teacher {len(tok):,} tokens, student {len(ctx.tokenizer):,}"
            if ctx.task.sequence_head and not o.student_layers and not o.hidden_weight and not ctx.cfg.data.text_pair_column:
                self.retokenize = tok
                ctx.log(f"distill: the tokenizers differ ({sizes}); the teacher reads each text re-tokenized")
            else:
                raise ModelError(f"the teacher's tokenizer differs from the student's ({sizes}), so their outputs "
                                 "cannot be compared token by token; use a teacher with the same tokenizer (for a "
                                 "derived student set model.name to the teacher's run)")
        if o.student_layers:
            if self.label_order is not None:
                raise ModelError("the teacher's labels are in a different order than this data's; a student derived "
                                 "from it would predict the wrong classes. Train the teacher on the same labels")
            keep = parse_layers(o.student_layers, num_layers(teacher))
            model = models.derive_student(teacher, keep).to(ctx.device)
            for p in model.parameters():
                p.requires_grad_(True)
            # The student starts from the teacher's weights: that is its θ_pre for l2sp and weight_distance.
            ctx.pre_state.clear()
            ctx.pre_state.update({clean_name(n): p.detach().to("cpu", copy=True) for n, p in model.named_parameters()
                                  if clean_name(n) not in ctx.new_names})
            ctx.log(f"distill: student keeps teacher blocks {keep} of {num_layers(teacher)} "
                    f"({count_params(model)[1]:,} of {count_params(teacher)[1]:,} parameters)")
        self.teacher = teacher.to(ctx.device).eval()
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        if o.hidden_weight:
            keep = parse_layers(o.student_layers, num_layers(teacher)) if o.student_layers else None
            self.match = HiddenMatch(unwrap(model).config, unwrap(teacher).config, keep).to(ctx.device)
            ctx.log(f"distill: hidden states matched at (student, teacher) layers {self.match.pairs}"
                    + (" through a learned projection" if self.match.proj is not None else ""))
        self.facts = {"distill_teacher_params": count_params(teacher)[1], "distill_student_params":
                      count_params(model)[1]}
        return model

    def modules(self):
        return [self.match] if self.match is not None and self.match.proj is not None else []

    # ---- loss ---------------------------------------------------------------------------------------------
    def _teacher_out(self, batch, ctx):
        if self.retokenize is None:
            return teacher_forward(self.teacher, batch, ctx, hidden=self.match is not None)
        texts = ctx.tokenizer.batch_decode(batch["input_ids"], skip_special_tokens=True)
        enc = self.retokenize(texts, padding=True, truncation=True, max_length=ctx.cfg.data.max_length,
                              return_tensors="pt")
        return teacher_forward(self.teacher, {k: v.to(ctx.device) for k, v in enc.items()}, ctx)

    def loss_terms(self, batch, out, ctx):
        t_out = self._teacher_out(batch, ctx)
        terms = {}
        if self.opts.alpha > 0:
            student, teacher = distributions(out, batch), distributions(t_out, batch)
            if not student or [n for n, *_ in student] != [n for n, *_ in teacher]:
                raise ModelError("distill compares output distributions (logits, or answer start/end for QA), "
                                 "and this task's model output has none that the teacher's matches")
            kd = 0.0
            for (_, s, mask), (_, t, _) in zip(student, teacher):
                s, t = self._aligned(s, t)
                if self.label_order is not None:
                    t = t[..., self.label_order.to(t.device)]
                kd = kd + match_loss(s, t, self.opts.temperature, mask, ctx.task)
            terms["kd"] = self.opts.alpha * kd / len(student)
        if self.match is not None:
            terms["hidden"] = self.opts.hidden_weight * self.match(out.hidden_states, t_out.hidden_states,
                                                                   batch.get("attention_mask"))
        return terms

    def _aligned(self, s, t):
        if s.shape[:-1] != t.shape[:-1]:
            raise ModelError(f"the teacher's outputs {tuple(t.shape)} do not line up with the student's "
                             f"{tuple(s.shape)}; teacher and student must be built for the same task and inputs")
        if s.shape[-1] != t.shape[-1]:
            # Same tokenizer, embedding matrices padded to different sizes: compare over the real vocabulary.
            n = self.vocab_len
            if s.dim() < 3 or min(s.shape[-1], t.shape[-1]) < n:
                raise ModelError(f"the teacher predicts {t.shape[-1]} outputs and the student {s.shape[-1]}; "
                                 "they must have the same labels (or vocabulary)")
            s, t = s[..., :n], t[..., :n]
        return s, t

    def report(self) -> dict:
        return dict(self.facts)
