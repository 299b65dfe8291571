# syntax=docker/dockerfile:1
# Ghimar Desk: the bot's image. `docker compose up` (compose.yaml) runs it with PostgreSQL;
# deploy/README.md is the whole guide.

# --- build: the dependencies in a virtual environment (wheels only, no compiler needed) ---------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY pyproject.toml /tmp/pyproject.toml
# Only [project].dependencies: a code change does not reinstall them, and no test tools ship.
RUN python -c "import tomllib; deps = tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps))" \
 && /opt/venv/bin/pip install -r /tmp/requirements.txt

# --- runtime: slim, the Arabic fonts the charts need, a non-root user ---------------------------
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-core \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ghimar \
 && useradd --system --uid 10001 --gid ghimar --home-dir /app --shell /usr/sbin/nologin ghimar \
 && install -d -o ghimar -g ghimar -m 0700 /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code stays root-owned and read-only to the bot; it writes only to /data (a volume).
COPY . /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    XDG_CACHE_HOME=/tmp/cache \
    GHIMAR_DATA_DIR=/data \
    GHIMAR_HTTP_HOST=0.0.0.0 \
    GHIMAR_HTTP_PORT=8080
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('GHIMAR_HTTP_PORT', '8080'), timeout=3)"]
# `run` migrates the database first (GHIMAR_MIGRATE_ON_START=0 to skip); any other command is a
# `python -m bot` command: docker compose run --rm bot doctor
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["run"]
