# The Switchboard operator image: Node 24, non-root, read-only friendly.
# It holds the esbuild bundles (dist/: the operator with its npm packages
# inside, and the web UI) and the web UI's index.html - no node_modules, no
# sources, no dev tools.
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
COPY scripts/build.ts scripts/build-options.ts scripts/
COPY operator/src operator/src
COPY webui webui
# Node 24 runs the TypeScript build script directly (type stripping).
RUN node scripts/build.ts

# ---- runtime: distroless Node 24, no shell, no package manager ----
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# package.json marks /app as the project root (the API finds dist/webui and
# webui/index.html from there).
COPY package.json ./package.json
COPY --from=build /src/dist ./dist
COPY webui/index.html ./webui/index.html
USER 65532:65532
# HTTP: web UI, JSON API, /healthz, /readyz, /metrics.
EXPOSE 8080
# No --enable-source-maps: decoding the map costs ~90 MiB (see scripts/build-options.ts).
ENTRYPOINT ["/nodejs/bin/node", "dist/operator/main.mjs"]
