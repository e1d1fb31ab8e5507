"""RunConfig: YAML round-trip, overrides, validation messages that name the field, presets that load."""

from pathlib import Path

import pytest
import yaml

from workbench.config import RunConfig, apply_overrides
from workbench.errors import ConfigError
from workbench.options import describe

REPO = Path(__file__).resolve().parents[1]

ISSUE_EXAMPLE = """
task: classification
model: {name: minilm}                 # catalogue key, local folder, or hub id
data: {train: path/train.csv, test: path/test.csv, text_column: text, label_column: label, max_length: 128}
strategy: [{name: full}]
train: {max_steps: 150, batch_size: 32, lr: 5.0e-5, seed: 0}
output: {runs_dir: runs}
"""


def test_issue_example_parses_and_round_trips():
    cfg = RunConfig.from_yaml(ISSUE_EXAMPLE)
    assert cfg.task.name == "classification" and cfg.model.name == "minilm"
    assert cfg.data.train == "path/train.csv" and cfg.data.max_length == 128
    assert cfg.train.max_steps == 150 and cfg.train.lr == 5e-5 and cfg.strategy_names() == ["full"]
    again = RunConfig.from_yaml(cfg.to_yaml())
    assert again.to_dict() == cfg.to_dict()


def test_defaults_are_the_embedded_default():
    cfg = RunConfig()
    assert (cfg.task.name, cfg.model.name, cfg.data.train, cfg.strategy_names()) == \
        ("classification", "minilm", "builtin:sentiment", ["full"])
    assert RunConfig.from_yaml("{}").to_dict() == cfg.to_dict()


def test_overrides_with_dotted_paths_and_yaml_values():
    cfg = RunConfig.from_yaml(ISSUE_EXAMPLE, ["train.lr=3e-5", "data.max_length=64",
                                              "strategy=[{name: freeze, k: 2}]", "strategy.0.k=3"])
    assert cfg.train.lr == 3e-5 and cfg.data.max_length == 64
    assert cfg.strategy[0].name == "freeze" and cfg.strategy[0].options.k == 3


def test_string_5e_minus_5_is_a_float():
    # PyYAML reads "5e-5" (no dot) as a string; the config still gets a float
    assert RunConfig.from_yaml("train: {lr: 5e-5}").train.lr == 5e-5


def test_to_cli_reproduces_the_config():
    cfg = RunConfig.from_yaml(ISSUE_EXAMPLE, ["strategy=[{name: freeze, k: 2}]"])
    cmd = cfg.to_cli()
    overrides = [part.strip().strip("'") for part in cmd.split("--set")[1:]]
    assert RunConfig.from_yaml("{}", overrides).to_dict() == cfg.to_dict()


@pytest.mark.parametrize("text, field, words", [
    ("train: {lr: -1}", "train.lr", "below the minimum"),
    ("train: {batch_size: 0}", "train.batch_size", "below the minimum"),
    ("train: {precision: fp8}", "train.precision", "choose one of"),
    ("train: {lrr: 0.1}", "train.lrr", "known fields here"),
    ("trian: {lr: 0.1}", "trian", "sections are"),
    ("train: {max_steps: many}", "train.max_steps", "expected a whole number"),
    ("task: translation", "task", "unknown task 'translation'; available"),
    ("strategy: [{name: magic}]", "strategy.magic", "unknown strategy 'magic'; available"),
    ("strategy: [{name: freeze, kk: 1}]", "strategy.freeze.kk", "known fields here: k"),
    ("strategy: [{name: full}, {name: full}]", "strategy.full", "listed twice"),
    ("strategy: [{name: full}, {name: head_only}]", "strategy.head_only", "cannot be combined"),
    ("train: {epochs: 0}", "train.epochs", "above 0"),
])
def test_validation_names_the_field_and_the_fix(text, field, words):
    with pytest.raises(ConfigError) as e:
        RunConfig.from_yaml(text)
    assert e.value.field == field
    assert words in str(e.value)


def test_invalid_yaml_gives_line_and_column():
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d+, column \d+"):
        RunConfig.from_yaml("train:\n  lr: [1, 2\n")


def test_missing_config_file_message(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        RunConfig.load(tmp_path / "nope.yaml")


def test_override_syntax_errors():
    with pytest.raises(ConfigError, match="section.field=value"):
        apply_overrides({}, ["train.lr"])
    with pytest.raises(ConfigError, match="unknown section"):
        apply_overrides({}, ["nope.lr=1"])


def test_every_knob_has_help_and_a_label():
    from workbench.config import DataConfig, ModelConfig, OutputConfig, TrainConfig
    from workbench.strategies import STRATEGIES
    from workbench.tasks import TASKS
    classes = [ModelConfig, DataConfig, TrainConfig, OutputConfig] + \
        [c.Options for _, c in STRATEGIES.items()] + [c.Options for _, c in TASKS.items()]
    for cls in classes:
        for f in describe(cls):
            assert f.help and f.label, f"{cls.__qualname__}.{f.name} needs help text"


@pytest.mark.parametrize("preset", sorted(p.name for p in (REPO / "assets" / "presets").glob("*.yaml")
                                           if not p.name.startswith("study-")))   # studies: test_study.py
def test_presets_load(preset):
    cfg = RunConfig.load(REPO / "assets" / "presets" / preset)
    assert yaml.safe_load(cfg.to_yaml())["task"]
