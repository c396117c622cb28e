"""A table of the tests' own for the request engine's writes (``probe`` fixture,
``tests/db/conftest.py``), and the marked INSERT that a run sends without waiting."""

from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from mascustomers.db.pipelining import NO_ANSWER

PROBE = Table(
    "pipelining_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("note", String(40), nullable=False),
)
WRITE = insert(PROBE).inline().execution_options(**NO_ANSWER)
