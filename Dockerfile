# yrd-air roles for the distributed shape (docker-compose.yml). TypeScript runs through tsx.
# Multi-stage and non-root; optional packages are left out, so the embedded engine's ~540 MB
# binary (chDB) is not in the image: the server roles use a ClickHouse server (CLICKHOUSE_URL).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json cli.ts main.ts commands.ts ./
COPY schemas ./schemas
COPY ingest ./ingest
COPY processing ./processing
COPY api ./api
COPY infra ./infra
USER node
ENTRYPOINT ["node", "--import", "tsx", "cli.ts"]
CMD ["start"]
