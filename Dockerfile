# Transferportal NRW – production image (gunicorn). It runs behind nginx: compose.yaml is the deployment unit
# (nginx with deploy/nginx.conf.template in front, PostgreSQL); gunicorn's sync workers alone would be tied up
# by slow clients (docs/operations.md, "Serving").
# Build:   docker build -t transferportal .
# Migrate: docker run --rm --env-file .env transferportal python manage.py migrate --noinput
#          docker run --rm --env-file .env transferportal python manage.py load_reference_data
# Run:     docker compose up -d (nginx + this image as web, worker and periodic + PostgreSQL; compose.yaml)
# Worker:  python manage.py db_worker --no-reload (background tasks: imports, mails)
# Periodic: python manage.py run_periodic (alert mails, mail retries, deletion periods)
# Migrations are a separate, deliberate step (see README), never part of the start command.

# --- Stage 1: KERN UX assets from the pinned npm lock file ------------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- Stage 2: Python runtime --------------------------------------------------------------------
FROM python:3.12-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system portal && useradd --system --gid portal --home-dir /app --no-create-home portal
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt
COPY --chown=portal:portal . .
COPY --from=assets --chown=portal:portal /build/node_modules ./node_modules
# Latin font subsets from KERN's Fira Sans (bin/subset-fonts), then static files.
# A throwaway key: collectstatic needs settings, never a real secret.
RUN python bin/subset-fonts \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --ignore redoc \
    && python bin/compile-messages \
    && rm -rf node_modules
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "allianz_portal.wsgi"]
