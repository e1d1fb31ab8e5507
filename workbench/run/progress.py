"""The CLI's view of a training run. On a terminal: a tqdm bar redrawn in place (step/total, loss, samples/s, ETA),
with evaluations and logs printed above it. To a file or a pipe: plain lines, one every `every` steps (and at the
last step), so a log file holds readable lines instead of carriage-return redraws."""

from __future__ import annotations

import math
import sys
from .events import Eval, Log, Preparing, Started, Step

PLAIN_LINES = 20      # to a file, about this many progress lines per run unless `every` is given


def _duration(seconds) -> str:
    s = int(round(float(seconds or 0)))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """A run listener (events in, text out to `stream`, default stderr). `every`: steps between plain lines."""

    def __init__(self, quiet: bool = False, debug: bool = False, stream=None, every: int | None = None,
                 tty: bool | None = None):
        self.quiet, self.debug, self.bar = quiet, debug, None
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every, self._last = every, None

    def __call__(self, ev):
        if isinstance(ev, Preparing) and not self.quiet:
            self.write({"data": "preparing: reading the data", "model": "preparing: loading the model"}.get(
                ev.what, f"preparing: tokenizing {ev.rows or 0:,} rows"))
        elif isinstance(ev, Started):
            self.write(f"{ev.examples}  trainable {ev.trainable_params:,} / {ev.total_params:,} parameters  "
                       f"device {ev.device}  precision {ev.precision}")
            if not self.quiet and self.tty:
                from tqdm import tqdm  # lazy: optional dependency, loaded on use
                self.bar = tqdm(total=ev.total_steps, initial=ev.start_step, unit="step", dynamic_ncols=True,
                                file=self.stream)
            self.every = self.every or max(1, math.ceil(ev.total_steps / PLAIN_LINES))
            self._last = ev.start_step
        elif isinstance(ev, Step):
            terms = " ".join(f"{k}={v:.3f}" for k, v in ev.terms.items()) if len(ev.terms) > 1 else ""
            if self.bar is not None:
                self.bar.update(ev.step - self.bar.n)
                self.bar.set_postfix_str(f"loss={ev.loss:.4f} {terms} {ev.samples_per_s:.0f} samples/s")
            elif not self.quiet and (ev.step == ev.total_steps or self._last is None
                                     or ev.step - self._last >= (self.every or 1)):
                self._last = ev.step
                pct = 100 * ev.step / max(ev.total_steps, 1)
                self.write(f"step {ev.step}/{ev.total_steps} ({pct:.0f}%)  loss={ev.loss:.4f}"
                           f"{'  ' + terms if terms else ''}  {ev.samples_per_s:.0f} samples/s  "
                           f"elapsed {_duration(ev.elapsed_s)}  eta {_duration(ev.eta_s)}")
        elif isinstance(ev, Eval):
            self.write(f"step {ev.step} {ev.split}: " + "  ".join(
                f"{k}={v:.4f}" for k, v in ev.metrics.items() if isinstance(v, (int, float))))
        elif isinstance(ev, Log):
            if ev.level != "debug" or self.debug:
                self.write(f"{ev.level}: {ev.message}")

    def write(self, text: str):
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        elif not self.quiet:
            print(text, file=self.stream, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()
