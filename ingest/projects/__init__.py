"""Project pipelines: the project services, the phase machine, completion → realisation, the bulk
import of project files and the pipeline summary.

Everything here works on a caller's session and returns what changed, including the
(indicator, jurisdiction) cells whose progress must be recomputed: the broker is not known here
(``workers/projects.py`` and the submission actors queue the recompute).
"""
