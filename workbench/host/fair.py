"""The fair queue: runs train one at a time per device, taken round-robin across owners rather than first come,
first served, so one user's ten runs do not block everyone. A pure function the JobManager calls with its lock
held (`JobManager(order=round_robin)`)."""

from __future__ import annotations


def round_robin(queue: list, served: list[str]) -> list:
    """The queue in the order its jobs will start. Each round takes one job per owner; owners who were served
    longest ago (or never) go first, and each owner's own jobs keep their order. `served`: owners of jobs started
    so far, oldest first; a job's owner is `job.owner` (None = the host user)."""
    by_owner: dict[str, list] = {}
    for job in queue:
        by_owner.setdefault(job.owner or "", []).append(job)
    last = {owner: i for i, owner in enumerate(served)}
    # never served first (by when their first job was queued), then least recently served
    owners = sorted(by_owner, key=lambda o: (last.get(o, -1), queue.index(by_owner[o][0])))
    out, depth = [], 0
    while len(out) < len(queue):
        out += [by_owner[o][depth] for o in owners if depth < len(by_owner[o])]
        depth += 1
    return out
