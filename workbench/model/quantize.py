"""Int8 weights for CPU inference, saved and loaded without pickle.

Linear layers use torch's dynamic quantization: int8 weights with one scale per output channel, activations
quantized on the fly for each call, int8 GEMMs (fbgemm / oneDNN). `quantize_dynamic` leaves embedding matrices
in fp32, and in a BERT-sized model they are half the weights (MiniLM: 11.7M of 22.7M parameters), so they become
`Int8Embedding`: int8 rows with one fp32 scale per row, looked up and dequantized row by row (the matrix stays
int8 in memory too). The small task head stays fp32; a vocabulary-sized LM head is quantized like a Linear.

The saved folder:
    model.safetensors    int8 weights + scales of quantized modules, fp32 tensors for the rest
    quantization.json    which modules are quantized and how; `load_int8` rebuilds the model from it
    config.json          the transformers config (architecture, labels)
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from .tensors_io import load_rebuilt, non_persistent_buffers, under
from transformers.pytorch_utils import Conv1D
from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
from safetensors.torch import save_file
from torch.ao.nn.quantized.dynamic import Linear as QuantLinear

SCHEME = "linear: dynamic int8, per-output-channel symmetric weights; embeddings: int8 rows, fp32 scale per row"


class Int8Embedding(nn.Module):
    """An embedding table stored as int8 rows with one fp32 scale per row: weight[i] ≈ weight_int8[i] · scale[i].
    A lookup dequantizes only the rows it reads."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None):
        super().__init__()
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        self.register_buffer("weight_int8", torch.zeros(num_embeddings, embedding_dim, dtype=torch.int8))
        self.register_buffer("scale", torch.ones(num_embeddings))

    @classmethod
    def from_float(cls, emb: nn.Embedding) -> "Int8Embedding":
        w = emb.weight.detach().float()                              # (V, D)
        scale = w.abs().amax(dim=1).clamp_min(1e-12) / 127.0         # (V,) symmetric per row
        q = cls(w.shape[0], w.shape[1], emb.padding_idx)
        q.weight_int8.copy_(torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8))
        q.scale.copy_(scale)
        return q

    @property
    def weight(self) -> torch.Tensor:
        """The dequantized (V, D) matrix, for code that reads embedding weights directly."""
        return self.weight_int8.float() * self.scale[:, None]

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        # ids (...,) -> (..., D): gather int8 rows, then scale each by its own factor
        return F.embedding(ids, self.weight_int8).float() * self.scale[ids].unsqueeze(-1)


def conv1d_to_linear(model: nn.Module) -> list[str]:
    """Replace transformers' Conv1D (GPT-2's linear layers, weight stored (in, out)) by nn.Linear, so dynamic
    quantization sees them. Returns the replaced module names."""
    names = [n for n, m in model.named_modules() if isinstance(m, Conv1D)]
    for name in names:
        conv = model.get_submodule(name)
        lin = nn.Linear(conv.weight.shape[0], conv.nf)
        lin.weight.data = conv.weight.data.t().contiguous()
        lin.bias.data = conv.bias.data
        _set_module(model, name, lin)
    return names


def _set_module(model: nn.Module, name: str, module: nn.Module) -> None:
    parent, _, child = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, child, module)


def _quantize_linears(model: nn.Module, names: list[str]) -> None:
    with warnings.catch_warnings():   # torch.ao.quantization announces its move to torchao; it works here
        warnings.simplefilter("ignore")
        quantize_dynamic(model, {n: per_channel_dynamic_qconfig for n in names}, dtype=torch.qint8, inplace=True)


def quantize_int8(model: nn.Module, keep_fp32: set[str]) -> dict:
    """Quantize `model` in place (an fp32 copy the caller owns). `keep_fp32`: module names left in fp32 (the
    task head). Returns the spec saved as quantization.json."""
    model.eval()
    conv = conv1d_to_linear(model)
    embeddings = [n for n, m in model.named_modules() if isinstance(m, nn.Embedding) and not under(n, keep_fp32)]
    for name in embeddings:
        _set_module(model, name, Int8Embedding.from_float(model.get_submodule(name)))
    linears = [n for n, m in model.named_modules() if type(m) is nn.Linear and not under(n, keep_fp32)]
    _quantize_linears(model, linears)
    return {"format": "workbench-int8", "version": 1, "scheme": SCHEME, "linear": linears,
            "embedding": embeddings, "conv1d": conv, "fp32": sorted(keep_fp32)}


def save_int8(model: nn.Module, spec: dict, folder: Path) -> None:
    """Write model.safetensors + quantization.json (no pickle anywhere)."""
    linears = set(spec["linear"])
    tensors = {}
    for name in spec["linear"]:
        m = model.get_submodule(name)
        w = m.weight()                                               # per-channel qint8 tensor (out, in)
        tensors[f"{name}.weight.int8"] = w.int_repr().contiguous()
        tensors[f"{name}.weight.scale"] = w.q_per_channel_scales().float().contiguous()
        tensors[f"{name}.weight.zero_point"] = w.q_per_channel_zero_points().to(torch.int32).contiguous()
        if m.bias() is not None:
            tensors[f"{name}.bias"] = m.bias().detach().contiguous()
    aliases, seen = {}, {}
    buffers = non_persistent_buffers(model)
    for key, t in list(model.state_dict().items()) + list(buffers.items()):
        if under(key.rsplit(".", 1)[0], linears):
            continue                                                 # packed params: stored above
        ptr = (t.data_ptr(), t.dtype, tuple(t.shape))
        if ptr in seen:                                              # tied weights: save once
            aliases[key] = seen[ptr]
            continue
        seen[ptr] = key
        tensors[key] = t.detach().contiguous()
    save_file(tensors, str(Path(folder) / "model.safetensors"), metadata={"format": "pt", "workbench": "int8"})
    (Path(folder) / "quantization.json").write_text(json.dumps({**spec, "aliases": aliases,
                                                                "buffers": sorted(buffers)}, indent=2))


def load_int8(folder: str | Path, auto_class: str) -> nn.Module:
    """Rebuild a model saved by save_int8: the architecture from config.json on the meta device, the same module
    swaps, then every tensor from the file (no fp32 copy of the weights is ever made)."""
    return load_rebuilt(folder, auto_class, "quantization.json", "int8 export",
                        "export it again with `python -m workbench export RUN --format int8`", _restore_int8)


def _restore_int8(model: nn.Module, spec: dict, tensors: dict) -> list[str]:
    """The module swaps of quantize_int8 on the meta model, and the packed int8 linears from their tensors."""
    with torch.device("meta"):
        conv1d_to_linear(model)
        for name in spec["embedding"]:
            old = model.get_submodule(name)
            _set_module(model, name, Int8Embedding(old.num_embeddings, old.embedding_dim, old.padding_idx))
    for name in spec["linear"]:
        old = model.get_submodule(name)
        int8, scale, zp = (tensors.pop(f"{name}.weight.{k}") for k in ("int8", "scale", "zero_point"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = QuantLinear(old.in_features, old.out_features, bias_=old.bias is not None, dtype=torch.qint8)
        q.set_weight_bias(torch._make_per_channel_quantized_tensor(int8, scale.double(), zp.long(), 0),
                          tensors.pop(f"{name}.bias", None))
        _set_module(model, name, q)
    return spec["linear"]
