"""The accelerate configs shipped in assets/accelerate/ (what README's scale-out section tells a user to copy): each
parses with accelerate's own loader and asks for what its comment says; the FSDP one makes the worker shard the
model (and refuse, before it loads anything, a strategy FSDP does not run); DeepSpeed is refused with the reason;
the launcher builds the accelerate command that README shows."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from test_processes import _with, bert_no_dropout, cfg_for  # noqa: F401 (fixtures)
from workbench.dist import launch
from workbench.dist.worker import unsupported

CONFIGS = Path(__file__).resolve().parent.parent / "assets" / "accelerate"
ROOT = CONFIGS.parent.parent


@pytest.mark.parametrize("name, kind", [("multi_cpu", "MULTI_CPU"), ("multi_gpu", "MULTI_GPU"),
                                        ("multi_node", "MULTI_GPU"), ("fsdp", "FSDP")])
def test_each_config_parses_with_accelerate(name, kind):
    from accelerate.commands.config.config_args import load_config_from_file
    cfg = load_config_from_file(str(CONFIGS / f"{name}.yaml"))
    assert cfg.distributed_type.value == kind
    assert cfg.num_processes >= 2 and str(getattr(cfg.mixed_precision, "value", cfg.mixed_precision)) == "no"
    if name == "fsdp":
        fsdp = cfg.fsdp_config
        assert fsdp["fsdp_auto_wrap_policy"] == "TRANSFORMER_BASED_WRAP"
        assert fsdp["fsdp_reshard_after_forward"] is True and fsdp["fsdp_state_dict_type"] == "FULL_STATE_DICT"
    if name == "multi_node":
        assert cfg.num_machines == 2 and cfg.main_process_ip


def test_deepspeed_is_refused_with_the_reason_and_fsdp_is_not():
    assert unsupported({}) is None and unsupported({"ACCELERATE_USE_FSDP": "true"}) is None
    why = unsupported({"ACCELERATE_USE_DEEPSPEED": "1"})
    assert "DeepSpeed" in why and "fsdp.yaml" in why


def test_accelerate_launch_with_the_fsdp_config_trains_sharded(cfg_for, tmp_path):
    """The real launcher with the shipped FSDP config (2 CPU ranks here, gloo): a run whose config says one process
    and no sharding trains sharded over both; a strategy FSDP does not run is refused by every rank (exit code 2)
    with the message naming train.sharding, before training."""
    from workbench import store
    paths = store.create_run(cfg_for(1, 2))
    cmd = launch.accelerate_command(CONFIGS / "fsdp.yaml", paths.root)
    assert cmd[1:5] == ["-m", "accelerate.commands.launch", "--config_file", str(CONFIGS / "fsdp.yaml")]
    assert cmd[-3:] == ["-m", "workbench.dist.worker", str(paths.root)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACCELERATE_CONFIG_FILE": str(tmp_path / "none.yaml")}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr[-3000:]
    summary = store.read_json(paths.summary)
    assert summary["status"] == "completed" and summary["world_size"] == 2
    assert "FSDP: full shard over 2 ranks" in paths.log.read_text()
    assert sorted(e["step"] for e in store.read_metrics(paths, ("step",))) == [1, 2]

    refused = store.create_run(_with(cfg_for(1, 2), [{"name": "adversarial"}]))
    out = subprocess.run(launch.accelerate_command(CONFIGS / "fsdp.yaml", refused.root), capture_output=True,
                         text=True, timeout=600, env=env, stdin=subprocess.DEVNULL)
    assert out.returncode != 0
    assert out.stderr.count("error: train.sharding: fsdp cannot run strategy 'adversarial'") == 2, out.stderr[-3000:]
    assert "exitcode  : 2" in out.stderr
    assert not (refused.root / "metrics.jsonl").exists() or not store.read_metrics(refused, ("step",))
