# Backprop Playground in a container, started with the README's command.
#   docker build -t backprop-playground .
#   docker run --rm -p 8501:8501 backprop-playground        # then open http://localhost:8501
# Several containers behind nginx (deploy/nginx.conf): publish each on its own loopback port,
#   docker run -d -p 127.0.0.1:8501:8501 backprop-playground
#   docker run -d -p 127.0.0.1:8502:8501 backprop-playground
# Written with this repository but not built here: its development machine runs no Docker engine.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN useradd --create-home playground
USER playground

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
