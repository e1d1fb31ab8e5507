"""The sections of a run's config: model, data, train, output. Plain dataclasses of knobs (each declared once,
with its default, range and help), below tasks and models so that both can read them. `workbench.config` puts
them together with the task and the strategies into a RunConfig."""

from __future__ import annotations

from dataclasses import dataclass

from .options import knob


@dataclass
class ModelConfig:
    name: str = knob("minilm", "Catalogue key (minilm, bert-tiny, gpt-tiny), a local model folder, a run id, or a "
                     "hub id such as 'distilbert-base-uncased'.", label="Base model")
    revision: str | None = knob(None, "Hub revision (branch, tag or commit) when `name` is a hub id.", advanced=True)
    trust_remote_code: bool = knob(False, "Run Python code shipped with a hub model. Only for models you trust.",
                                   advanced=True)
    allow_pickle: bool = knob(False, "Load weights from pickle files (pytorch_model.bin) when a model folder has no "
                              "safetensors. Unpickling can run code: only for files you trust.", advanced=True)
    crf: bool = knob(False, "Token classification: put a CRF layer (Viterbi decoding) on top of the token head.",
                     label="CRF layer")
    tokenizer: str = knob("bpe", "From-scratch presets: train a BPE/WordPiece tokenizer on the training text, or "
                          "use a character vocabulary.", choices=("bpe", "char"), advanced=True)
    vocab_size: int = knob(4096, "From-scratch presets: vocabulary size of the trained tokenizer.", min=64,
                           max=262144, advanced=True)
    pooling: str = knob("auto", "Classification: what the head reads. 'cls': the head transformers builds (BERT's "
                        "[CLS] pooler); 'mean': the mean of the last hidden states over real tokens (what "
                        "sentence encoders such as MiniLM were trained to produce); 'auto': follow the model "
                        "(its sentence-transformers pooling config).", choices=("auto", "cls", "mean"),
                        label="Pooling")


@dataclass
class DataConfig:
    train: str = knob("builtin:sentiment", "Training data: 'builtin:NAME', a file (csv, tsv, json, jsonl, parquet, "
                      "txt, conll, squad json) or a hub dataset id.", label="Training data")
    validation: str | None = knob(None, "Validation data; when empty a seeded split of the training data is used.")
    test: str | None = knob(None, "Test data for the final evaluation; when empty the validation data is used.")
    format: str = knob("auto", "File format; 'auto' decides from the extension and content.",
                       choices=("auto", "csv", "tsv", "json", "jsonl", "parquet", "txt", "conll", "squad"),
                       advanced=True)
    text_column: str = knob("text", "Column holding the input text.", label="Text column")
    text_pair_column: str | None = knob(None, "Optional second text column (sentence pairs).", advanced=True)
    label_column: str = knob("label", "Column holding the label.", label="Label column")
    hub_subset: str | None = knob(None, "Hub datasets: the configuration (subset) name.", advanced=True)
    max_length: int = knob(128, "Tokens per example (longer inputs are truncated); block size for packed text.",
                           min=8, max=32768, label="Max length")
    max_train_samples: int | None = knob(None, "Use a seeded random subset of this many training rows.", min=1)
    max_eval_samples: int | None = knob(None, "Use at most this many validation/test rows.", min=1, advanced=True)
    validation_split: float = knob(0.1, "Share of training rows held out for validation when no validation "
                                   "data is given.", min=0.01, max=0.5, advanced=True)
    skip_empty: bool = knob(False, "Drop rows with empty text instead of refusing the dataset.", advanced=True)
    streaming: bool = knob(False, "Read the training data as a stream (files larger than memory, hub datasets): "
                           "nothing is read whole or cached; causal-LM data is packed into full blocks, other tasks keep one "
                           "example per row, grouped by length (multitask does not stream). Needs train.max_steps (a "
                           "stream has no epochs).", advanced=True, label="Stream the data")
    shuffle_buffer: int = knob(10000, "Streaming: rows held in the shuffle buffer (0: the stream's own order).",
                               min=0, max=10_000_000, advanced=True)
    stream_validation_rows: int = knob(200, "Streaming without data.validation: validation rows taken from the head "
                                       "of the stream (never trained on).", min=1, max=1_000_000, advanced=True)


