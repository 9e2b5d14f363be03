# The Switchboard operator image: Node 24, non-root, read-only friendly.
# It holds the esbuild bundles (dist/: operator and web UI), the web UI's
# index.html and the production dependencies - no sources, no dev tools.
#
#   npm run build is done inside; from the repository root:
#   docker build -t switchboard-operator .
#
# The chart runs it as UID/GID 65532 (distroless "nonroot") with a read-only
# root filesystem; nothing here writes outside /tmp.

# ---- build: bundle operator and web UI with the repository's esbuild ----
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the npm package "node" (the development Node 24) would
# download a second Node; esbuild finds its platform binary without a script.
RUN npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts/build.ts scripts/build.ts
COPY operator/src operator/src
COPY webui webui
# Node 24 runs the TypeScript build script directly (type stripping).
RUN node scripts/build.ts

# ---- deps: production dependencies only ----
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The runtime image brings its own Node: drop the development one.
RUN npm pkg delete dependencies.node \
 && npm install --omit=dev --no-audit --no-fund --ignore-scripts \
 && rm -rf /root/.npm

# ---- runtime: distroless Node 24, no shell, no package manager ----
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# package.json marks /app as the project root (the API finds dist/webui and
# webui/index.html from there).
COPY --from=deps /app/package.json ./package.json
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY webui/index.html ./webui/index.html
USER 65532:65532
# HTTP: web UI, JSON API, /healthz, /readyz, /metrics.
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "dist/operator/main.mjs"]
