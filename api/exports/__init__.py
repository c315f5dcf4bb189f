"""Exports of the API's lists as CSV and XLSX at ``/exports/<list>.<format>``."""
