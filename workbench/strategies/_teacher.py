"""Teachers for `distill`: where the teacher comes from, whether its labels and vocabulary line up with the
student's, which blocks a derived student keeps, and the hidden-state matching between the two."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn as nn

from .. import tasks
from ..model import catalogue as models
from ..model.saved import read_training_info
from ..errors import ModelError


def parse_layers(spec: str, n: int | None) -> list[int]:
    """Teacher block indices a derived student keeps: 'every:2' (0, 2, 4, ... of n blocks), 'top:3', 'bottom:3'
    or an explicit list '0,2,4'. With n None only the syntax is checked (returns []). Raises ValueError."""
    spec = (spec or "").replace(" ", "")
    kind, _, arg = spec.partition(":")
    if kind in ("every", "top", "bottom") and arg:
        k = int(arg)
        if k < 1:
            raise ValueError(f"{kind}:k needs k >= 1")
        if n is None:
            return []
        if kind == "every":
            return list(range(0, n, k))
        if k > n:
            raise ValueError(f"the teacher has {n} blocks; {kind}:{k} asks for more")
        return list(range(n - k, n)) if kind == "top" else list(range(k))
    keep = [int(x) for x in spec.split(",") if x]
    if not keep:
        raise ValueError(f"no block index in {spec!r}")
    if n is not None and not all(0 <= i < n for i in keep):
        raise ValueError(f"the teacher has {n} blocks (0..{n - 1}); {spec!r} is out of range")
    return keep


def load_teacher(spec: str, ctx):
    """(teacher model, its tokenizer, its label names or None) for `spec`: 'base', a run id, a run folder or a
    model folder. A folder saved by the workbench must be for this task; any other must come with a trained
    head for it (no newly initialised weights)."""
    name = ctx.cfg.model.name if spec.strip() == "base" else spec.strip()
    source = models.resolve(name, ctx.cfg.output.runs_dir)
    if source.kind == "scratch":
        raise ModelError(f"the teacher {name!r} is built from scratch and knows nothing yet; give a trained run")
    info = read_training_info(Path(source.ref)) if source.kind == "local" else {}
    task = ctx.cfg.task.name
    if info:
        if info.get("task") != task:
            raise ModelError(f"the teacher {name!r} was trained for task {info.get('task')!r}, not {task!r}; "
                             f"give a run trained for {task}")
        teacher, tokenizer, _, _ = tasks.load_saved(source.ref)
        id2label = getattr(teacher.config, "id2label", None) or {}
        labels = [str(id2label[i]) for i in sorted(id2label)] if hasattr(ctx.task, "label_names") else None
        ctx.log(f"distill: teacher is run {info.get('run_id') or name} ({task})")
        return teacher, tokenizer, labels
    tokenizer = models.load_tokenizer(source, ctx.cfg.model)
    loaded = models.load(source, ctx.task, ctx.cfg.model, ctx.cfg.data.max_length, tokenizer)
    if loaded.new_names:
        example = sorted(loaded.new_names)[0]
        raise ModelError(f"the teacher {name!r} has no trained {task} head ({len(loaded.new_names)} weights such "
                         f"as {example!r} would be newly initialised); a teacher must already do the task: give a "
                         "run fine-tuned for it (its run id or folder)")
    ctx.log(f"distill: teacher is {name!r}")
    return loaded.model, tokenizer, None


def check_labels(teacher_labels: list[str] | None, task) -> torch.Tensor | None:
    """None when the teacher's classes are the student's in the same order; else the teacher logit index for each
    student class. Refuses teachers with other classes."""
    student = [str(x) for x in getattr(task, "label_names", None) or []]
    if teacher_labels is None or not student or teacher_labels == student:
        return None
    if sorted(teacher_labels) != sorted(student):
        raise ModelError(f"the teacher predicts the labels {teacher_labels[:8]} but this data has {student[:8]}; "
                         "distil from a teacher trained on the same labels")
    return torch.tensor([teacher_labels.index(x) for x in student])


def same_vocab(a, b) -> bool:
    """Whether two tokenizers map every token to the same id."""
    return a is b or (len(a) == len(b) and a.get_vocab() == b.get_vocab())


def _layers(config) -> int:
    return getattr(config, "num_hidden_layers", None) or getattr(config, "n_layer")


class HiddenMatch(nn.Module):
    """Mean squared error between student and teacher hidden states at paired layers, the student's first mapped
    to the teacher's width by a learned linear projection when the widths differ. A derived student's block j is
    paired with the teacher block it was copied from; otherwise student layers are spread evenly over the
    teacher's (the top always pairs with the top)."""

    def __init__(self, student_cfg, teacher_cfg, keep: list[int] | None = None):
        super().__init__()
        ls, lt = _layers(student_cfg), _layers(teacher_cfg)
        # hidden_states[0] is the embedding output, hidden_states[i] the output of block i - 1
        self.pairs = ([(j + 1, k + 1) for j, k in enumerate(keep)] if keep
                      else [(j, round(j * lt / ls)) for j in range(1, ls + 1)])
        ds, dt = student_cfg.hidden_size, teacher_cfg.hidden_size
        self.proj = nn.Linear(ds, dt) if ds != dt else None

    def forward(self, student_hs, teacher_hs, mask: torch.Tensor | None) -> torch.Tensor:
        total = 0.0
        for i, j in self.pairs:
            h = student_hs[i].float()                       # (B, T, d_s)
            if self.proj is not None:
                h = self.proj(h)                            # (B, T, d_t)
            err = (h - teacher_hs[j].float()).pow(2).mean(-1)   # (B, T)
            if mask is not None:
                m = mask.to(err.dtype)
                total = total + (err * m).sum() / m.sum().clamp(min=1.0)
            else:
                total = total + err.mean()
        return total / len(self.pairs)
