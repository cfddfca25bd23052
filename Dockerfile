# Transferportal NRW – production image.
# Build:   docker build -t transferportal .
# Migrate: docker run --rm --env-file .env transferportal python manage.py migrate --noinput
#          docker run --rm --env-file .env transferportal python manage.py load_reference_data
# Run:     docker run --env-file .env -p 8000:8000 transferportal
# Worker:  docker run --env-file .env transferportal python manage.py db_worker --no-reload
#          (background tasks such as imports; compose.yaml runs web and worker side by side)
# Migrations are a separate, deliberate step (see README), never part of the start command.

# --- Stage 1: KERN UX assets from the pinned npm lock file ------------------------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- Stage 2: Python runtime --------------------------------------------------------------------
FROM python:3.12-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
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
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && SECRET_KEY=collectstatic-only python manage.py compilemessages --ignore=node_modules \
    && rm -rf node_modules
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "allianz_portal.wsgi"]
