"""Sparse-aware saving of a pruned model: each weight matrix with enough zeros is stored as a bit mask (1 bit per
entry, numpy packbits) plus its non-zero values, so a matrix of sparsity s takes 1/32 + (1 − s) of its dense fp32
size (0.53× at 50 %, 0.13× at 90 %). Other tensors are stored dense. Loading rebuilds the dense tensors exactly
(the compression is lossless), so metrics equal the dense pruned run's.

    model.safetensors   {name}.mask (uint8, packed bits, row-major), {name}.values (non-zeros in order); dense rest
    sparsity.json       per-tensor shapes and sparsity, the overall sparsity of the prunable weights
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .tensors_io import load_rebuilt, non_persistent_buffers
from safetensors.torch import save_file

MIN_SPARSITY = 0.05   # below this a matrix is cheaper stored dense


def sparsity_of(model: torch.nn.Module) -> dict:
    """Share of exact zeros over the weight matrices (2-D tensors: where pruning acts), overall and per tensor."""
    zeros = total = 0
    per = {}
    seen = set()
    for name, p in model.named_parameters():
        if p.ndim < 2 or p.data_ptr() in seen:
            continue
        seen.add(p.data_ptr())
        z = int((p.detach() == 0).sum())
        per[name] = z / p.numel()
        zeros, total = zeros + z, total + p.numel()
    return {"sparsity": zeros / max(total, 1), "zeros": zeros, "prunable": total, "per_tensor": per}


def save_sparse(model: torch.nn.Module, folder: Path) -> dict:
    """Write model.safetensors + sparsity.json; returns the sparsity facts."""
    facts = sparsity_of(model)
    tensors, sparse, aliases, seen = {}, {}, {}, {}
    buffers = non_persistent_buffers(model)
    for key, t in list(model.state_dict().items()) + list(buffers.items()):
        if t.data_ptr() in seen and t.numel() > 0:                  # tied weights: store once
            aliases[key] = seen[t.data_ptr()]
            continue
        seen[t.data_ptr()] = key
        t = t.detach().cpu().contiguous()
        share = float((t == 0).sum()) / max(t.numel(), 1)
        if t.ndim >= 2 and t.is_floating_point() and share >= MIN_SPARSITY:
            nz = (t != 0).flatten()                                  # (N,) bool, row-major
            tensors[f"{key}.mask"] = torch.from_numpy(np.packbits(nz.numpy()))
            tensors[f"{key}.values"] = t.flatten()[nz].contiguous()
            sparse[key] = {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                           "sparsity": round(share, 6)}
        else:
            tensors[key] = t
    save_file(tensors, str(Path(folder) / "model.safetensors"), metadata={"format": "pt", "workbench": "sparse"})
    spec = {"format": "workbench-sparse", "version": 1, "encoding": "bitmask + non-zero values",
            "sparsity": round(facts["sparsity"], 6), "zeros": facts["zeros"], "prunable": facts["prunable"],
            "sparse_tensors": sparse, "aliases": aliases, "buffers": sorted(buffers)}
    (Path(folder) / "sparsity.json").write_text(json.dumps(spec, indent=2))
    return spec


def load_sparse(folder: str | Path, auto_class: str) -> torch.nn.Module:
    """Rebuild the dense model of a sparse export: the architecture from config.json on the meta device, every
    tensor from the file."""
    return load_rebuilt(folder, auto_class, "sparsity.json", "pruned export", "export it again", _restore_dense)


def _restore_dense(model: torch.nn.Module, spec: dict, tensors: dict) -> list[str]:
    """Each sparse tensor's bit mask + non-zero values back into its dense tensor (no module is rebuilt)."""
    for key, meta in spec["sparse_tensors"].items():
        shape = meta["shape"]
        n = int(np.prod(shape))
        nz = torch.from_numpy(np.unpackbits(tensors.pop(f"{key}.mask").numpy(), count=n).astype(bool))
        dense = torch.zeros(n, dtype=getattr(torch, meta["dtype"]))
        dense[nz] = tensors.pop(f"{key}.values")
        tensors[key] = dense.view(shape)
    return []
