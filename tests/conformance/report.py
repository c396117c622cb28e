"""``make conformance``: one line per reference operation, conforming or not, and a total."""

import sys
import tempfile
import warnings
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mascustomers.api.app import create_app
from mascustomers.db import migrate
from mascustomers.db.engine import make_engine
from mascustomers.settings import Settings
from tests.catalogue_fixture import load_test_catalogue
from tests.conformance.runner import run_all
from tests.factories import ApiCaller, make_key, make_org


def main() -> int:
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'conformance.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            org = make_org(session, slug="telco")
            load_test_catalogue(session, org)
            session.commit()
            key = make_key(session, org_slug="telco")
        settings = Settings(database_url=url, log_level="WARNING")
        with TestClient(
            create_app(settings, engine=engine), raise_server_exceptions=False
        ) as client:
            outcomes = run_all(ApiCaller(client, key, "telco"))
        engine.dispose()
    for outcome in outcomes:
        verdict = "conforming" if outcome.conforming else "NOT conforming"
        detail = "" if outcome.conforming else f"  ({'; '.join(outcome.problems)[:160]})"
        print(f"{verdict:15} {outcome.status}  {outcome.label}{detail}")
    good = sum(o.conforming for o in outcomes)
    print(f"\n{good} of {len(outcomes)} operations conforming")
    return 0


if __name__ == "__main__":
    sys.exit(main())
