# CloudEdu TaskManager: the service (dist/server) and its web UI (dist/web) on Node.js 24 LTS.
# How to build, run and bump: docs/container.md. In short:
#   podman build --format docker -t cloudedu-taskmanager:dev .     (docker format keeps HEALTHCHECK)
#   docker build -t cloudedu-taskmanager:dev .
#   … run --read-only --tmpfs /tmp -v taskmanager-data:/data -p 8080:8080 cloudedu-taskmanager:dev
#
# Base image, used by every stage so that the native module built in `deps` matches the runtime's
# Node ABI and libc. The official Node.js 24 LTS image on Debian bookworm slim, pinned by digest
# (the digest of node:24-bookworm-slim at 24.18.0). To bump it, resolve the tag's current
# multi-arch index digest, paste it here, rebuild and run tests/deploy/container.test.ts:
#   docker buildx imagetools inspect node:24-bookworm-slim      (the "Digest:" line), or
#   crane digest node:24-bookworm-slim
# Without registry access, pass a local stand-in instead:
#   --build-arg NODE_IMAGE=localhost/node-base:24   (scripts/container/build-base-image.sh)
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

# ---------------------------------------------------------------------------------------------
# deps: production dependencies only. better-sqlite3 is compiled here by its install script
# (allowed in package.json `allowScripts`): its prebuilt binaries are downloads from outside the
# package registries, and compiling on this base image matches the runtime stage's libc and Node
# ABI. The toolchain stays in this stage.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Behind a TLS-intercepting proxy, npm needs the proxy's CA. Pass it as a build secret: it is
# mounted for the npm steps only and never lands in a layer (docs/container.md):
#   --secret id=npm-ca,src=/etc/ssl/certs/ca-certificates.crt
# (A CA file mounted with --volume and named in --build-arg NPM_CONFIG_CAFILE works too, but the
# bind mount leaves an empty mount-point file behind in every stage that runs a command.)
ARG NPM_CONFIG_CAFILE
# Headers the addon is compiled against. Node 24.19 and later ship a header-only node::ObjectWrap
# whose destructor aborts the process when V8 collects the object outside a JS context
# (https://github.com/nodejs/node/issues/65446, open); better-sqlite3 12 derives from it, and built
# against the 24.21 headers it crashed this service at every start. Built against 24.18.1 headers
# it runs on every later 24.x (same ABI, NODE_MODULE_VERSION 137), as prebuilt binaries do. Set it
# to "" to use the image's own headers once Node ships the fix or better-sqlite3 >= 13 (Node-API)
# is in use; tests/deploy/container.test.ts starts the app and catches the abort.
ARG ADDON_HEADERS_VERSION=24.18.1
RUN --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm-ca; fi \
 && mkdir -p /opt/addon-headers \
 && if [ -z "$ADDON_HEADERS_VERSION" ]; then \
      ln -s /usr/local/include /opt/addon-headers/include; \
    else \
      case "$(uname -m)" in aarch64) arch=arm64 ;; *) arch=x64 ;; esac \
      && cd /tmp \
      && npm pack --silent "node-linux-${arch}@${ADDON_HEADERS_VERSION}" >/dev/null \
      && tar -xzf "node-linux-${arch}-${ADDON_HEADERS_VERSION}.tgz" -C /opt/addon-headers \
           --strip-components=1 package/include \
      && rm -rf /tmp/node-linux-* /root/.npm; \
    fi \
 && test -f /opt/addon-headers/include/node/node_object_wrap.h
WORKDIR /app
COPY package.json package-lock.json ./
# nodedir: node-gyp uses the headers above instead of downloading them.
# build_from_source: prebuild-install gives up at once instead of trying to download.
# Then keep only the compiled addon (the SQLite sources and object files are ~25 MB of build
# waste), drop source maps and type declarations (half of node_modules, never loaded by node),
# and fail the build, not the first request, if the addon does not load on this Node.
RUN --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm-ca; fi \
 && npm_config_nodedir=/opt/addon-headers npm_config_build_from_source=true \
    npm ci --omit=dev --no-audit --no-fund --no-update-notifier \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /app \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) \
      -delete \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()" \
 && rm -rf /root/.npm

# ---------------------------------------------------------------------------------------------
# build: all dependencies (scripts skipped: nothing here needs a native addon) and the build.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
ARG NPM_CONFIG_CAFILE
RUN --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NPM_CONFIG_CAFILE=/run/secrets/npm-ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build \
 && chmod 0755 dist/server/cli/index.js

# ---------------------------------------------------------------------------------------------
# runtime: node, the compiled app and its production dependencies; nothing else.
FROM ${NODE_IMAGE} AS runtime
# No package managers at run time (nothing installs anything in a read-only container, and their
# bundled dependencies only add to what a scanner must clear); a fixed non-root user; /data for
# the embedded SQLite database, the only place besides /tmp that the app writes.
RUN rm -rf /usr/local/lib/node_modules /usr/local/include/node /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && groupadd --gid 10001 taskmanager \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app \
      --shell /usr/sbin/nologin taskmanager \
 && install -d -o 10001 -g 10001 -m 0750 /data \
 && ln -s /app/dist/server/cli/index.js /usr/local/bin/taskmanager

WORKDIR /app
# Owned by root and not writable by the app user: the code cannot be changed at run time.
# package.json is needed at run time: its "type": "module" makes dist/**/*.js ES modules.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist

# Smaller V8 young-generation semi-spaces (4 MB instead of 16): peak RSS under the mixed benchmark
# load fell from 164 to 149 MB with no loss of throughput (bench/README.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    HOST=0.0.0.0 \
    PORT=8080 \
    METRICS_PORT=9464 \
    DATABASE_URL=sqlite:/data/taskmanager.db

USER 10001:10001
EXPOSE 8080 9464
# The app drains on SIGTERM (readyz 503, finish requests, exit 0 within SHUTDOWN_GRACE_SECONDS,
# default 10); keep the runtime's stop timeout (`stop -t`, terminationGracePeriodSeconds) at least
# that long, or it SIGKILLs a draining process.
STOPSIGNAL SIGTERM
# Slim images have no curl; Node's fetch does the probe. Kubernetes ignores HEALTHCHECK (the chart
# has its own probes); Docker and Podman (with --format docker) use it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/livez',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Node is PID 1 and handles SIGTERM and SIGINT itself (no npm, no shell in between). The tracing
# preload loads nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set; it must run before Fastify and
# mysql2 are imported for their instrumentation to apply.
ENTRYPOINT ["node", "--import", "./dist/server/platform/tracing.js", "dist/server/main.js"]

# Last, so that a new version or commit only changes this metadata, not a cached layer.
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE_URL=https://github.com/cloudedu/taskmanager
LABEL org.opencontainers.image.title="CloudEdu TaskManager" \
      org.opencontainers.image.description="Self-hosted multi-user task manager: Fastify API and web UI" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="CloudEdu"
# Reported by the taskmanager_build_info metric.
ENV GIT_COMMIT=${REVISION}
