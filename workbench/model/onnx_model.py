"""ONNX export of a model's task outputs, and `OrtModel`: the exported graph under onnxruntime behind the small
interface the tasks use (model(**batch).logits, .config, .eval(), .generate()), so an ONNX export is evaluated,
timed and compared by the same code as the PyTorch model it came from."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from .anatomy import unwrap
from ..errors import ModelError
from transformers import AutoConfig

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
SKIP_OUTPUTS = ("loss", "hidden_states", "attentions", "past_key_values", "cross_attentions")
OPSET = 17


class _Graph(torch.nn.Module):
    """The traced function: positional int64 inputs -> the task's output tensors, in a fixed order."""

    def __init__(self, hf, inputs: list[str], outputs: list[str], causal: bool):
        super().__init__()
        self.hf, self.inputs, self.outputs = hf, inputs, outputs
        self.extra = {"use_cache": False} if causal else {}

    def forward(self, *args):
        out = self.hf(**dict(zip(self.inputs, args)), **self.extra)
        return tuple(out[k] for k in self.outputs)


def _float_outputs(out) -> dict[str, torch.Tensor]:
    return {k: v for k, v in out.items() if torch.is_tensor(v) and k not in SKIP_OUTPUTS}


@torch.no_grad()
def export_onnx(model, batch: dict[str, torch.Tensor], path: Path, causal: bool = False) -> dict:
    """Trace the transformers model inside `model` on `batch` (a few rows of different lengths) into an ONNX file
    with dynamic batch and sequence axes. `causal`: a causal LM (traced without its KV cache). Task wrappers (a
    CRF) are re-applied when loading."""
    hf = unwrap(model).float().eval()
    names = [k for k in INPUTS if k in batch]
    extra = {"use_cache": False} if causal else {}
    first = _float_outputs(hf(**{k: batch[k] for k in names}, **extra))
    # Which output axes follow the sequence length: run once more with one padding position added.
    pad = {k: torch.cat([batch[k], batch[k][:, -1:] * (0 if k != "input_ids" else 1)], 1) for k in names}
    second = _float_outputs(hf(**pad, **extra))
    outputs = list(first)
    axes = {k: {0: "batch", 1: "sequence"} for k in names}
    for k in outputs:
        axes[k] = {0: "batch", **{d: "sequence" for d in range(1, first[k].ndim)
                                  if first[k].shape[d] != second[k].shape[d]}}
    with warnings.catch_warnings():                 # tracer notes about Python-side shape checks
        warnings.simplefilter("ignore")
        torch.onnx.export(_Graph(hf, names, outputs, causal).eval(), tuple(batch[k] for k in names), str(path),
                          input_names=names, output_names=outputs, dynamic_axes=axes, opset_version=OPSET,
                          dynamo=False)
    facts = {"inputs": names, "outputs": outputs, "opset": OPSET, "causal": causal,
             "dynamic_axes": {k: list(v.values()) for k, v in axes.items()}}
    (Path(path).parent / "onnx.json").write_text(json.dumps(facts, indent=2))
    return facts


class OrtModel(torch.nn.Module):
    """An exported graph run by onnxruntime (CPU), with the thread count torch uses, so timings compare."""

    def __init__(self, folder: str | Path, threads: int | None = None):
        super().__init__()
        import onnxruntime as ort   # lazy: optional; only for ONNX models
        folder = Path(folder)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        try:
            self.session = ort.InferenceSession(str(folder / "model.onnx"), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as e:   # onnxruntime raises its own exception types
            raise ModelError(f"onnxruntime cannot load {folder / 'model.onnx'}: {e}") from None
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.config = AutoConfig.from_pretrained(str(folder))
        facts = json.loads((folder / "onnx.json").read_text()) if (folder / "onnx.json").is_file() else {}
        self.causal = bool(facts.get("causal"))
        self.anchor = torch.nn.Parameter(torch.zeros(0), requires_grad=False)   # tells callers the device: cpu

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, labels=None, start_positions=None,
                end_positions=None, **ignored):
        given = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        defaults = {"attention_mask": torch.ones_like(input_ids), "token_type_ids": torch.zeros_like(input_ids)}
        feed = {n: (given[n] if given[n] is not None else defaults[n]).detach().cpu().numpy().astype(np.int64)
                for n in self.input_names}
        outs = self.session.run(self.output_names, feed)
        out = SimpleNamespace(**{n: torch.from_numpy(o) for n, o in zip(self.output_names, outs)})
        out.loss = self._loss(out, labels, start_positions, end_positions)
        return out

    def _loss(self, out, labels, start, end):
        """The loss transformers' heads compute from these outputs (the tasks' evaluate reads it)."""
        ce = torch.nn.functional.cross_entropy
        if start is not None and end is not None and hasattr(out, "start_logits"):   # span QA
            n = out.start_logits.shape[1]
            return (ce(out.start_logits, start.cpu().clamp(0, n), ignore_index=n)
                    + ce(out.end_logits, end.cpu().clamp(0, n), ignore_index=n)) / 2
        if labels is None or not hasattr(out, "logits"):
            return None
        logits, labels = out.logits.float(), labels.cpu()
        if self.causal:                                              # next-token prediction: shift by one
            return ce(logits[:, :-1].flatten(0, 1), labels[:, 1:].flatten(), ignore_index=-100)
        if logits.ndim == 2 and logits.shape[1] == 1:                # a regression head
            return torch.nn.functional.mse_loss(logits.squeeze(-1), labels.float())
        return ce(logits.flatten(0, -2), labels.flatten(), ignore_index=-100)

    @torch.no_grad()
    def generate(self, input_ids, attention_mask=None, max_new_tokens: int = 20, do_sample: bool = False,
                 temperature: float | None = None, top_k: int | None = None, pad_token_id=None, **ignored):
        """Greedy or temperature / top-k sampling, one token at a time; the graph has no KV cache, so each step
        reruns the prefix (fine for the short samples of the interactive views)."""
        ids = input_ids
        limit = getattr(self.config, "n_positions", None) or getattr(self.config, "max_position_embeddings", 10**9)
        eos = self.config.eos_token_id
        for _ in range(max_new_tokens):
            if ids.shape[1] >= limit:
                break
            logits = self(ids, torch.ones_like(ids)).logits[:, -1, :].float()        # (B, V)
            if do_sample:
                logits = logits / max(temperature or 1.0, 1e-6)
                if top_k:
                    kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, -float("inf"))
                nxt = torch.multinomial(logits.softmax(-1), 1)
            else:
                nxt = logits.argmax(-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=1)
            if eos is not None and bool((nxt == eos).all()):
                break
        return ids
