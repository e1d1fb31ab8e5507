# Workbench as a container: a Hugging Face Docker Space (README front matter) or a lab server. See README "Host it".
#
#   docker build -t workbench .                                    # CPU torch from the PyTorch CPU index
#   docker build --build-arg BASE_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 \
#                --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128 -t workbench:cuda .   # CUDA variant
#   docker build --network=host --build-arg BASE_IMAGE=local/debian:bookworm \
#                --build-arg PIP_FIND_LINKS=http://127.0.0.1:8765/ -t workbench .   # offline-ish: a local wheelhouse
#
# BASE_IMAGE: any Debian/Ubuntu image; Python is installed from apt when the image has none (a debootstrap base).
# TORCH_INDEX: where torch comes from (the default PyPI wheel would pull several GB of CUDA libraries on CPU).
# PIP_FIND_LINKS: a wheelhouse searched first (e.g. the CPU torch wheel served from the build machine's disk).
# EXTRA_CA_URL (below): a CA that pip must trust too, behind a TLS-inspecting proxy.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG PIP_FIND_LINKS=""

RUN if ! python3 -c "import venv, ensurepip" 2>/dev/null; then \
        apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            python3 python3-venv python3-pip ca-certificates && rm -rf /var/lib/apt/lists/*; \
    fi \
 && python3 -m venv /opt/venv \
 && (useradd --create-home --uid 1000 user 2>/dev/null \
     || (echo "user:x:1000:1000::/home/user:/bin/sh" >> /etc/passwd && echo "user:x:1000:" >> /etc/group)) \
 && mkdir -p /home/user/app && chown -R 1000:1000 /home/user
ENV PATH=/opt/venv/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /home/user/app

# EXTRA_CA_URL: a CA certificate (PEM) pip must also trust during the build, for a network behind a TLS-inspecting
# proxy; it is used for this one step and not kept in the image.
ARG EXTRA_CA_URL=""
COPY --chown=1000:1000 requirements.txt .
RUN set -e; if [ -n "${EXTRA_CA_URL}" ]; then \
        python3 -c "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())" \
            "${EXTRA_CA_URL}" > /tmp/extra-ca.pem; \
        cat /etc/ssl/certs/ca-certificates.crt /tmp/extra-ca.pem > /tmp/pip-ca.pem; export PIP_CERT=/tmp/pip-ca.pem; \
    fi; \
    pip install --upgrade pip; \
    PIP_FIND_LINKS="${PIP_FIND_LINKS}" pip install --extra-index-url "${TORCH_INDEX}" -r requirements.txt; \
    rm -f /tmp/extra-ca.pem /tmp/pip-ca.pem

COPY --chown=1000:1000 . .
USER 1000

# Listen on all interfaces inside the container; no analytics. Runs go to /data/runs when /data is mounted
# (Spaces persistent storage), else to ./runs. SPACE_ID (set by Spaces) turns shared mode on.
ENV GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    GRADIO_ANALYTICS_ENABLED=False \
    HF_HUB_DISABLE_TELEMETRY=1 \
    TOKENIZERS_PARALLELISM=false
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 \
    CMD python3 -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/' % os.environ.get('GRADIO_SERVER_PORT', '7860'), timeout=8)" || exit 1
CMD ["python3", "app.py"]
