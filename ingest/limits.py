"""Limits that keep one upload from exhausting the server. Exceeding one is a FileError."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_rows: int = 500_000  # non-empty data rows, header excluded
    # every row read, empty ones included (Excel's own maximum): the work per file is bounded
    # even when it is almost all empty rows
    max_sheet_rows: int = 1_048_576
    max_columns: int = 50
    max_sheets: int = 20  # xlsx only
    max_unpacked_bytes: int = 400 * 1024 * 1024  # xlsx only: sum of the zip members' sizes
    # xlsx only: openpyxl holds the whole shared-strings table in memory (about 60 bytes a
    # string plus its text), so it is bounded: at most about 70 MB for one upload.
    max_shared_strings: int = 500_000
    max_shared_chars: int = 20_000_000


DEFAULT_LIMITS = ReadLimits()


# A project's units in all (a care-housing project is tens to hundreds of dwellings); a larger
# number is refused (too_many_units) rather than counted as realisation.
MAX_PROJECT_UNITS = 2_000
