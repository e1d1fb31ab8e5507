"""Running a study: every row is a run submitted to the JobManager (so it shows on the Runs page and can be
stopped there), one at a time, seed by seed (all configurations at the first seed, then the next seed), so a study
stopped early still has every configuration once. Each finished run is scored by evaluate.compare on the same
split and with the same retention meter, text and masking seed as every other row; the base model is a row of its
own. results.json / results.csv / summary.csv / chart.html / chart.png are rewritten after every row, so the UI's
chart fills in as the study goes.

The study folder (`<runs_dir>/studies/<id>/`) is the only state: status.json says where it stands, and a STOP
file asks the runner to stop (it cancels the run in training and starts no other).
"""

from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path

import yaml

from ..errors import WorkbenchError
from . import chart, results
from .spec import Study, fill
from ..store import find_run, new_run_id, read_json
from ..data import read_utf8, resolve_source
from ..run import loop as trainer
from ..evaluate.refs import ModelCache
from ..evaluate.compare import compare
from ..config import RunConfig
from ..tasks import TASKS

TERMINAL = ("completed", "stopped", "failed")
POLL_S = 0.5


def studies_dir(runs_dir) -> Path:
    return Path(runs_dir) / "studies"


def new_study_dir(runs_dir, name: str) -> Path:
    d = studies_dir(runs_dir) / new_run_id(name)
    d.mkdir(parents=True)
    return d


