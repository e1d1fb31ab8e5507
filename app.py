"""Start the Workbench web app:  python app.py  ->  http://127.0.0.1:7860

Options: --host / --port (or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT), --runs-dir (run folders and the registry),
--uploads-dir (where uploaded data files are copied), --data-dir (extra server folders whose files the UI may use
as data; repeatable). No network is used: analytics are off and the page loads no fonts or scripts from outside.
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
    args = p.parse_args(argv)

    from workbench.run import loop
    from workbench.run.jobs import JobManager
    from workbench.ui import build_app, launch_options
    demo = build_app(JobManager(loop.run), args.runs_dir, args.uploads_dir, args.data_dir)
    demo.queue(default_concurrency_limit=None).launch(server_name=args.host, server_port=args.port,
                                                      **launch_options())


if __name__ == "__main__":
    main()
