"""Start the Workbench web app:  python app.py  ->  http://127.0.0.1:7860

Options: --host / --port (or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT), --runs-dir (run folders and the registry),
--uploads-dir (where uploaded data files are copied), --data-dir (extra server folders whose files the UI may use
as data; repeatable). Shared mode for many people (--shared, on when SPACE_ID is set; login with --auth-file,
quotas, admins): see README "Host it" and `python app.py --help`. No network is used: analytics are off and the page loads no fonts or scripts from outside.
"""

import argparse
import os

# Before gradio is imported: no telemetry, no version check, nothing leaves the machine.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Workbench web app")
    p.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                   help="interface to listen on (0.0.0.0 for the local network)")
    p.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    p.add_argument("--runs-dir", default=None, help="folder of run folders and the run registry (default: /data/runs "
                   "when /data exists, as on a Space with persistent storage, else runs)")
    p.add_argument("--uploads-dir", default=None, help="where uploaded data files go (default <runs-dir>/.uploads)")
    p.add_argument("--data-dir", action="append", default=[], help="a server folder whose data files may be used")
    from workbench.host import settings as host_settings
    host_settings.add_arguments(p)
    p.add_argument("--demo-settings", default=None, help="YAML of the Demo stories' models and budgets "
                   "(workbench/demo.py DemoSettings; default: the bundled model, a few minutes per story)")
    args = p.parse_args(argv)

    from workbench.run import loop
    from workbench.run.jobs import JobManager
    from workbench.ui import build_app, launch_options
    from workbench.errors import WorkbenchError
    from workbench.host.identity import read_users
    demo_settings = None
    try:
        settings = host_settings.from_sources(args)
        auth = read_users(settings.auth_file) if settings.auth_file else None
        if args.demo_settings:
            from workbench.demo import DemoSettings
            demo_settings = DemoSettings.load(args.demo_settings)
    except WorkbenchError as e:
        p.exit(2, f"error: {e}\n")
    runs_dir = host_settings.storage_root(args.runs_dir or "runs", explicit=args.runs_dir is not None)
    demo = build_app(JobManager(loop.run), runs_dir, args.uploads_dir, args.data_dir, demo_settings=demo_settings,
                     settings=settings)
    options = launch_options()   # its max_file_size: the app's upload limit; a host's quota may lower it
    if settings.shared and settings.max_upload_mb:
        options["max_file_size"] = f"{settings.max_upload_mb:g}mb"
    # Gradio's launch() checks that it can reach its own page (networking.url_ok: HEAD / with a 3 s timeout) and
    # raises "When localhost is not accessible, a shareable link must be created" when that fails; a timeout ends
    # the check at the first try, and a busy machine's first page render can exceed 3 s (seen on the shared 2-core
    # machine: the app exited during the browser suite and the load test). The page is served either way.
    # The private `_frontend=False` is the only switch for that check. Checked on gradio 6.31.0: no public launch()
    # option or environment variable skips it; `share=True` would (it opens a tunnel to gradio.live: no network
    # here, and never wanted); serving through the public gr.mount_gradio_app under our own uvicorn would too, but
    # it replaces launch() as a whole (its server, thread limit and start-up) for the sake of one check. Upstream:
    # gradio-app/gradio issues #3517 and #8671 ("Network check can time out too easily"). Passed only while
    # launch() still takes it.
    import inspect
    if "_frontend" in inspect.signature(demo.launch).parameters:
        options["_frontend"] = False
    demo.queue(default_concurrency_limit=None).launch(server_name=args.host, server_port=args.port, auth=auth,
                                                      **options)


if __name__ == "__main__":
    main()
