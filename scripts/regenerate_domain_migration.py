"""Regenerate the (not yet released) domain-model migration from the models.

Until the first release the domain tables live in one migration that is rebuilt from the
models whenever they change: upgrade an empty SQLite file to the foundation revision, then
autogenerate. After a release, write ordinary new migrations instead.
"""

import tempfile
from pathlib import Path

from alembic import command

from mascustomers.db.migrate import MIGRATIONS_DIR, alembic_config

FOUNDATION = "42cbe225d2d3"
DOMAIN_REVISION = "5d0a1e7c9b21"


def main() -> None:
    for old in (MIGRATIONS_DIR / "versions").glob("*_domain_model.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'regen.db'}"
        config = alembic_config(url)
        command.upgrade(config, FOUNDATION)
        command.revision(config, "domain model", autogenerate=True, rev_id=DOMAIN_REVISION)


if __name__ == "__main__":
    main()
