"""The run registry under concurrent writers and readers: 8 threads create runs, update their summaries and list
the registry at the same time; no write is lost or duplicated, no 'database is locked' escapes, and a reader's
rebuild never drops a run created meanwhile."""

import threading

from workbench import store
from workbench.config import RunConfig

THREADS, RUNS_EACH = 8, 6


def test_concurrent_create_update_list(tmp_path):
    cfg = RunConfig.from_dict({"output": {"runs_dir": str(tmp_path / "runs")}})
    made: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer():
        try:
            for i in range(RUNS_EACH):
                paths = store.create_run(cfg)
                with lock:
                    made.append(paths.run_id)
                store.update_summary(paths, status="running")
                store.Registry(paths.root.parent).list()             # readers rebuild while others write
                store.update_summary(paths, status="completed", metrics={"eval_accuracy": i / RUNS_EACH},
                                     key_metric="eval_accuracy")
        except BaseException as e:   # collected: a thread's failure must fail the test
            errors.append(e)

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors[:3]
    assert not any(t.is_alive() for t in threads), "a writer hung (deadlock?)"
    rows = store.Registry(tmp_path / "runs").list()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == THREADS * RUNS_EACH == len(made)
    assert set(ids) == set(made)
    assert {r["status"] for r in rows} == {"completed"}
    assert all(r["key_value"] is not None for r in rows)


def test_two_runs_drawing_the_same_id_both_get_a_folder(tmp_path, monkeypatch):
    cfg = RunConfig.from_dict({"output": {"runs_dir": str(tmp_path / "runs")}})
    draws = iter(["20261206-120000-aaaa", "20261206-120000-aaaa", "20261206-120000-bbbb"])
    monkeypatch.setattr(store, "new_run_id", lambda name=None: next(draws))
    first, second = store.create_run(cfg), store.create_run(cfg)
    assert first.run_id != second.run_id and second.config.is_file()
