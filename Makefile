# Every target runs on the project's own Node 24 (node_modules/.bin/node, from
# the npm package `node`) and the Go-built control plane (tools/build.sh).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

TEST_FILES := 'operator/**/*.test.ts' 'webui/**/*.test.ts' 'test/**/*.test.ts'

.PHONY: all deps system-deps tools asterisk images typecheck lint format crds build test run bench clean

all: test

node_modules/.deps-installed: package.json package-lock.json
	@# not `npm ci`: the registry here lacks some optional per-platform packages
	@# (e.g. @biomejs/cli-darwin-x64), so the lockfile cannot list them and ci refuses it
	npm install --no-audit --no-fund
	@node --version | grep -q '^v24\.' || { echo "node_modules/.bin/node is not Node 24"; exit 1; }
	touch $@

deps: node_modules/.deps-installed

# Debian packages the browser and SIP tests drive for real (headless Chromium,
# Kamailio as WebSocket registrar/proxy, coturn as TURN server, SIPp,
# PostgreSQL for call history: scripts/lib/postgres-process.ts), what
# Asterisk 22 builds from (tools/asterisk/build.sh) and the tools that make its
# sounds (sox, espeak-ng), and the real node's runtime (containerd, runc, the
# CNI plugins) and the tool that packs its images (umoci: tools/node/images.sh),
# mmdebstrap and buildah for the project's images (tools/images/build.sh);
# installs only the ones missing, so an equipped machine never touches apt.
SYSTEM_PACKAGES := chromium kamailio kamailio-websocket-modules coturn sip-tester \
  build-essential pkg-config bzip2 libedit-dev libjansson-dev libxml2-dev uuid-dev \
  libsqlite3-dev libssl-dev libsrtp2-dev libncurses-dev libpq-dev zlib1g-dev sox espeak-ng postgresql \
  containerd runc containernetworking-plugins umoci mmdebstrap buildah
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' || echo "$$p"; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

# Builds kube-apiserver, kube-controller-manager, kubectl, etcd and helm, and
# the test node's kubelet, kube-scheduler, kube-proxy and CoreDNS once (about
# 11 minutes on 2 cores, the node's share under 2); later calls find them in
# the cache. The node's own images build on first use (tools/node/images.sh).
tools:
	tools/build.sh >/dev/null

# Builds Asterisk 22 from ../shared/asterisk/src (or the official release
# downloads) once into the same cache (7 minutes cold on 2 cores).
asterisk: system-deps
	tools/asterisk/build.sh >/dev/null

# Builds the operator and Asterisk images without a registry (Debian bases
# made with mmdebstrap, buildah on Dockerfile and asterisk/Dockerfile) into
# OCI archives in the same cache, printing `name=path` lines; later calls
# rebuild only what changed (~15 minutes cold, Asterisk compiles).
images: deps system-deps
	tools/images/build.sh

typecheck: deps
	tsc --noEmit -p tsconfig.json

lint: deps
	biome ci .

format: deps
	biome check --write .

# Bundles the operator (and the web UI) into dist/ with esbuild.
build: deps
	node scripts/build.ts

# Regenerates crds/*.yaml from the TypeScript CRD sources, and the Helm chart's
# copies of them and its values.schema.json.
crds: deps
	node scripts/gen-crds.ts
	node scripts/gen-chart.ts

test: deps system-deps tools asterisk typecheck lint build
	SWITCHBOARD_BIN=$$(tools/build.sh) SWITCHBOARD_ASTERISK=$$(tools/asterisk/build.sh) node --test --test-global-setup=test/global-setup.ts $(TEST_FILES)
	scripts/check-no-leftovers.sh

# Starts a local control plane, installs the CRDs, applies the samples and
# stays in the foreground until Ctrl-C.
run: deps tools asterisk build
	SWITCHBOARD_BIN=$$(tools/build.sh) SWITCHBOARD_ASTERISK=$$(tools/asterisk/build.sh) node scripts/run.ts

clean:
	rm -rf .run dist

# Scale figures (README): agents → credentials → Asterisk configuration.
bench: deps tools asterisk build
	SWITCHBOARD_BIN=$$(tools/build.sh) SWITCHBOARD_ASTERISK=$$(tools/asterisk/build.sh) node --test --test-global-setup=test/global-setup.ts --test-reporter=spec 'test/bench/*.bench.ts'
	scripts/check-no-leftovers.sh
