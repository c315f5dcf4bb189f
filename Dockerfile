# The web app is built in a Node stage (codegen from the committed SDL, then Vite); the Python
# image serves its bundle at / and GraphiQL at /graphql, and registers the documented and the web
# app's operations for allow-list mode (WOONZORG_PERSISTED_QUERIES).
FROM node:20-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema/schema.graphql /src/schema/schema.graphql
COPY data/geo /src/data/geo
COPY web ./
RUN npm run build

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY core ./core
COPY db ./db
COPY ingest ./ingest
COPY progress_engine ./progress_engine
COPY services ./services
COPY workers ./workers
COPY schema ./schema
COPY api ./api
COPY data ./data
COPY docs/queries ./docs/queries
COPY web/src/gql ./web/src/gql
COPY --from=web /src/web/dist ./web/dist
RUN pip install --no-cache-dir .
ENV WOONZORG_HOST=0.0.0.0 \
    WOONZORG_WEB_DIST_DIR=/app/web/dist \
    WOONZORG_PERSISTED_QUERIES=/app/docs/queries,/app/web/src/gql/graphql.ts
EXPOSE 8000
CMD ["woonzorg", "serve"]
