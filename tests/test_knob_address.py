"""One address per knob: `strategy.<name>.<knob>` in --set, in YAML, in every error message and in the form; the
positional `strategy.0.<knob>` stays as an alias. Shared knobs (the KD α and τ) are declared once."""

from __future__ import annotations

import dataclasses

import pytest

from workbench.cli import main
from workbench.config import RunConfig
from workbench.errors import ConfigError
from workbench.strategies import STRATEGIES


def test_set_by_name_adds_or_edits_the_named_strategy():
    cfg = RunConfig.from_yaml("{}", ["strategy.l2sp.weight=0.5"])        # the default `full` means "no strategy"
    assert cfg.strategy_names() == ["l2sp"] and cfg.strategy[0].options.weight == 0.5
    cfg = RunConfig.from_yaml("strategy: [{name: freeze, k: 1}]",
                              ["strategy.l2sp.weight=0.3", "strategy.freeze.k=2", "strategy.llrd.decay=0.8"])
    assert cfg.strategy_names() == ["freeze", "l2sp", "llrd"]
    assert (cfg.strategy[0].options.k, cfg.strategy[1].options.weight, cfg.strategy[2].options.decay) == (2, 0.3, 0.8)
    alias = RunConfig.from_yaml("strategy: [{name: freeze, k: 1}]", ["strategy.0.k=2"])
    assert alias.to_dict() == RunConfig.from_yaml("strategy: [{name: freeze, k: 1}]", ["strategy.freeze.k=2"]).to_dict()


def test_yaml_keyed_by_name_reads_like_set():
    keyed = RunConfig.from_yaml("strategy: {l2sp: {weight: 0.3}, llrd: }")
    listed = RunConfig.from_yaml("strategy: [{name: l2sp, weight: 0.3}, {name: llrd}]")
    assert keyed.to_dict() == listed.to_dict()
    assert RunConfig.from_yaml(keyed.to_yaml()).to_dict() == keyed.to_dict()
    assert RunConfig.from_yaml("strategy: {l2sp: {weight: 0.3}}", ["strategy.l2sp.weight=0.2"]) \
        .strategy[0].options.weight == 0.2


@pytest.mark.parametrize("text, overrides, field, words", [
    ("{}", ["strategy.l2sp.weight=-1"], "strategy.l2sp.weight", "below the minimum"),
    ("{}", ["strategy.l2sp.wieght=1"], "strategy.l2sp.wieght", "known fields here: weight"),
    ("{}", ["strategy.distill.temperature=0"], "strategy.distill.temperature", "below the minimum"),
    ("{}", ["strategy.magic.x=1"], "strategy.magic", "unknown strategy 'magic'"),
    ("strategy: [full, head_only]", [], "strategy.head_only", "cannot be combined"),
    ("strategy: {freeze: {k: 0}}", [], "strategy.freeze.k", "k=0 freezes only the embeddings"),
    ("strategy: [{name: freeze, k: 1}]", ["strategy.3.k=2"], "strategy.3.k", "out of range"),
])
def test_every_error_names_the_knob_by_strategy_name(text, overrides, field, words):
    with pytest.raises(ConfigError) as e:
        RunConfig.from_yaml(text, overrides)
    assert e.value.field == field and words in str(e.value)


def test_cli_set_by_name(capsys):
    """`--set strategy.l2sp.weight=0.5` (a raw ValueError before) prints the config with it."""
    assert main(["config", "--set", "strategy.l2sp.weight=0.5"]) == 0
    out = capsys.readouterr().out
    assert RunConfig.from_yaml(out).strategy[0].options.weight == 0.5
    assert main(["config", "--set", "strategy.l2sp.weight=-2"]) == 2
    assert "strategy.l2sp.weight" in capsys.readouterr().err


def test_shared_kd_knobs_are_declared_once():
    distill = {f.name: f for f in dataclasses.fields(STRATEGIES.get("distill").Options)}
    mean_teacher = {f.name: f for f in dataclasses.fields(STRATEGIES.get("mean_teacher").Options)}
    for name in ("alpha", "temperature"):
        a, b = distill[name].metadata, mean_teacher[name].metadata
        assert a == b, name          # help, label and range from one declaration (only the defaults may differ)
    assert (distill["temperature"].default, mean_teacher["temperature"].default) == (2.0, 1.0)


def test_form_fields_carry_the_knobs_range_and_address():
    gr = pytest.importorskip("gradio")
    from workbench.options import describe
    from workbench.ui.form import Form
    form = Form("runs")
    with gr.Blocks():
        comps = form.knobs("strategy.l2sp", describe(STRATEGIES.get("l2sp").Options))
        train = form.section("train")
    assert "strategy.l2sp.weight" in form.paths()
    assert (comps["weight"].minimum, comps["weight"].maximum) == (0.0, 1e6)
    assert (train["batch_size"].minimum, train["batch_size"].maximum) == (1, 65536)
    assert (train["lr"].minimum, train["lr"].maximum) == (0.0, 1.0)
    with pytest.raises(gr.Error):      # an out-of-range value is refused at the field itself
        train["batch_size"].preprocess(0)
