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
#
# BUILD_BASE and BASE select the base images; the defaults are the public
# ones. tools/images/build.sh passes Debian root filesystems it made itself
# with mmdebstrap instead: a bookworm minbase with Node 24 (the npm package
# `node`) and npm in /usr/local, as node:24-bookworm-slim has them, and a
# distroless-like one (libc, libstdc++, /nodejs/bin/node, user nonroot 65532).
ARG BUILD_BASE=node:24-bookworm-slim
ARG BASE=gcr.io/distroless/nodejs24-debian12:nonroot

# ---- build: bundle operator and web UI with the repository's esbuild ----
FROM ${BUILD_BASE} AS build
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
FROM ${BASE}
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
