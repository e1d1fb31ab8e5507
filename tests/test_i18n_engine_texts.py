"""The engine's English texts the page shows — model descriptions and export format descriptions — have Chinese,
walked from the catalogue and the format table, so a new model or format without Chinese fails here by name."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("gradio")

from workbench.model import catalogue as models  # noqa: E402
from workbench.export.formats import FORMATS  # noqa: E402
from workbench.ui import i18n  # noqa: E402
from workbench.ui.i18n_demo import ENGINE_ZH  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", [p.key for p in models.CATALOGUE])
def test_every_catalogue_model_described_in_chinese(key):
    info = models.describe(key)
    zh = i18n.model_description(info, "zh")
    assert HAN.search(zh) and zh != info["description"], f"add model.desc.{key} to ENGINE_ZH in i18n_demo.py"
    assert i18n.model_description(info, "en") == info["description"]


def test_a_folder_model_gets_a_chinese_sentence(tiny_bert_dir):
    info = models.describe(tiny_bert_dir)
    zh = i18n.model_description(info, "zh")
    assert zh.startswith("编码器（类似 BERT）：bert 模型，来自 ") and tiny_bert_dir in zh


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_format_described_in_chinese(fmt):
    assert HAN.search(i18n.format_description(fmt, "zh")), f"add export.about.{fmt} to ENGINE_ZH in i18n_demo.py"
    assert i18n.format_description(fmt, "en") == FORMATS[fmt]


def test_no_stale_engine_translations():
    keys = {f"model.desc.{p.key}" for p in models.CATALOGUE} | {f"export.about.{f}" for f in FORMATS}
    stale = [k for k in ENGINE_ZH if k.startswith(("model.desc.", "export.about.")) and k not in keys
             and k not in ("model.desc.other", "model.desc.hub")]
    assert not stale, f"ENGINE_ZH entries for models or formats that do not exist: {stale}"


def test_every_demo_string_has_chinese():
    from workbench.ui.i18n_demo import DEMO_STRINGS
    for key, entry in DEMO_STRINGS.items():
        words = re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", entry["en"]))   # not a bare pattern like "{a}: {b}"
        assert entry["en"] and entry["zh"], f"{key}: needs English and Chinese in i18n_demo.py"
        assert HAN.search(entry["zh"]) or not words, f"{key}: the Chinese text is not Chinese"
        assert set(re.findall(r"\{(\w+)\}", entry["en"])) == set(re.findall(r"\{(\w+)\}", entry["zh"])), key
