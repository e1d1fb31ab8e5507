"""A client that polls the app as the Train tab's page does, without a browser (issue 13, benchmark 3, variant b).

The page is a Gradio front end: on load it calls the page's load handler (which re-attaches the page's session to
the run the JobManager is training), then the Train tab's gr.Timer calls the poll handler at the interval the
previous answer set (0.25 s until the first loss point, then POLL_S...), until an answer switches the timer off.
This client makes the same calls over the same HTTP protocol (POST /gradio_api/queue/join with the handler's
fn_index and the page's session_hash, then the answer from the /gradio_api/queue/data event stream), so the server
does exactly the work a page costs it (reading the run folder, building the status, progress and plot figures,
serialising them, the queue), and nothing is rendered. Those handlers are private (not in the API, not callable by
gradio_client), which is why this speaks the protocol itself.

    poller = PagePoller(url); poller.attach(); n = poller.follow(timeout=600)
"""

from __future__ import annotations

import json
import time
import uuid

import httpx


class PagePoller:
    def __init__(self, url: str, timeout: float = 120):
        self.url = url.rstrip("/") + "/"
        self.http = httpx.Client(timeout=timeout)
        self.session = uuid.uuid4().hex[:11]
        self.config = self.http.get(self.url + "config").json()
        comps = {c["id"]: c for c in self.config["components"]}
        self.loss = loss = next(i for i, c in comps.items() if c.get("props", {}).get("elem_id") == "plot-loss")
        deps = self.config["dependencies"]
        # the Train tab's poll: the tick of the timer whose handler draws the loss plot
        self.poll = next(d for d in deps if loss in d["outputs"] and any(t[1] == "tick" for t in d["targets"]))
        self.timer = next(t[0] for t in self.poll["targets"] if t[1] == "tick")
        # the page's load handler: the first one of the load event that sets that timer (it re-attaches the run)
        self.load = next(d for d in deps if any(t[1] == "load" for t in d["targets"]) and self.timer in d["outputs"])
        self.calls = 0
        self.shown: dict[int, object] = {}   # what the page would show: each component's latest value sent
        self.seconds = 0.0       # time spent waiting for answers (the page's own waits do not slow the server)

    def close(self) -> None:
        self.http.close()

    def call(self, dep: dict) -> list:
        """One call of a handler as the page makes it; returns the output values (None for a gr.State: the page
        sends None, the server keeps states per session)."""
        trigger = dep["targets"][0][0] if dep["targets"] else None
        body = {"data": [None] * len(dep["inputs"]), "event_data": None, "fn_index": dep["id"],
                "trigger_id": trigger, "session_hash": self.session}
        t0 = time.perf_counter()
        joined = self.http.post(self.url + "gradio_api/queue/join", json=body)
        joined.raise_for_status()
        event = joined.json()["event_id"]
        with self.http.stream("GET", self.url + "gradio_api/queue/data",
                              params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("event_id") == event and msg.get("msg") == "process_completed":
                    if not msg.get("success"):
                        raise RuntimeError(f"the handler failed: {msg.get('output')}")
                    self.calls += 1
                    self.seconds += time.perf_counter() - t0
                    data = msg["output"]["data"]
                    for comp, value in zip(dep["outputs"], data):
                        if value != {"__type__": "update"}:   # gr.skip(): the page keeps what it shows
                            self.shown[comp] = value
                    return data
        raise RuntimeError("the event stream ended without the answer")

    def _timer(self, dep: dict, data: list) -> dict:
        update = data[dep["outputs"].index(self.timer)]
        return update if isinstance(update, dict) else {}

    def attach(self) -> bool:
        """The page's load: attaches this session to the active run; True when there is one (its timer is on)."""
        return bool(self._timer(self.load, self.call(self.load)).get("active"))

    def follow(self, timeout: float = 3600, interval: float = 1.0) -> int:
        """Poll as the page's timer does, at the interval each answer sets, until an answer stops the timer.
        Returns the number of polls."""
        deadline, n = time.time() + timeout, 0
        while time.time() < deadline:
            t0 = time.perf_counter()
            update = self._timer(self.poll, self.call(self.poll))
            n += 1
            if update.get("active") is False:
                return n
            interval = float(update.get("value") or interval)
            time.sleep(max(0.0, interval - (time.perf_counter() - t0)))   # a timer ticks on a fixed period
        raise TimeoutError(f"the run did not finish within {timeout} s ({n} polls)")
