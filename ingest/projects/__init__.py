"""Project files, pure: their columns, their rows checked and grouped per project, the phase machine
and the one error project operations raise. Storing projects is ``services.projects``."""
