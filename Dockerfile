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
RUN pip install --no-cache-dir .
ENV WOONZORG_HOST=0.0.0.0
EXPOSE 8000
CMD ["woonzorg", "serve"]
