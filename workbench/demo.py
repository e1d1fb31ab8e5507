"""Guided demo stories: one click starts a few ORDINARY runs through the JobManager (they show in Runs and every
tab can open them), in order, then puts the results side by side. No gradio here: the Demo tab only asks a
`DemoRunner` what is happening and shows it.

Stories
  teacher   fine-tune the base model (teacher) -> distil a smaller student from it -> compare the two
  forget    full fine-tuning and L2-SP on the same data -> compare accuracy and retention of general knowledge
  scratch   a tiny GPT trained from nothing on plain text, in stages, with samples written after each stage

`DemoSettings` holds every budget and model, so tests run the stories on tiny models and the app can take them
from a YAML file (`python app.py --demo-settings demo.yaml`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml

from . import store
from .config import RunConfig
from .errors import ConfigError, WorkbenchError
from .evaluate.compare import answer_all, compare

STORIES = ("teacher", "forget", "scratch")


@dataclass
class DemoSettings:
    """Budgets and models of the stories (defaults: a few minutes each on a 2-core CPU)."""
    model: str = "minilm"                 # the pre-trained model of stories 1 and 2
    data: str = "builtin:sentiment"       # their labelled data
    test: str | None = None               # their test data (default: the data's own test split)
    max_length: int = 64
    batch_size: int = 16
    lr: float = 5e-5
    teacher_steps: int = 80
    student_steps: int = 80
    student_layers: str = "every:2"       # the student keeps every 2nd block of the teacher (half its depth)
    student_lr: float = 1e-4
    forget_steps: int = 80
    forget_lr: float = 1e-4
    l2sp_weight: float = 0.1
    scratch_model: str = "gpt-tiny"
    text: str = "builtin:text"            # the plain text the tiny GPT learns from
    scratch_stages: list = field(default_factory=lambda: [40, 150, 400])   # total steps after each stage
    scratch_batch_size: int = 16
    scratch_max_length: int = 64
    scratch_lr: float = 2e-3
    precision: str = "auto"
    eval_examples: int | None = 200       # test examples in the side-by-side comparison
    log_every: int = 5

    @classmethod
    def from_dict(cls, data: dict | None, source: str = "demo settings") -> "DemoSettings":
        data = dict(data or {})
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(source, f"unknown demo setting(s) {', '.join(unknown)}; known: "
                              f"{', '.join(sorted(names))}")
        out = cls(**data)
        stages = out.scratch_stages
        if not stages or any(not isinstance(s, int) or s < 1 for s in stages) or sorted(set(stages)) != stages:
            raise ConfigError(f"{source}: scratch_stages", "must be increasing step counts such as [40, 150, 400]")
        return out

    @classmethod
    def load(cls, path: str | Path) -> "DemoSettings":
        p = Path(path)
        if not p.is_file():
            raise ConfigError("", f"demo settings file {str(p)!r} not found; give a YAML file of DemoSettings fields")
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise ConfigError(str(p), f"not valid YAML ({e}); fix the file") from None
        if data is not None and not isinstance(data, dict):
            raise ConfigError(str(p), "expected a mapping of demo settings (e.g. 'teacher_steps: 20')")
        return cls.from_dict(data, str(p))

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------------------------
# The runs of each story: (stage key, function(settings, runs_dir, earlier run ids) -> RunConfig or a resume)
def _train(s: DemoSettings, steps: int, lr: float) -> dict:
    return {"max_steps": steps, "batch_size": s.batch_size, "lr": lr, "precision": s.precision, "seed": 0,
            "log_every": s.log_every, "warmup_ratio": 0.1}


def _cls(s: DemoSettings, runs_dir, name: str, strategy: list, steps: int, lr: float, model: str | None = None
         ) -> RunConfig:
    data = {"train": s.data, "max_length": s.max_length}
    if s.test:
        data["test"] = s.test
    return RunConfig.from_dict({"task": "classification", "model": {"name": model or s.model}, "data": data,
                                "strategy": strategy, "train": _train(s, steps, lr),
                                "output": {"runs_dir": str(runs_dir), "run_name": name}})


def _teacher(s, runs_dir, ids):
    return _cls(s, runs_dir, "demo-teacher", [{"name": "full"}], s.teacher_steps, s.lr)


def _student(s, runs_dir, ids):
    teacher = str(Path(runs_dir) / ids[0])
    return _cls(s, runs_dir, "demo-student", [{"name": "distill", "teacher": teacher, "alpha": 0.7,
                                               "temperature": 2.0, "student_layers": s.student_layers}],
                s.student_steps, s.student_lr, model=s.model)


def _full(s, runs_dir, ids):
    return _cls(s, runs_dir, "demo-full", [{"name": "full"}], s.forget_steps, s.forget_lr)


def _l2sp(s, runs_dir, ids):
    return _cls(s, runs_dir, "demo-l2sp", [{"name": "l2sp", "weight": s.l2sp_weight}], s.forget_steps, s.forget_lr)


def _scratch(s, runs_dir, ids):
    return RunConfig.from_dict({
        "task": "causal_lm", "model": {"name": s.scratch_model, "tokenizer": "bpe", "vocab_size": 2048},
        "data": {"train": s.text, "max_length": s.scratch_max_length},
        "strategy": [{"name": "full"}],
        "train": {"max_steps": s.scratch_stages[0], "batch_size": s.scratch_batch_size, "lr": s.scratch_lr,
                  "precision": s.precision, "seed": 0, "log_every": s.log_every, "warmup_ratio": 0.05,
                  "scheduler": "constant"},
        "output": {"runs_dir": str(runs_dir), "run_name": "demo-scratch"}})


def stages(story: str, s: DemoSettings) -> list[tuple[str, object]]:
    """The ordered runs of a story. A stage is (key, builder); a builder returning ('resume', run_id, overrides)
    continues an earlier run instead of starting a new one."""
    if story == "teacher":
        return [("teacher", _teacher), ("student", _student)]
    if story == "forget":
        return [("full", _full), ("l2sp", _l2sp)]
    if story == "scratch":
        out = [("scratch", _scratch)]
        for total in s.scratch_stages[1:]:
            out.append(("more", lambda s_, r, ids, total=total: ("resume", ids[0], [f"train.max_steps={total}"])))
        return out
    raise WorkbenchError(f"unknown demo story {story!r}; choose one of {', '.join(STORIES)}")


# ---------------------------------------------------------------------------------------------------------------
class DemoRunner:
    """Runs one story at a time in a background thread; `state()` is what the page shows. One per app."""

    def __init__(self, manager, runs_dir: str | Path = "runs", settings: DemoSettings | None = None, cache=None,
                 poll_s: float = 0.2):
        self.manager = manager
        self.runs_dir = Path(runs_dir)
        self.settings = settings or DemoSettings()
        self.cache = cache
        self.poll_s = poll_s
        self._lock = threading.Lock()
        self._state: dict = {"story": None, "phase": "idle"}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- control ------------------------------------------------------------------------------------------
    def start(self, story: str) -> dict:
        plan = stages(story, self.settings)
        with self._lock:
            if self._state.get("phase") in ("running", "comparing"):
                raise WorkbenchError(f"the story {self._state['story']!r} is still going; stop it first")
            self._stop.clear()
            self._state = {"story": story, "phase": "running", "stage": 0, "stages": len(plan),
                           "stage_key": plan[0][0], "run_ids": [], "current_run": None, "result": None,
                           "error": None, "started": time.time(), "finished": None, "snapshots": []}
            self._thread = threading.Thread(target=self._go, args=(story, plan), name=f"demo-{story}", daemon=True)
            self._thread.start()
            return dict(self._state)

    def stop(self) -> None:
        """Stop the story: the run training now is cancelled and no later run starts."""
        self._stop.set()
        run_id = self._state.get("current_run")
        if run_id and self._state.get("phase") == "running":
            try:
                self.manager.cancel(run_id)
            except WorkbenchError:
                pass

    def wait(self, timeout: float | None = None) -> dict:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.state()

    def state(self) -> dict:
        with self._lock:
            return {k: (list(v) if isinstance(v, list) else v) for k, v in self._state.items()}

    def _set(self, **changes) -> None:
        with self._lock:
            self._state.update(changes)

    # ---- the story ----------------------------------------------------------------------------------------
    def _go(self, story: str, plan) -> None:
        try:
            ids: list[str] = []
            for i, (key, build) in enumerate(plan):
                if self._stop.is_set():
                    return self._set(phase="stopped", finished=time.time())
                self._set(stage=i, stage_key=key)
                made = build(self.settings, self.runs_dir, ids)
                if isinstance(made, tuple):     # continue an earlier run
                    run_id = self.manager.resume(made[1], self.runs_dir, overrides=made[2])
                else:
                    run_id = self.manager.submit(made)
                    ids.append(run_id)
                self._set(current_run=run_id, run_ids=list(ids))
                state = self._wait_run(run_id)
                if state != "completed":
                    summary = store.read_json(store.RunPaths(self.runs_dir / run_id).summary, {}) or {}
                    if self._stop.is_set() or state in ("cancelled", "stopped"):
                        return self._set(phase="stopped", finished=time.time())
                    return self._set(phase="failed", error=f"run {run_id}: {summary.get('error') or state}",
                                     finished=time.time())
                if story == "scratch":
                    self._add_snapshot(run_id)
            self._set(phase="comparing", current_run=None)
            result = self._compare(story, ids)
            self._set(phase="done", result=result, finished=time.time())
        except Exception as e:   # the page shows the message; the runs themselves are in Runs
            self._set(phase="failed", error=f"{type(e).__name__}: {e}" if not isinstance(e, WorkbenchError)
                      else str(e), finished=time.time())

    def _wait_run(self, run_id: str) -> str:
        while True:
            state = self.manager.wait(run_id, self.poll_s)
            if state not in store.ACTIVE:
                return state

    def _add_snapshot(self, run_id: str) -> None:
        summary = store.read_json(store.RunPaths(self.runs_dir / run_id).summary, {}) or {}
        m = summary.get("metrics") or {}
        snap = {"step": m.get("steps"), "bpc": m.get("eval_bpc"), "perplexity": m.get("eval_perplexity"),
                "samples": summary.get("samples") or []}
        with self._lock:
            self._state["snapshots"] = [*self._state.get("snapshots", []), snap]

    def _compare(self, story: str, ids: list[str]) -> dict:
        refs = [str(self.runs_dir / i) for i in ids]
        if story == "scratch":
            return {"runs": ids, "refs": refs, "snapshots": self.state()["snapshots"]}
        result = compare(refs, runs_dir=self.runs_dir, max_examples=self.settings.eval_examples,
                                  retention=story == "forget", memory=False, cache=self.cache)
        labels = {"teacher": ("teacher", "student"), "forget": ("full", "l2sp")}[story]
        for row, label in zip(result["models"], labels):
            row["role"] = label
        return {"runs": ids, "refs": refs, "comparison": result}

    # ---- the input box ------------------------------------------------------------------------------------
    def answer(self, text: str) -> list[dict]:
        """Every model of the finished story answers `text` (a sentence to classify, or a prompt to continue)."""
        result = self.state().get("result")
        if not result:
            raise WorkbenchError("no finished story yet: start one and wait for the side-by-side view")
        if not text or not text.strip():
            raise WorkbenchError("type a sentence for the models to answer")
        refs = result["refs"][-1:] if self.state().get("story") == "scratch" else result["refs"]
        return answer_all(refs, text.strip(), runs_dir=self.runs_dir, cache=self.cache)
