# syntax=docker/dockerfile:1
# Rampart in a container: built in one stage (native modules compile there), run in a slim one as an
# unprivileged user. Works with a read-only root filesystem: the only writable place is $HOME (/data), so mount
# a volume or tmpfs there.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The KrakenD docs snapshot (Apache-2.0, with its LICENSE and NOTICE), so docs search works offline from the start.
ARG KRAKEND_DOCS_URL=https://www.krakend.io/llms-full.txt
RUN npm run build \
  && node dist/release/snapshot-docs.js --from "$KRAKEND_DOCS_URL" \
  && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data && chown node:node /data
WORKDIR /app
COPY --from=build --chown=root:root /src/package.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --from=build --chown=root:root /src/krakend-docs ./krakend-docs
ENV NODE_ENV=production HOME=/data
USER node
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
