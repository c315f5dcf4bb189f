"""The data version: one row, bumped in the same transaction as every write a read can see."""

from __future__ import annotations

from db.base import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """What a response cache may serve: an answer computed at another stamp is never served.

    ``version`` counts the committed writes; ``stamp`` is random per bump, so a version never
    repeats even when the table is emptied (tests) or restored from a backup.
    """

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)
    stamp: str = Field(default="", max_length=32)
