# yrd-air roles for the distributed shape (docker-compose.yml). The CLI runs as one JavaScript
# file built with esbuild (`npm run build`): no TypeScript compiler in the process, ~70 MB less
# resident memory than running the sources through tsx. The sources stay in the image for the
# files read beside them (migrations, station list, dashboard) and for the factor worker, which
# loads its TypeScript through tsx. Multi-stage and non-root; optional packages are left out, so
# the embedded engine's ~540 MB binary (chDB) is not in the image: the server roles use a
# ClickHouse server (CLICKHOUSE_URL).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --ignore-scripts && npm rebuild esbuild
COPY tsconfig.json ./
COPY kernel ./kernel
COPY schemas ./schemas
COPY bus ./bus
COPY ingest ./ingest
COPY processing ./processing
COPY views ./views
COPY api ./api
COPY infra ./infra
COPY app ./app
COPY tools ./tools
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY kernel ./kernel
COPY schemas ./schemas
COPY bus ./bus
COPY ingest ./ingest
COPY processing ./processing
COPY views ./views
COPY api ./api
COPY infra ./infra
COPY app ./app
COPY tools ./tools
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT ["node", "dist/yrd-air.mjs"]
CMD ["start"]
