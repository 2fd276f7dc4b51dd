# The registry under gunicorn, as docker-compose.yml runs it. Static files are collected into
# the image at build time and served by whitenoise. Settings come from the environment (README).
# The Rijkshuisstijl design tokens and the map's country shapes from the npm registry, as
# `make install` gets them (README).
FROM node:20-bookworm-slim AS tokens
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm run build

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

RUN useradd --system --no-create-home --uid 10001 registry

WORKDIR /app

# Dependencies first, against placeholder packages, so that a change to the code does not
# reinstall them; the editable install then finds the real packages copied below.
COPY pyproject.toml README.md ./
RUN mkdir coopregistry registry \
    && touch coopregistry/__init__.py registry/__init__.py \
    && pip install -e .

COPY . .
COPY --from=tokens /build/registry/static/registry/vendor/ registry/static/registry/vendor/
COPY --from=tokens /build/registry/vendor/ registry/vendor/

# collectstatic only imports the settings, which refuse to start without a SECRET_KEY when DEBUG
# is off; this throwaway value never reaches a running container.
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only \
    python manage.py collectstatic --no-input \
    && mkdir -p var \
    && chown registry var

USER registry
EXPOSE 8000
CMD ["gunicorn", "coopregistry.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