def list_studies(runs_dir) -> list[str]:
    """Study ids in `runs_dir`, newest first."""
    root = studies_dir(runs_dir)
    found = [d for d in root.glob("*/status.json")] if root.is_dir() else []
    return [p.parent.name for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def status(study_dir) -> dict:
    return results.read_status(Path(study_dir))


def request_stop(study_dir) -> None:
    """Ask a running study to stop: the run in training is cancelled and no other starts."""
    (Path(study_dir) / "STOP").write_text("stop\n")


def wait(study_dir, timeout: float | None = None) -> str:
    """Block until the study ends (or `timeout` seconds); returns its status."""
    end = None if timeout is None else time.time() + timeout
    while True:
        state = status(study_dir).get("status", "unknown")
        if state in TERMINAL or (end is not None and time.time() > end):
            return state
        time.sleep(POLL_S)


def prepare_files(study: Study, study_dir: Path) -> None:
    """`prepare: split_text`: the last `held_out_lines` lines of a text file go to one file, the rest to another,
    both in the study folder (e.g. pretraining text and held-out retention text that no run trains on)."""
    for i, step in enumerate(study.prepare):
        _, where = resolve_source(step["split_text"], f"prepare[{i}].split_text")
        lines = read_utf8(where).splitlines()
        n = int(step.get("held_out_lines", 1000))
        if not 0 < n < len(lines):
            raise WorkbenchError(f"prepare[{i}].held_out_lines: {n} is not between 1 and the file's "
                                 f"{len(lines)} lines")
        (study_dir / step.get("train", "train.txt")).write_text("\n".join(lines[:-n]) + "\n", encoding="utf-8")
        (study_dir / step.get("held_out", "held_out.txt")).write_text("\n".join(lines[-n:]) + "\n",
                                                                       encoding="utf-8")


def start(study: Study, runs_dir, manager) -> Path:
    """Start a study in a background thread; returns its folder at once."""
    study_dir = new_study_dir(runs_dir, study.options.name)
    results.write_status(study_dir, {"status": "running", "started": time.time()})
    threading.Thread(target=run, args=(study, runs_dir, study_dir, manager), name=f"study-{study_dir.name}",
                     daemon=True).start()
    return study_dir


def _submit_and_wait(manager, cfg, study_dir: Path, say) -> tuple[str | None, str, str | None]:
    """(run id, final status, error) of one run trained through the JobManager; cancelled if a stop comes."""
    try:
        trainer.preflight(cfg)
        run_id = manager.submit(cfg)
    except WorkbenchError as e:
        return None, "failed", str(e)
    say(f"training {run_id}")
    while True:
        state = manager.wait(run_id, timeout=POLL_S)
        if state not in ("queued", "running"):
            break
        if (study_dir / "STOP").exists():
            manager.cancel(run_id)
            state = manager.wait(run_id)
            break
    snap = manager.snapshot(run_id) or {}
    return run_id, state, snap.get("error")


def run(study: Study, runs_dir, study_dir: Path, manager, progress=None) -> dict:
    """Run a whole study into `study_dir` (blocking). Never raises: a failure is written to status.json."""
    say = progress or (lambda message: None)
    state = {"status": "running", "study_id": study_dir.name, "started": time.time(), "rows_total": 0,
             "rows_done": 0, "current_run": None, "error": None, "pretrain_run": None}
    results.write_status(study_dir, state)
    try:
        _run(study, str(runs_dir), study_dir, manager, say, state)
    except Exception as e:   # a study must end with a status, whatever went wrong
        state.update(status="failed", error=str(e) if isinstance(e, WorkbenchError) else f"{type(e).__name__}: {e}")
        (study_dir / "error.txt").write_text(traceback.format_exc())
    state.update(finished=time.time(), current_run=None)
    results.write_status(study_dir, state)
    out = results.read(study_dir) or {}
    if out:
        out["status"] = state["status"]
        results.write_json(study_dir / "results.json", out)
    say(f"study {state['status']}: {study_dir}")
    return state


def _run(study: Study, runs_dir: str, study_dir: Path, manager, say, state) -> None:
    (study_dir / "study.yaml").write_text(yaml.safe_dump(study.source, sort_keys=False, allow_unicode=True))
    prepare_files(study, study_dir)
    study.options.retention_source = fill(study.options.retention_source, study_dir)
    rows = study.rows()
    seeds = list(dict.fromkeys(r.seed for r in rows))
    rows.sort(key=lambda r: seeds.index(r.seed))        # stable: configuration order within a seed
    state["rows_total"] = len(rows)
    base_model = None
    if study.pretrain is not None:
        say("pretraining the base model")
        cfg = study.pretrain_config(study_dir, runs_dir)
        run_id, final, error = _submit_and_wait(manager, cfg, study_dir, say)
        state["pretrain_run"] = run_id
        if final != "completed":
            state.update(status="stopped" if (study_dir / "STOP").exists() else "failed",
                         error=None if final == "cancelled" else f"the pretraining run ended {final}: {error}")
            return
        base_model = run_id
    records = [_planned(r, study_dir.name) for r in rows]
    meter = Meter(study, runs_dir)
    _publish(study, study_dir, records, meter, state, base_model)
    for i, row in enumerate(rows):
        if (study_dir / "STOP").exists():
            break
        rec = records[i]
        cfg = study.run_config(row, study_dir, runs_dir, base_model)
        state["current_run"] = row.key
        results.write_status(study_dir, state)
        run_id, final, error = _submit_and_wait(manager, cfg, study_dir, say)
        rec.update(run_id=run_id, status=final, error=error)
        if final == "completed":
            say(f"measuring {run_id}")
            meter.score(rec, run_id)
            if meter.base_record is None:
                meter.score_base(run_id, study_dir.name)
        state["rows_done"] = i + 1
        _publish(study, study_dir, records, meter, state, base_model)
    state["status"] = "stopped" if (study_dir / "STOP").exists() else "completed"


def _planned(row, study_id: str) -> dict:
    return {"study": study_id, "config": row.config, "strategy": "+".join(s["name"] for s in row.strategy),
            "seed": row.seed, "run_id": None, "status": "not run", "task_metric": None, "task_score": None,
            "retention": None, "retention_method": None, "note": "", "error": None}


class Meter:
    """Scores finished runs with evaluate.compare: one ModelCache, so the base model's retention reference is
    computed once and every row is measured against the same one."""

    def __init__(self, study: Study, runs_dir: str):
        self.opts, self.runs_dir = study.options, runs_dir
        self.cache = ModelCache(max_models=2)
        self.base_record: dict | None = None
        self.greater_is_better = True
        self.main_metric = None
        self.notes: list[str] = []

    def _compare(self, refs: list[str]) -> dict:
        out = compare(refs, split=self.opts.eval_split, runs_dir=self.runs_dir,
                      max_examples=self.opts.max_eval_examples, retention=True, seed=0, cache=self.cache,
                      memory=False, retention_source=self.opts.retention_source, latency_examples=1)
        self.greater_is_better, self.main_metric = out["greater_is_better"], out["main_metric"]
        self.notes = list(dict.fromkeys(self.notes + out["notes"]))
        return out

    @staticmethod
    def _fill(rec: dict, row: dict, main: str) -> None:
        ret = row.get("retention") or {}
        rec.update(task_metric=main, task_score=row["metrics"].get(main), retention=ret.get("retention"),
                   retention_method=ret.get("method"), measures=ret.get("measures"),
                   metrics={k: v for k, v in row["metrics"].items() if isinstance(v, (int, float))})

    def score(self, rec: dict, run_id: str) -> None:
        try:
            out = self._compare([run_id])
        except WorkbenchError as e:
            rec["error"] = f"not measured: {e}"
            return
        self._fill(rec, out["models"][0], out["main_metric"])
        summary = read_json(find_run(run_id, self.runs_dir).summary, {}) or {}
        m = summary.get("metrics") or {}
        if m.get("rehearsal_head") == "fresh":
            what = str(m.get("rehearsal_objective") or "lm").upper()
            rec["note"] = (f"auxiliary {what} task, not rehearsal: the base has no pretrained {what} head")
        elif m.get("rehearsal_head") in ("pretrained", "own"):
            rec["note"] = "rehearsal with the base's own pretrained head"

    def score_base(self, run_id: str, study_id: str) -> None:
        try:
            out = self._compare([run_id, "base"])
        except WorkbenchError as e:
            self.notes.append(f"base model not measured: {e}")
            return
        rec = {"study": study_id, "config": "base", "strategy": "(base model)", "seed": None, "run_id": None,
               "status": "measured", "note": _base_note(run_id, self.runs_dir), "error": None}
        self._fill(rec, out["models"][1], out["main_metric"])
        self.base_record = rec


def _base_note(run_id: str, runs_dir: str) -> str:
    """What the base row's task score means: a task with its own new head scores that head untrained (chance); a
    language-model task scores the base's own pretrained head."""
    try:
        task = TASKS.get(RunConfig.load(find_run(run_id, runs_dir).config).task.name, "task")
    except WorkbenchError:
        return "the base model before fine-tuning"
    if task.lm_head:
        return "the base model before fine-tuning (its own pretrained language-model head)"
    return "the base model before fine-tuning (with a fresh, untrained task head: chance level)"


def _publish(study: Study, study_dir: Path, records: list[dict], meter: Meter, state: dict, base_model) -> None:
    """Rewrite results.csv, summary.csv, results.json and the chart from the records so far."""
    rows = ([meter.base_record] if meter.base_record else []) + records
    configs, verdict = results.build(rows, study.options, meter.greater_is_better)
    opts = study.options
    title = f"{study_dir.name}: task score vs retention"
    results.write_csv(study_dir / "results.csv", rows, results.RUN_COLUMNS)
    results.write_csv(study_dir / "summary.csv", configs, results.CONFIG_COLUMNS)
    measured = [c for c in configs if c["task_mean"] is not None and c["retention_mean"] is not None]
    png = False
    if measured:
        chart.write_html(chart.figure(configs, title, meter.greater_is_better, opts.min_retention),
                         study_dir / "chart.html")
        png = chart.write_png(configs, study_dir / "chart.png", title, meter.greater_is_better, opts.min_retention)
    results.write_json(study_dir / "results.json", {
        "study_id": study_dir.name, "status": state["status"], "options": vars(opts),
        "base_model": base_model or study.run.get("model", {}).get("name"), "pretrain_run": state["pretrain_run"],
        "task_metric": meter.main_metric, "greater_is_better": meter.greater_is_better,
        "rows_total": state["rows_total"], "rows_done": state["rows_done"], "records": rows, "configs": configs,
        "claim": verdict, "notes": meter.notes, "chart_html": measured != [], "chart_png": png,
        "spec": study.source})
    results.write_status(study_dir, state)
