FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY schema ./schema
COPY workers ./workers
COPY db ./db
COPY ingest ./ingest
COPY data ./data
RUN pip install --no-cache-dir .
ENV WOONZORG_HOST=0.0.0.0
EXPOSE 8000
CMD ["woonzorg", "serve"]
