"""Experiment trackers fed by the run's events (`train.report_to`): TensorBoard and trackio.

metrics.jsonl stays the run's own record; a tracker is one more listener of the same events (workbench.events):

    tensorboard   event files in <run>/tensorboard/: train/loss, train/<each loss term>, train/lr,
                  train/samples_per_s, <split>/<each metric>, and the config as text
                  (open with `tensorboard --logdir runs`)
    trackio       trackio's local store (TRACKIO_DIR, default ~/.cache/huggingface/trackio), project = the runs
                  folder's name, run name = run id; never a Space or a server (open with `trackio show --project runs`)

Only the process that writes the run folder logs (one process today; a multi-process launch keeps rank 0 only).
A tracker that fails to start or to write is reported once in the run's log and then left out: tracking never fails
a run.
"""

from __future__ import annotations

import os
from pathlib import Path

from .events import Eval, Finished, Started, Step

TRACKERS = ("tensorboard", "trackio")


def _numbers(metrics: dict) -> dict:
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def step_values(ev: Step) -> dict:
    """The scalars of one training step, under the names both trackers use."""
    out = {"train/loss": float(ev.loss), "train/lr": float(ev.lr), "train/samples_per_s": float(ev.samples_per_s),
           "train/epoch": float(ev.epoch)}
    out.update({f"train/{k}": float(v) for k, v in ev.terms.items()})
    return out


def eval_values(ev: Eval) -> dict:
    return {f"{ev.split}/{k}": v for k, v in _numbers(ev.metrics).items()}


class TensorBoardTracker:
    name = "tensorboard"

    def __init__(self, cfg, paths):
        from torch.utils.tensorboard import SummaryWriter  # lazy: heavy
        self.folder = Path(paths.root) / "tensorboard"
        self.cfg, self.writer = cfg, None
        self._writer_cls = SummaryWriter

    def handle(self, ev) -> None:
        if isinstance(ev, Started):
            # purge_step: a resumed run overwrites what came after its checkpoint instead of doubling the curves
            self.writer = self._writer_cls(str(self.folder), purge_step=ev.start_step or None)
            self.writer.add_text("config", "```yaml\n" + self.cfg.to_yaml() + "```", ev.start_step)
            return
        if self.writer is None:
            return
        if isinstance(ev, Step):
            for key, value in step_values(ev).items():
                self.writer.add_scalar(key, value, ev.step, walltime=ev.time)
        elif isinstance(ev, Eval):
            for key, value in eval_values(ev).items():
                self.writer.add_scalar(key, value, ev.step, walltime=ev.time)
        elif isinstance(ev, Finished):
            self.close()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class TrackioTracker:
    name = "trackio"

    def __init__(self, cfg, paths):
        for var in ("TRACKIO_SPACE_ID", "TRACKIO_SERVER_URL"):
            if os.environ.get(var):
                raise RuntimeError(f"{var} is set; the workbench logs to trackio's local store only (unset it)")
        import trackio  # lazy: optional tracker
        self.trackio, self.cfg, self.paths, self.run = trackio, cfg, paths, None

    def handle(self, ev) -> None:
        if isinstance(ev, Started):
            self.run = self.trackio.init(
                project=project_name(self.cfg.output.runs_dir), name=self.paths.run_id, config=self.cfg.to_dict(),
                space_id=None, server_url=None, resume="allow", embed=False, auto_log_gpu=False,
                auto_log_cpu=False)
            return
        if self.run is None:
            return
        if isinstance(ev, Step):
            self.run.log(step_values(ev), step=ev.step)
        elif isinstance(ev, Eval):
            values = eval_values(ev)
            if values:
                self.run.log(values, step=ev.step)
        elif isinstance(ev, Finished):
            self.close()

    def close(self) -> None:
        if self.run is not None:
            self.run.finish()
            self.run = None


def project_name(runs_dir) -> str:
    """trackio project of a runs folder: the folder's name ("runs")."""
    return Path(runs_dir).resolve().name or "runs"


class Tracking:
    """A listener that feeds the chosen trackers, then the next listener. A tracker that raises is logged once
    (through `log`) and dropped."""

    def __init__(self, trackers: list, downstream=None, log=None):
        self.trackers, self.downstream, self.log = list(trackers), downstream, log

    def __call__(self, ev) -> None:
        for tracker in list(self.trackers):
            try:
                tracker.handle(ev)
            except Exception as e:   # a tracker never fails the run
                self.trackers.remove(tracker)
                if self.log is not None:
                    self.log(f"{tracker.name}: logging stopped ({type(e).__name__}: {e})", "warning")
        if self.downstream is not None:
            self.downstream(ev)


def listener_for(cfg, paths, downstream=None, log=None):
    """The run's listener: `downstream` itself when report_to is empty, else a Tracking in front of it."""
    names = list(getattr(cfg.train, "report_to", None) or [])
    if not names:
        return downstream
    made = []
    for name in dict.fromkeys(names):
        try:
            made.append({"tensorboard": TensorBoardTracker, "trackio": TrackioTracker}[name](cfg, paths))
        except Exception as e:   # not installed, or pointed at the network
            if log is not None:
                log(f"{name}: not logging ({type(e).__name__}: {e})", "warning")
    return Tracking(made, downstream, log) if made else downstream
