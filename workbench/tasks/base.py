"""What a task is: how to read and check its data, which head to put on the model, how to turn rows into
tensors, the loss, the metrics and the predictions shown side by side.

The loop calls these methods in this order:
    read / check / fit_labels   on the raw DatasetDict (before the model exists: the head needs the labels)
    model_kwargs / wrap_model   when the model is built (AutoModelFor<auto_class> + optional extra head)
    encode / collate / forward  during training
    evaluate / predict          for metrics and for the Evaluate page
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import ClassVar, Iterable

import torch
import numpy as np

from ..datasets_io.select import select


@dataclass
class Prediction:
    """One model's answer for one input, for the side-by-side views. `display` is the short form shown in a table
    (a label, an entity list, an answer span, generated text); `confidence` its probability where one exists."""
    display: str
    confidence: float | None = None
    detail: dict | None = None   # task-specific extras: class probabilities, entity spans, offsets...


class Task:
    name: ClassVar[str]
    order: ClassVar[int] = 100
    summary: ClassVar[str] = ""
    reads: ClassVar[str] = ""       # README's task table: the data it reads (markdown)
    reports: ClassVar[str] = ""     # ... and the metrics it reports, main first
    families: ClassVar[tuple[str, ...]] = ("encoder", "decoder")   # model families it can use
    auto_class: ClassVar[str] = "AutoModel"                        # transformers Auto class for the head
    main_metric: ClassVar[str] = "loss"                            # for early stopping and run lists
    greater_is_better: ClassVar[bool] = False
    input_kind: ClassVar[str] = "text"                              # what the interactive box takes
    # What the task is. Strategies, export, evaluation and the loop ask these instead of testing task names or
    # auto_class strings, so a new task is its file (plus one row in tests/test_task_matrix.py).
    peft_task_type: ClassVar[str | None] = None  # peft TaskType (SEQ_CLS...): the peft class that knows its forward
    new_head: ClassVar[bool] = False         # a freshly initialised head on a pre-trained body: head_only applies
    prompt_tuning: ClassVar[bool] = False    # peft prompt tuning applies
    prefix_tuning: ClassVar[bool] = False    # peft prefix tuning applies (a decoder's key/value cache)
    pretrained_head: ClassVar[bool] = False  # the pre-trained checkpoint has this head (an LM head): the base teaches
    generates: ClassVar[bool] = False        # the output is generated text, scored per token (a causal LM)
    # The language-model head the task's model already has: "mlm" (masked), "clm" (next token) or None. Retention
    # scores a "clm" model's text with its own head, ONNX traces it without its KV cache, rehearsal borrows a head
    # only when the model lacks the one it practises. A task may set it per model in setup() (as auto_class).
    lm_head: ClassVar[str | None] = None
    # One output per text, read from one pooled position (a sequence head: classifier, regressor). A decoder finds
    # each text's last token from its input ids, so prompt tuning (which hands it embeddings) cannot; a teacher
    # with another tokenizer can read each text re-tokenized and still give one comparable output per example.
    sequence_head: ClassVar[bool] = False
    # The model's output is the predicted value itself (a regression head), not scores of classes or tokens: a
    # teacher's output is matched by squared error, as there is no distribution to soften and compare.
    predicts_values: ClassVar[bool] = False
    # Its encoded rows go to the datasets cache as Arrow (memory-mapped, reused by the next run on the same file);
    # else they are encoded in memory for each run.
    arrow_rows: ClassVar[bool] = False
    # train.packing applies: several examples per row with a block-diagonal mask (a class-scoring sequence head).
    packable: ClassVar[bool] = False
    pipeline_tag: ClassVar[str | None] = None    # the transformers pipeline that serves an export, if any
    # Direction of each metric the task reports ("higher" | "lower"); unlisted metrics are higher-is-better.
    metric_directions: ClassVar[dict[str, str]] = {"loss": "lower"}

    @dataclass
    class Options:
        pass

    def higher_is_better(self, metric: str) -> bool:
        """Whether a larger value of `metric` (as the task reports it; "key/metric" for a multitask run) is better."""
        if metric == self.main_metric:
            return self.greater_is_better
        for cls in type(self).__mro__:
            table = cls.__dict__.get("metric_directions") or {}
            for key in (metric, metric.rsplit("/", 1)[-1]):
                if key in table:
                    return table[key] == "higher"
        return True

    def __init__(self, options, data_cfg, model_cfg):
        self.opts = options
        self.data_cfg = data_cfg
        self.model_cfg = model_cfg
        self.tokenizer = None
        # Data warnings (answers skipped, long sentences split...): the trainer logs them after encoding.
        self.warnings: list[str] = []

    # ---- data ---------------------------------------------------------------------------------------------
    def read(self, path: str, fmt: str):
        """Read a task-specific file format into a datasets.Dataset, or return None to use the generic readers."""
        return None

    def check(self, ds) -> None:
        """Validate raw splits (a DatasetDict); raise DataError with the problem and the fix."""

    def holdout(self, train, n_val: int, seed: int):
        """Split (train, validation) when no validation data is given: seeded random rows by default."""
        order = np.random.default_rng(seed).permutation(len(train))
        held, rest = np.sort(order[:n_val]), order[n_val:]
        rest.sort()   # in place: one array of all row numbers, no list per row
        return select(train, rest), select(train, held)

    def fit_labels(self, train) -> None:
        """Learn what the head needs from the training split (label names...)."""

    def tokenizer_texts(self, ds) -> Iterable[str]:
        """Texts to train a from-scratch tokenizer on."""
        return ()

    # ---- model --------------------------------------------------------------------------------------------
    def model_kwargs(self) -> dict:
        """Extra kwargs for from_pretrained/from_config (num_labels, id2label...)."""
        return {}

    def wrap_model(self, model):
        """Add anything transformers has no head for (a CRF layer...). Returns the model the loop trains."""
        return model

    def save_extras(self, model, folder) -> None:
        """Write what save_pretrained does not cover (e.g. CRF weights) into the saved model folder."""

    def load_extras(self, model, folder):
        """Inverse of save_extras when a saved model is loaded back (returns the model to use)."""
        return model

    # ---- training -----------------------------------------------------------------------------------------
    def setup(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def encode(self, ds, split: str) -> list[dict]:
        """Turn one raw split into a list of feature dicts (token ids, labels)."""
        raise NotImplementedError

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        """Pad a list of feature dicts to the longest in the batch (dynamic padding)."""
        raise NotImplementedError

    def forward(self, model, batch: dict):
        """Run the model; the returned output has `.loss` (the task loss) and whatever strategies read."""
        return model(**batch)

    # ---- evaluation ---------------------------------------------------------------------------------------
    def evaluate(self, model, rows: list[dict], batch_size: int, ctx=None, split: str = "validation"
                 ) -> tuple[dict, list]:
        """Metrics (without an `eval_` prefix; `loss` included) and per-example predictions on encoded rows of
        `split`. `ctx` (optional) gives the autocast context used in training."""
        raise NotImplementedError

    def predict(self, model, inputs: list, **kwargs) -> list[Prediction]:
        """Answers for raw inputs (texts, or dicts for pair / QA inputs) for the interactive views."""
        raise NotImplementedError

    def example_inputs(self, ds, n: int = 3) -> list:
        """A few raw inputs from a split, for generation samples and the interactive box."""
        return []

    def pipeline_agreement(self, theirs: list[dict], ours: list[Prediction]) -> dict:
        """How a plain transformers pipeline (`pipeline_tag`) on an export answers the same inputs as `predict`:
        {"same_labels", "max_score_diff"}. By default the pipeline's label is the display, its score the
        confidence."""
        return {"same_labels": all(t["label"] == o.display for t, o in zip(theirs, ours)),
                "max_score_diff": max(abs(t["score"] - o.confidence) for t, o in zip(theirs, ours))}


def pad_batch(rows: list[dict], pad_values: dict[str, int]) -> dict[str, torch.Tensor]:
    """Stack feature dicts into tensors, padding list-valued features on the right to the longest row.
    `pad_values` gives the fill per key (input_ids: the tokenizer's pad id, labels: -100, masks: 0)."""
    batch = {}
    for key in rows[0]:
        values = [r[key] for r in rows]
        if isinstance(values[0], (list, tuple)):
            width = max(len(v) for v in values)
            fill = pad_values.get(key, 0)
            batch[key] = torch.tensor([list(v) + [fill] * (width - len(v)) for v in values])
        else:
            batch[key] = torch.tensor(values)
    return batch


def length_order(rows: list[dict], key: str = "input_ids") -> list[int]:
    """Indices sorted by length, longest first: evaluation batches then carry little padding."""
    return sorted(range(len(rows)), key=lambda i: -len(rows[i][key]))


def autocast_of(ctx):
    """The run's autocast (bf16/fp16) when there is a run context, else nothing (inference from a saved folder)."""
    return ctx.autocast() if ctx is not None else contextlib.nullcontext()


def model_device(model) -> torch.device:
    return next(model.parameters()).device
