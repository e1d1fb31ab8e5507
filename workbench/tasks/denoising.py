"""Denoising: reconstruct the original text from a corrupted copy (BART / T5 style pretraining).

Two model shapes:
- encoder-decoder (a hub BART or T5; AutoModelForSeq2SeqLM): the encoder reads the corrupted text, the decoder
  writes the original;
- decoder-only (gpt-tiny, any causal LM; AutoModelForCausalLM): one sequence "corrupted <sep> original <eos>"
  with the loss on the original part only (labels -100 on the corrupted text and the separator). <sep> is the
  tokenizer's separator token, else its end-of-sequence token.

Corruptions (`noise`, applied in the order listed; tasks/_noise.py): span masking (T5 sentinels when the
tokenizer has them, else its mask token; a tokenizer without one gets "<mask>" added and the embeddings grow by
one row), token deletion, local word shuffling, sentence shuffling. Training corruptions are drawn anew for every
batch from the trainer's seeded, checkpointed RNG; validation and test rows are corrupted once with fixed seeds,
so every evaluation scores the same inputs. Metrics: reconstruction loss (cross-entropy on the original's tokens,
teacher forcing), token accuracy of the reconstruction (argmax = original token), perplexity. predict: the text
is taken as the corrupted input ([MASK] or the mask token marks a gap); the model writes the reconstruction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from ..errors import ConfigError, DataError, ModelError
from ..options import knob
from . import TASKS, _masking
from ._noise import KINDS, Corruptor
from .base import Prediction, Task, autocast_of, model_device, pad_batch
from transformers import AutoConfig
from ..model import catalogue as models

EVAL_SEED = 4321   # fixed corruption of validation/test rows (row i uses EVAL_SEED + i)


@TASKS.register("denoising")
class Denoising(_masking.PlainText, Task):
    order = 50
    reads = "plain text, corrupted by span masking, deletion, word/sentence shuffling; seq2seq = a hub BART/T5 model"
    reports = "loss, reconstruction token accuracy, perplexity"
    summary = ("Denoising: reconstruct corrupted text (span masking, deletion, shuffling) with an encoder-decoder, "
               "or with a decoder reading 'corrupted → original'.")
    zh = {"summary": "去噪：用编码器-解码器重建被破坏的文本（片段掩码、删除、打乱），或用解码器读取“破坏文本 → 原文”。"}
    families = ("seq2seq", "decoder")
    auto_class = "AutoModelForCausalLM"    # set per model in setup(): AutoModelForSeq2SeqLM for encoder-decoders
    main_metric = "loss"
    greater_is_better = False
    pretrained_head = True   # a decoder reads it with its LM head (seq2seq models: their own)
    lm_head = "clm"          # set per model in setup(): None for encoder-decoders
    pipeline_tag = "text-generation"
    metric_directions = {"perplexity": "lower"}
    input_kind = "text"

    @dataclass
    class Options:
        noise: list[str] = knob(None, "Corruptions applied in this order: span_mask (gaps marked by one mask token "
                                "per span), delete (tokens dropped), word_shuffle (words moved at most "
                                "shuffle_window places), sentence_shuffle (sentences reordered).", choices=KINDS,
                                factory=lambda: ["span_mask"])
        ratio: float = knob(0.15, "Share of tokens masked (span_mask) or the chance each token is dropped (delete).",
                            min=0.01, max=0.9)
        mean_span: float = knob(3.0, "span_mask: mean length of a masked span, in tokens.", min=1.0, max=50.0)
        shuffle_window: int = knob(3, "word_shuffle: the farthest a word may move.", min=1, max=100, advanced=True)
        packing: bool = knob(True, "Cut the text into blocks that fill data.max_length (pretraining); off: each row "
                             "or line is one example, truncated.")
        max_new_tokens: int = knob(64, "Longest reconstruction generated for samples and the interactive box.",
                                   min=1, max=2048)

        zh = {   # the knobs' (label, help) in Chinese
            "noise": ("噪声类型", ("按此顺序施加的破坏：span_mask（每个片段的空缺用一个掩码词元标出）、"
                               "delete（丢弃词元）、word_shuffle（词最多移动 shuffle_window 个位置）、"
                               "sentence_shuffle（句子重新排序）。")),
            "ratio": ("噪声比例", "被掩码的词元比例（span_mask），或每个词元被丢弃的概率（delete）。"),
            "mean_span": ("平均片段长度", "span_mask：被掩码片段的平均长度（词元数）。"),
            "shuffle_window": ("打乱窗口", "word_shuffle：一个词最多能移动的距离。"),
            "packing": ("文本打包", ("把文本切成填满 data.max_length 的块（预训练）；关闭时每行为一个样本，"
                                 "超出部分截断。")),
            "max_new_tokens": ("最多生成词元", "样例和交互框中生成的重建文本的最大长度。"),
        }

    def __init__(self, options, data_cfg, model_cfg):
        super().__init__(options, data_cfg, model_cfg)
        if not options.noise:
            raise ConfigError("task.noise", "the list is empty; give at least one corruption (span_mask, delete, "
                              "word_shuffle, sentence_shuffle)")
        self.seq2seq = False
        self.corrupt: Corruptor | None = None

    # ---- data ---------------------------------------------------------------------------------------------
    # check, holdout, tokenizer_texts: _masking.PlainText (one text column, read line by line)

    # ---- model --------------------------------------------------------------------------------------------
    def _family(self, tokenizer) -> str:
        """The model's family, known before the model is built: a scratch preset's, else the config's beside the
        tokenizer (the tokenizer and the model come from the same folder or hub id)."""

        p = models.preset(self.model_cfg.name)
        if p is not None and p.kind == "scratch":
            return p.family
        try:
            config = AutoConfig.from_pretrained(tokenizer.name_or_path, revision=self.model_cfg.revision,
                                                trust_remote_code=self.model_cfg.trust_remote_code)
        except (OSError, ValueError):
            return "decoder"     # models.load reads the config itself and reports what is wrong with it
        return models.family(config)

    def setup(self, tokenizer) -> None:
        super().setup(tokenizer)
        family = self._family(tokenizer)
        if family not in self.families:
            return                   # models.load refuses the model with a message naming the families
        self.seq2seq = family == "seq2seq"
        self.auto_class = "AutoModelForSeq2SeqLM" if self.seq2seq else "AutoModelForCausalLM"
        self.lm_head = None if self.seq2seq else "clm"
        if "span_mask" in self.opts.noise and tokenizer.mask_token is None and \
                tokenizer.convert_tokens_to_ids("<extra_id_0>") in (None, tokenizer.unk_token_id):
            tokenizer.add_special_tokens({"mask_token": "<mask>"})   # saved with the tokenizer; see wrap_model
        if tokenizer.eos_token_id is None and not self.seq2seq:
            raise ModelError("the tokenizer has no end-of-sequence token, which ends a reconstruction; use a "
                             "causal LM tokenizer such as gpt-tiny's or an encoder-decoder")
        self.sep = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
        self.before, self.after = _masking.frame(tokenizer)
        if self.seq2seq and tokenizer.eos_token_id is not None and self.after[-1:] != [tokenizer.eos_token_id]:
            self.after = self.after + [tokenizer.eos_token_id]
        self.corrupt = Corruptor(tokenizer, self.opts.noise, self.opts.ratio, self.opts.mean_span,
                                 self.opts.shuffle_window)

    def wrap_model(self, model):
        if model.get_input_embeddings().weight.shape[0] < len(self.tokenizer):   # "<mask>" was added
            model.resize_token_embeddings(len(self.tokenizer), mean_resizing=False)
        return model

    # ---- encoding -----------------------------------------------------------------------------------------
    def budget(self) -> int:
        """Most tokens of original text per example: decoder-only models hold corrupted + sep + original + eos
        (a corruption is never longer than its original), encoder-decoders the original plus its frame."""
        L = self.data_cfg.max_length
        return (L - 2) // 2 if not self.seq2seq else L - len(self.before) - len(self.after)

    def encode(self, ds, split: str) -> list[dict]:
        texts = _masking.lines(ds, self.data_cfg.text_column)
        rows = [{"input_ids": ids} for ids in _masking.examples(self.tokenizer, texts, self.budget(),
                                                                 self.opts.packing, framed=False)]
        if not rows:
            raise DataError(f"the {split} text gives no example of at least 2 tokens")
        if split != "train":
            for i, r in enumerate(rows):
                r["corrupted"] = self.corrupt(r["input_ids"], random.Random(EVAL_SEED + i))
        return rows

    def features(self, corrupted: list[int], original: list[int]) -> dict:
        """Model inputs and labels for one (corrupted, original) pair."""
        if self.seq2seq:
            ids, labels = self.before + corrupted + self.after, self.before + original + self.after
        else:
            eos = self.tokenizer.eos_token_id
            ids = corrupted + [self.sep] + original + [eos]
            labels = [-100] * (len(corrupted) + 1) + original + [eos]
        return {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels}

    def collate(self, rows: list[dict]) -> dict[str, torch.Tensor]:
        rng = None
        if any("corrupted" not in r for r in rows):   # training rows: fresh corruption from the global RNG
            rng = random.Random(int(torch.randint(0, 2**31 - 1, (1,))))
        feats = [self.features(r["corrupted"] if "corrupted" in r else self.corrupt(r["input_ids"], rng),
                               r["input_ids"]) for r in rows]
        return pad_batch(feats, {"input_ids": self.tokenizer.pad_token_id, "labels": -100})

    # ---- evaluation ---------------------------------------------------------------------------------------
    def evaluate(self, model, rows, batch_size, ctx=None, split="validation"):
        total, correct, count = 0.0, 0, 0
        device = model_device(model)
        with torch.no_grad():
            for s in range(0, len(rows), batch_size):
                batch = {k: v.to(device) for k, v in self.collate(rows[s:s + batch_size]).items()}
                with autocast_of(ctx):
                    logits = model(**batch).logits.float()
                labels = batch["labels"]
                if not self.seq2seq:          # a decoder's logits at t predict the token at t + 1
                    logits, labels = logits[:, :-1], labels[:, 1:]
                at = labels != -100
                total += torch.nn.functional.cross_entropy(logits[at], labels[at], reduction="sum").item()
                correct += (logits[at].argmax(-1) == labels[at]).sum().item()
                count += int(at.sum())
        loss = total / max(count, 1)
        return {"loss": loss, "token_accuracy": correct / max(count, 1),
                "perplexity": float(torch.tensor(min(loss, 50.0)).exp())}, []

    @torch.no_grad()
    def predict(self, model, inputs, ctx=None, **kwargs) -> list[Prediction]:
        tok, out = self.tokenizer, []
        device = model_device(model)
        was_training = model.training
        model.eval()
        for x in inputs:
            text = x["text"] if isinstance(x, dict) else x
            if tok.mask_token:
                text = text.replace("[MASK]", tok.mask_token)
            ids = tok(text, add_special_tokens=False)["input_ids"][:self.budget()]
            if self.seq2seq:
                src = torch.tensor([self.before + ids + self.after], device=device)
                gen = model.generate(src, attention_mask=torch.ones_like(src), do_sample=False,
                                     max_new_tokens=self.opts.max_new_tokens)[0]
            else:
                src = torch.tensor([ids + [self.sep]], device=device)
                gen = model.generate(src, attention_mask=torch.ones_like(src), do_sample=False,
                                     max_new_tokens=self.opts.max_new_tokens, pad_token_id=tok.pad_token_id,
                                     eos_token_id=tok.eos_token_id)[0, src.shape[1]:]
            out.append(Prediction(tok.decode(gen, skip_special_tokens=True).strip(), None, {"input": text}))
        model.train(was_training)
        return out

    def example_inputs(self, ds, n=3):
        """Corrupted versions of the first lines (the same fixed corruption as the evaluation)."""
        texts = _masking.lines(ds, self.data_cfg.text_column)[:n]
        examples = _masking.examples(self.tokenizer, texts, self.budget(), packing=False, framed=False)
        return [self.tokenizer.decode(self.corrupt(ids, random.Random(EVAL_SEED + i)))
                for i, ids in enumerate(examples)]
