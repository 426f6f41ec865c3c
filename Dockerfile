# syntax=docker/dockerfile:1
# The relay's container image. Build the production tree first, then the image:
#   npm run build:relay-tree && docker build -t cosell-relay .
# Only dist/relay (Relay/, Domain/, Plugins/, bin/ and the lockfile) enters the image; the
# development stack, tests and dev dependencies never do (docs/operations.md).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 fetches a prebuilt binary or compiles one; the compiler stays in this stage.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY dist/relay/package.json dist/relay/package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY dist/relay/ ./

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  COSELL_HOST=0.0.0.0 \
  COSELL_PORT=7071 \
  COSELL_DATA_DIR=/data
WORKDIR /app
# Code and dependencies belong to root and are read-only for the relay's user; only /data is writable.
COPY --from=deps /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 7071
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.COSELL_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/cosell.js"]
CMD ["relay"]
