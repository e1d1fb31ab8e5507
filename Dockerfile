# Workbench as a container (e.g. a Hugging Face Docker Space; see README "Hosting").
# CPU build of torch from the PyTorch CPU index: the default PyPI wheel would pull several GB of CUDA libraries.
FROM python:3.11-slim

RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app

COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt

COPY --chown=user . .
USER user

# Listen on all interfaces inside the container; no analytics. Set HF_HUB_OFFLINE=1 to forbid hub downloads.
ENV GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    GRADIO_ANALYTICS_ENABLED=False \
    TOKENIZERS_PARALLELISM=false
EXPOSE 7860
CMD ["python", "app.py", "--runs-dir", "/home/user/app/runs"]
