"""The one loader of the rebuilt saved forms (workbench.model.tensors_io.load_rebuilt): int8 and sparse exports are
read back through it with the same steps (spec, architecture on the meta device, the format's own restore, then
every other tensor from the file) and the same refusals, each naming the folder and the fix."""

from __future__ import annotations

import json

import pytest
import torch
import transformers
from safetensors.torch import load_file, save_file

from workbench.errors import ModelError
from workbench.model.quantize import load_int8, quantize_int8, save_int8
from workbench.model.sparse import load_sparse, save_sparse

AUTO = "AutoModelForSequenceClassification"


def _model(tiny_bert_dir):
    torch.manual_seed(0)
    return transformers.AutoModelForSequenceClassification.from_pretrained(tiny_bert_dir, num_labels=2).eval()


def _int8(model, folder):
    """Quantize `model` in place (the reloaded model must answer exactly as this one) and save it."""
    quantized = quantize_int8(model, {"classifier"})
    model.config.save_pretrained(str(folder))
    save_int8(model, quantized, folder)


def _sparse(model, folder):
    with torch.no_grad():
        for p in model.bert.encoder.parameters():
            if p.ndim == 2:
                p[:, ::2] = 0                                   # half of every encoder matrix is zero
    model.config.save_pretrained(str(folder))
    save_sparse(model, folder)


@pytest.mark.parametrize("fmt", ["int8", "sparse"])
def test_round_trip_and_refusals(fmt, tiny_bert_dir, tmp_path):
    write, load, spec_file = {"int8": (_int8, load_int8, "quantization.json"),
                              "sparse": (_sparse, load_sparse, "sparsity.json")}[fmt]
    model = _model(tiny_bert_dir)
    folder = tmp_path / fmt
    folder.mkdir()
    write(model, folder)
    ids = torch.tensor([[2, 5, 9, 13, 3]])
    back = load(folder, AUTO)
    assert not any(t.is_meta for t in [*back.parameters(), *back.buffers()])
    with torch.no_grad():
        expected, got = model(input_ids=ids).logits, back(input_ids=ids).logits
    assert torch.allclose(expected, got, atol=0 if fmt == "sparse" else 1e-6)   # the model as saved, exactly

    tensors = load_file(str(folder / "model.safetensors"))
    dropped = "bert.embeddings.LayerNorm.weight"
    save_file({k: v for k, v in tensors.items() if k != dropped}, str(folder / "model.safetensors"))
    with pytest.raises(ModelError, match=rf"in {folder} does not match its config \(missing \['{dropped}'\].*"
                                         "export it again"):
        load(folder, AUTO)

    (folder / spec_file).write_text("{not json")
    with pytest.raises(ModelError, match=rf"{folder} is not an? \w+ export \({spec_file} unreadable.*export it again"):
        load(folder, AUTO)
    json.loads((tmp_path / fmt / "config.json").read_text())      # the folder itself was left as it was
