"""The Docker image builds and serves (marked `docker`; deselected by default: `python -m pytest -m docker`).

Recipe (Debian's docker.io; no registry pull): the daemon runs as
    dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs
the base image is local, made with
    debootstrap --variant=minbase bookworm DIR && tar -C DIR -c . | docker import - local/debian:bookworm
(this test makes it when it is missing), and build and run use --network=host. The CPU torch wheel comes from a
wheelhouse on this disk (WB_WHEELHOUSE, default /opt/wheels, holding torch-2.13.0+cpu-*.whl), served on loopback
by `python -m http.server` and handed to pip as PIP_FIND_LINKS (and as TORCH_INDEX, so no PyTorch index is asked);
everything else comes from PyPI (and Python itself from Debian's apt). Behind a TLS-inspecting proxy the build's
pip also trusts this machine's CA bundle (WB_EXTRA_CA, default $PIP_CERT), served the same way as EXTRA_CA_URL. The figures (build seconds, image MB, seconds to serve) are printed and written to
bench/out/docker.json for BENCHMARKS.md."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from _app import free_port

pytestmark = pytest.mark.docker
REPO = Path(__file__).resolve().parents[1]
BASE = os.environ.get("WB_DOCKER_BASE", "local/debian:bookworm")
WHEELHOUSE = Path(os.environ.get("WB_WHEELHOUSE", "/opt/wheels"))
# behind a TLS-inspecting proxy the build's pip must trust its CA too: this machine's bundle, served like the wheels
EXTRA_CA = os.environ.get("WB_EXTRA_CA", os.environ.get("PIP_CERT", os.environ.get("SSL_CERT_FILE", "")))
TAG = "workbench:docker-test"


def _docker(*args, check=True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], check=check, capture_output=True, text=True, **kw)


def _local_base() -> None:
    if _docker("image", "inspect", BASE, check=False).returncode == 0:
        return
    assert shutil.which("debootstrap"), f"no {BASE} image and no debootstrap to make it (apt-get install debootstrap)"
    root = Path(tempfile.mkdtemp(prefix="wb-rootfs-"))
    subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(root)], check=True, capture_output=True)
    tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(["docker", "import", "-", BASE], stdin=tar.stdout, check=True, capture_output=True)
    tar.wait()
    shutil.rmtree(root, ignore_errors=True)


def test_image_builds_on_a_local_base_and_serves_the_page():
    assert shutil.which("docker"), "no docker CLI (apt-get install docker.io)"
    info = _docker("info", check=False)
    assert info.returncode == 0, ("no docker daemon; start one with: dockerd --iptables=false --ip6tables=false "
                                  f"--bridge=none --storage-driver=vfs &\n{info.stderr[-500:]}")
    assert list(WHEELHOUSE.glob("torch-*+cpu-*.whl")), f"no CPU torch wheel in {WHEELHOUSE} (set WB_WHEELHOUSE)"
    _local_base()
    served = Path(tempfile.mkdtemp(prefix="wb-wheelhouse-"))      # the CPU torch wheel (+ the CA), on loopback
    for wheel in WHEELHOUSE.glob("torch-*+cpu-*.whl"):
        (served / wheel.name).symlink_to(wheel)
    extra = []
    if EXTRA_CA and Path(EXTRA_CA).is_file():
        shutil.copy(EXTRA_CA, served / "extra-ca.pem")
    wheel_port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(wheel_port), "--bind", "127.0.0.1"],
                              cwd=served, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if (served / "extra-ca.pem").is_file():
        extra = ["--build-arg", f"EXTRA_CA_URL=http://127.0.0.1:{wheel_port}/extra-ca.pem"]
    port, name = free_port(), f"wb-test-{os.getpid()}"
    try:
        t0 = time.time()
        build = subprocess.run(["docker", "build", "--network=host", "--build-arg", f"BASE_IMAGE={BASE}",
                                "--build-arg", f"PIP_FIND_LINKS=http://127.0.0.1:{wheel_port}/",
                                # no PyTorch index from here: the wheelhouse answers (404 for the rest) at once
                                "--build-arg", f"TORCH_INDEX=http://127.0.0.1:{wheel_port}/", *extra, "-t", TAG, "."],
                               cwd=REPO, capture_output=True, text=True,
                               env={**os.environ, "DOCKER_BUILDKIT": "0"})   # the classic builder: no buildx
        build_s = time.time() - t0
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
        size_mb = int(_docker("image", "inspect", TAG, "--format", "{{.Size}}").stdout.strip()) / 1e6
        t0 = time.time()
        _docker("run", "-d", "--name", name, "--network=host", "-e", f"GRADIO_SERVER_PORT={port}",
                "-e", "HF_HUB_OFFLINE=1", TAG)
        serve_s = None
        while time.time() - t0 < 300:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3) as r:
                    if r.status == 200 and b"Workbench" in r.read():
                        serve_s = time.time() - t0
                        break
            except OSError:
                time.sleep(1)
        logs = _docker("logs", name, check=False)
        assert serve_s is not None, f"the page did not answer in 300 s:\n{logs.stdout[-2000:]}{logs.stderr[-2000:]}"
        health = _docker("inspect", name, "--format", "{{json .Config.Healthcheck}}").stdout
        assert "urlopen" in health                                   # the HEALTHCHECK is in the image
        figures = {"build_s": round(build_s, 1), "image_mb": round(size_mb), "serve_s": round(serve_s, 1),
                   "base": BASE, "date": time.strftime("%Y-%m-%d")}
        print("docker:", json.dumps(figures))
        (REPO / "bench" / "out").mkdir(parents=True, exist_ok=True)
        (REPO / "bench" / "out" / "docker.json").write_text(json.dumps(figures, indent=2))
    finally:
        _docker("rm", "-f", name, check=False)
        server.terminate()