@dataclass
class TrainConfig:
    epochs: float = knob(3.0, "Passes over the training data (ignored when max_steps is set).", min=0.0,
                         max=10000.0)
    max_steps: int | None = knob(None, "Optimizer steps to run; overrides epochs.", min=1)
    batch_size: int = knob(16, "Examples per optimizer step (before gradient accumulation).", min=1, max=65536,
                           label="Batch size")
    grad_accum: int = knob(1, "Micro-batches accumulated per optimizer step.", min=1, max=1024, advanced=True)
    lr: float = knob(5e-5, "Peak learning rate (AdamW).", min=0.0, max=1.0, label="Learning rate")
    weight_decay: float = knob(0.01, "AdamW weight decay (not applied to biases and norms).", min=0.0, max=1.0,
                               advanced=True)
    warmup_ratio: float = knob(0.06, "Share of steps with linear warm-up.", min=0.0, max=1.0, advanced=True)
    scheduler: str = knob("linear", "Learning-rate decay after warm-up.", choices=("linear", "cosine", "constant"),
                          advanced=True)
    max_grad_norm: float = knob(1.0, "Clip the global gradient norm to this (0 turns clipping off).", min=0.0,
                                advanced=True)
    eval_every: int = knob(0, "Evaluate every N steps (0: at the end of each epoch).", min=0, advanced=True)
    checkpoint_every: int = knob(0, "Save a resumable checkpoint every N steps (0: at each evaluation).", min=0,
                                 advanced=True)
    keep_checkpoints: int = knob(2, "How many recent checkpoints to keep.", min=1, max=100, advanced=True)
    early_stopping_patience: int = knob(0, "Stop after this many evaluations without improvement (0: off).",
                                        min=0, advanced=True)
    early_stopping_metric: str = knob("auto", "Metric watched for early stopping and the best model "
                                      "('auto': the task's main metric).", advanced=True)
    seed: int = knob(0, "Seed for data order, splits, initialisation and dropout.", min=0)
    on_nonfinite: str = knob("stop", "When the loss becomes NaN or infinite: 'stop' fails the run at that step (the "
                             "last checkpoint stays as it was); 'skip' drops that batch's update and goes on (the "
                             "run fails after 10 in a row).", choices=("stop", "skip"), advanced=True)
    precision: str = knob("auto", "Compute precision: 'auto' uses bf16 autocast where the device supports it.",
                          choices=("auto", "fp32", "bf16", "fp16"), advanced=True)
    device: str = knob("auto", "Where to train.", choices=("auto", "cpu", "cuda"), advanced=True)
    processes: int = knob(1, "Training processes (devices): above 1 the run is a supervised torchrun group, one "
                          "process per GPU (or CPU processes with gloo); batch_size stays the global batch.",
                          min=1, max=1024, label="Devices / processes", advanced=True)
    sharding: str = knob("none", "With several processes: 'fsdp' shards the weights, gradients and optimizer state "
                         "across them (torch FSDP, full shard, one unit per transformer block), for models that do "
                         "not fit one device; 'none' keeps a whole copy on each (DDP). Needs train.processes of 2 "
                         "or more (or accelerate's fsdp.yaml).", choices=("none", "fsdp"), advanced=True,
                         label="Sharding")
    log_every: int = knob(1, "Write a metrics line every N steps.", min=1, advanced=True)
    eval_batch_size: int | None = knob(None, "Batch size for evaluation (default: 2 x batch size).", min=1,
                                       advanced=True)
    group_by_length: bool = knob(True, "Batch examples of similar length together (less padding, faster).",
                                 advanced=True)
    gradient_checkpointing: bool = knob(False, "Recompute activations in the backward pass: less memory, about a "
                                        "third slower.", advanced=True)
    packing: bool = knob(False, "Classification on BERT-family encoders: pack several short examples into one row "
                         "with a block-diagonal attention mask (no compute on padding).", advanced=True)
    keep_freed_memory: bool = knob(True, "CPU on Linux (glibc): keep memory a step frees in the process for the "
                                   "next step instead of handing it back to the system and faulting it in again "
                                   "(MiniLM: 2-10 % faster on short texts, no change on long ones; the process keeps "
                                   "up to 512 MB of freed memory). Once on, it stays on for the process.",
                                   advanced=True)
    compile: bool = knob(False, "torch.compile the model (dynamic shapes): 3-12 % faster per step (MiniLM, CPU) "
                         "after 1-2 min of compiling, ~30 s when an earlier run compiled the same model (torch's "
                         "on-disk caches), so it pays only on runs of several thousand steps.",
                         advanced=True)
    report_to: list[str] = knob(factory=list, help="Also log the run to these trackers (metrics.jsonl is always "
                                "written): TensorBoard event files in the run folder, trackio's local store.",
                                choices=("tensorboard", "trackio"), advanced=True, label="Report to")


@dataclass
class OutputConfig:
    runs_dir: str = knob("runs", "Folder holding run folders and the run registry.", label="Runs folder")
    run_name: str | None = knob(None, "Readable prefix for the run id.")
    save_model: bool = knob(True, "Save the final model in the run folder (safetensors).", advanced=True)
