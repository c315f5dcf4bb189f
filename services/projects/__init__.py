"""Project pipelines: creating, updating and moving projects, completion counted as realisation, the
bulk import of project files and the pipeline summary; the recompute they cause is queued."""
