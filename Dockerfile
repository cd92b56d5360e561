# syntax=docker/dockerfile:1
# Robo Trader: one image for the api and the projector (docker-compose.yml picks the command).
# Build stage: everything needed to compile (dev dependencies, a C++ toolchain in case better-sqlite3 has no
# prebuilt binary for the platform); runtime stage: production dependencies, the compiled dist/ and the web page.

# Node 22, a maintained LTS (until April 2027); Node 20's support ended in April 2026. The test suite runs on Node 20
# (the CI machines have only that) and the code keeps to Node 20 (package.json engines: >=20), so
# --build-arg NODE_IMAGE=node:20-bookworm-slim still builds; the image on Node 22 is not run by the tests here.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm install rather than npm ci: optional platform builds of @swc/core absent from the registry cannot be in the lock file.
RUN npm install --no-audit --no-fund
COPY . .
# The dashboard is built when the project defines a build:web script; otherwise web/public is served as it is.
RUN npm run build && npm run --if-present build:web
# Keep only what runs: the same node_modules (native addons compiled above), minus dev dependencies.
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/web ./web
# DATA_DIR holds what stays on local disk even with EventStoreDB and MongoDB (API credentials, SQLite in embedded mode).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The api; the projector runs the same image with: node dist/apps/projector/src/main.js
CMD ["node", "dist/apps/api/src/main.js"]
