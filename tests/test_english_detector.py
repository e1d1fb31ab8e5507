"""The detector the Chinese completeness browser test uses (tests/_english.py): it catches the English the issue
found in the Chinese page, and lets identifiers, model names and numbers through."""

from __future__ import annotations

from _english import code_names, english_words, leftovers


def test_catches_the_three_examples_of_the_issue():
    allowed = code_names()
    for text in ("all-MiniLM-L6-v2: a pre-trained 6-layer BERT sentence encoder (22.7M parameters, hidden 384), "
                 "bundled with the install so it works offline.",
                 "The curves appear when training starts",
                 "Metrics appear after the first evaluation",
                 "Full-precision transformers folder (safetensors + tokenizer); adapters merged into the base. "
                 "Loads with a plain transformers pipeline."):
        assert english_words(text, allowed), text
    assert leftovers(["模型已加载", "sentence encoder"], allowed) == ["'sentence encoder'  <- ['sentence', 'encoder']"]


def test_lets_identifiers_names_and_numbers_through():
    allowed = code_names()
    for text in ("基于 MiniLM 的 full 微调（bf16）", "学习率 5e-05 · 第 12 / 100 步", "gpt-tiny：从零构建的 4 层 GPT-2",
                 "train.max_steps=60", "runs/demo-teacher-20261206-101010-ab12", "l2sp · eval_accuracy 0.91",
                 "English", "简体中文", "AdamW · LoRA · QLoRA · YAML", "builtin:sentiment",
                 "20261206-172240-3bed", "20261206-101010-cafe · 已完成"):   # run ids' random hex tails
        assert english_words(text, allowed) == [], text
