"""Start the Workbench web app:  python app.py  ->  http://127.0.0.1:7860

Options: --host / --port (or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT), --runs-dir (run folders and the registry),
--uploads-dir (where uploaded data files are copied), --data-dir (extra server folders whose files the UI may use
as data; repeatable), --auth-file (optional login: user:password lines). No network is used: analytics are off
and the page loads no fonts or scripts from outside.
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
    p.add_argument("--runs-dir", default="runs", help="folder of run folders and the run registry")
    p.add_argument("--uploads-dir", default=None, help="where uploaded data files go (default <runs-dir>/.uploads)")
    p.add_argument("--data-dir", action="append", default=[], help="a server folder whose data files may be used")
    p.add_argument("--auth-file", help="optional login: a file of user:password lines (keep it out of the repo)")
    args = p.parse_args(argv)

    from workbench.ui import build_app, launch_options
    auth = None
    if args.auth_file:
        from workbench.errors import WorkbenchError
        from workbench.safety import read_auth_file
        try:
            auth = read_auth_file(args.auth_file)
        except WorkbenchError as e:
            p.exit(2, f"error: {e}\n")
    demo = build_app(args.runs_dir, args.uploads_dir, args.data_dir)
    # Gradio checks that it can reach its own page with one 3 s request and exits when that times out, which a busy
    # machine's first page render can exceed (seen on the shared 2-core machine: "When localhost is not
    # accessible, a shareable link must be created"). The page is served either way: skip that self-check.
    import inspect
    skip_check = {"_frontend": False} if "_frontend" in inspect.signature(demo.launch).parameters else {}
    demo.queue(default_concurrency_limit=None).launch(server_name=args.host, server_port=args.port, auth=auth,
                                                      **launch_options(), **skip_check)


if __name__ == "__main__":
    main()
