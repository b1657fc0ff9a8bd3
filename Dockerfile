# pipeguard CLI image: `buildah bud -t pipeguard .` (or `docker build -t pipeguard .`), then
# `podman run --rm -v "$PWD:/src:ro" pipeguard scan .`
# Base: node:20-slim (Debian), pinned by the digest of its multi-platform index. Refresh the digest on purpose
# (`buildah pull docker.io/library/node:20-slim` / `docker buildx imagetools inspect node:20-slim`), never the tag.
ARG NODE_IMAGE=docker.io/library/node:20-slim@sha256:1e85773c98c31d4fe5b545e4cb17379e617b348832fb3738b22a08f68dec30f3

# Build: install every dependency (native addons compile here), bundle the CLI, then keep production ones only.
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
# Without scripts: the package's own `prepare` needs the sources copied below. Then the native addon and esbuild.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY schema ./schema
RUN node scripts/bundle.mjs \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf /root/.npm

# Runtime: the bundle, its external modules and the schemas; no compilers, no npm cache, not root.
# pipeguard:ignore[docker-missing-healthcheck] a CLI that runs and exits, not a service: HEALTHCHECK NONE below
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PIPEGUARD_DB=/home/pipeguard/.cache/pipeguard/advisories.db
RUN groupadd --gid 10001 pipeguard \
 && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin pipeguard \
 && mkdir /src && chown 10001:10001 /src
WORKDIR /opt/pipeguard
COPY --from=build --chown=0:0 /build/package.json ./
COPY --from=build --chown=0:0 /build/node_modules ./node_modules
COPY --from=build --chown=0:0 /build/dist/bundle ./dist/bundle
COPY --from=build --chown=0:0 /build/schema ./schema
RUN ln -s /opt/pipeguard/dist/bundle/main.js /usr/local/bin/pipeguard && chmod 0755 dist/bundle/main.js
USER 10001:10001
WORKDIR /src
HEALTHCHECK NONE
ENTRYPOINT ["node", "/opt/pipeguard/dist/bundle/main.js"]
CMD ["--help"]
