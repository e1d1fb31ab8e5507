"""JobManager: queues runs and trains them in background threads, one at a time by default (one device).

The app makes one (app.py: JobManager(loop.run)) and hands it to build_app; the UI talks to it: submit,
status snapshots, cancel, stop-and-save, resume. Nothing creates one at import time. Job state lives here, not
in any page, so a reloaded page or a second browser sees the same job. A job that raises is marked failed with
its message; the process and the other jobs carry on.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from dataclasses import dataclass, field

from .. import store
from ..errors import WorkbenchError
from .events import Eval, Finished, Log, Preparing, Started, Step
from ..config import RunConfig


class StopSignal:
    """Cooperative stop: the loop checks it at each step boundary. mode 'cancel' or 'save' (stop and save)."""

    def __init__(self):
        self._event = threading.Event()
        self.mode: str | None = None

    def request(self, mode: str = "cancel") -> None:
        if not self._event.is_set():
            self.mode = mode
            self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()


@dataclass
class Job:
    run_id: str
    paths: store.RunPaths
    cfg: object
    resume: bool = False
    stop: StopSignal = field(default_factory=StopSignal)
    state: str = "queued"
    submitted: float = field(default_factory=time.time)
    started: dict | None = None          # the Started event
    preparing: dict | None = None        # the latest Preparing event (loading the model, tokenizing n rows)
    progress: dict | None = None         # the latest Step event
    last_eval: dict | None = None        # the latest Eval event
    logs: collections.deque = field(default_factory=lambda: collections.deque(maxlen=200))
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    owner: str | None = None             # who started it (shared mode); None = the host user
    limit_s: float | None = None         # a host's time cap: stop and save after this many seconds of training
    step_cap: int | None = None          # a host's step cap: stop and save after this optimizer step
    stop_reason: str | None = None       # why the run was stopped by the host (a cap), shown in its status

    def on_event(self, ev) -> None:
        if isinstance(ev, Preparing):
            self.preparing = ev.to_json()
        elif isinstance(ev, Started):
            self.started = ev.to_json()
        elif isinstance(ev, Step):
            self.progress = ev.to_json()
            if self.step_cap and self.step_cap <= ev.step < ev.total_steps and not self.stop.requested:
                self.stop_reason = f"the host's step limit ({self.step_cap} steps per run) was reached"
                self.stop.request("save")
        elif isinstance(ev, Eval):
            self.last_eval = ev.to_json()
        elif isinstance(ev, Log):
            self.logs.append(f"{time.strftime('%H:%M:%S', time.localtime(ev.time))} {ev.level}: {ev.message}")
        elif isinstance(ev, Finished):
            self.error = ev.error


class JobManager:
    def __init__(self, run_fn, max_running: int = 1, order=None):
        self._run_fn = run_fn            # trainer.run(cfg, paths, listener=, stop=, resume=)
        self._max = max_running
        # order(queue, served) -> the queue in the order it will start; FIFO unless a policy is set
        # (workbench.host.fair.round_robin takes owners in turn). `served`: owners of started jobs, oldest first.
        self._order = order or (lambda queue, served: list(queue))
        self._served: list[str] = []
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._queue: list[Job] = []
        self._running: set[str] = set()

    # ---- starting -----------------------------------------------------------------------------------------
    def submit(self, cfg, owner: str | None = None, limit_s: float | None = None, step_cap: int | None = None
               ) -> str:
        """Queue a new run; returns its id at once (the run folder exists from now on)."""
        cfg.validate()
        paths = store.create_run(cfg, status="queued", owner=owner)
        return self._enqueue(Job(paths.run_id, paths, cfg, owner=owner, limit_s=limit_s,
                                     step_cap=step_cap))

    def set_order(self, order) -> None:
        """Set the queue policy (see __init__); the host sets round-robin in shared mode."""
        with self._lock:
            self._order = order

    def resume(self, ref: str, runs_dir="runs", overrides=(), owner: str | None = None,
               limit_s: float | None = None, step_cap: int | None = None) -> str:
        """Continue a stopped, cancelled, interrupted or finished run from its last checkpoint. Overrides such as
        train.epochs=6 continue a finished run for more epochs (the config in the folder is updated)."""
        paths = store.find_run(ref, runs_dir)
        with self._lock:
            job = self._jobs.get(paths.run_id)
            if job and job.state in store.ACTIVE:
                raise WorkbenchError(f"run {paths.run_id} is already {job.state}")
        summary = store.read_json(paths.summary, {}) or {}
        if store.live_status(paths, summary) in store.ACTIVE:
            raise WorkbenchError(f"run {paths.run_id} is being trained by another process (pid in "
                                 f"{paths.lock}); stop it first")
        cfg = RunConfig.load(paths.config, overrides)
        if overrides:
            paths.config.write_text(cfg.to_yaml())
        store.update_summary(paths, status="queued", error=None)
        return self._enqueue(Job(paths.run_id, paths, cfg, resume=True, owner=owner, limit_s=limit_s,
                                     step_cap=step_cap))

    def _enqueue(self, job: Job) -> str:
        job.paths.lock.write_text(f"{os.getpid()}\n")    # tells other processes this queued run is alive
        with self._lock:
            self._jobs[job.run_id] = job
            self._queue.append(job)
            self._pump()
        return job.run_id

    def _pump(self) -> None:
        # called with the lock held
        while self._queue and len(self._running) < self._max:
            job = self._order(self._queue, self._served)[0]
            self._queue.remove(job)
            self._served.append(job.owner or "")
            job.state = "running"
            self._running.add(job.run_id)
            threading.Thread(target=self._work, args=(job,), name=f"run-{job.run_id}", daemon=True).start()

    def _time_up(self, job: Job) -> None:
        job.stop_reason = f"the host's time limit ({job.limit_s / 60:g} minutes per run) was reached"
        job.stop.request("save")

    def _work(self, job: Job) -> None:
        timer = threading.Timer(job.limit_s, self._time_up, (job,)) if job.limit_s else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            summary = self._run_fn(job.cfg, job.paths, listener=job.on_event, stop=job.stop, resume=job.resume)
            job.state = summary.get("status", "failed")
            job.error = summary.get("error")
            if job.stop_reason:
                store.update_summary(job.paths, stop_reason=job.stop_reason)
        except BaseException as e:   # run() already records failures; this guards the thread itself
            job.state, job.error = "failed", f"{type(e).__name__}: {e}"
            try:
                store.update_summary(job.paths, status="failed", error=job.error)
            except Exception:
                pass
        finally:
            if timer:
                timer.cancel()
            with self._lock:
                self._running.discard(job.run_id)
                job.done.set()
                self._pump()

    # ---- control ------------------------------------------------------------------------------------------
    def _job(self, run_id: str) -> Job:
        job = self._jobs.get(run_id)
        if job is None:
            raise WorkbenchError(f"run {run_id} is not active in this process")
        return job

    def cancel(self, run_id: str) -> None:
        """Stop at the next step boundary without saving the model (queued runs are dropped from the queue)."""
        self._stop(run_id, "cancel")

    def stop_and_save(self, run_id: str) -> None:
        """Stop at the next step boundary, write a checkpoint and save the model as it is."""
        self._stop(run_id, "save")

    def _stop(self, run_id: str, mode: str) -> None:
        with self._lock:
            job = self._job(run_id)
            if job in self._queue:
                self._queue.remove(job)
                job.state = "cancelled"
                job.paths.lock.unlink(missing_ok=True)
                store.update_summary(job.paths, status="cancelled", error=None)
                job.done.set()
                return
        job.stop.request(mode)

    def wait(self, run_id: str, timeout: float | None = None) -> str:
        job = self._job(run_id)
        job.done.wait(timeout)
        return job.state

    # ---- reading ------------------------------------------------------------------------------------------
    def snapshot(self, run_id: str) -> dict | None:
        """A consistent, plain-data view of one job (None when this process does not know it)."""
        with self._lock:
            job = self._jobs.get(run_id)
            if job is None:
                return None
            order = self._order(self._queue, self._served) if job in self._queue else []
            position = order.index(job) + 1 if order else 0
            return {"run_id": job.run_id, "state": job.state, "queue_position": position, "owner": job.owner,
                    "stop_reason": job.stop_reason,
                    "stopping": job.stop.mode if job.stop.requested and job.state == "running" else None,
                    "started": job.started, "preparing": job.preparing, "progress": job.progress,
                    "last_eval": job.last_eval,
                    "logs": list(job.logs), "error": job.error, "runs_dir": str(job.paths.root.parent)}

    def active(self) -> list[str]:
        """Ids of running and queued jobs, running first."""
        with self._lock:
            return sorted(self._running) + [j.run_id for j in self._queue]

    def queue_view(self) -> list[dict]:
        """Running then queued jobs in the order they will start: run id, owner, state, run folder."""
        with self._lock:
            jobs = [self._jobs[r] for r in sorted(self._running)] + self._order(self._queue, self._served)
            return [{"run_id": j.run_id, "owner": j.owner, "state": j.state, "root": str(j.paths.root)}
                    for j in jobs]
