"""Policy content: loading the reference dataset, and measure status reports."""
