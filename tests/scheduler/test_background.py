"""``serve --with-scheduler``: the loop runs on a thread for the app's lifetime."""

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mascustomers.api.app import create_app
from mascustomers.api.asgi_with_scheduler import with_scheduler
from mascustomers.scheduler.loop import BackgroundScheduler
from mascustomers.settings import Settings
from tests.catalogue_fixture import MAIN_30GB
from tests.scheduler.conftest import T0, FileWorld


def test_the_app_runs_due_operations_in_the_background(file_world: FileWorld) -> None:
    [line] = file_world.schedule_changes(1, due=T0 - timedelta(minutes=5))
    engine: Engine = file_world.engine
    app = with_scheduler(create_app(Settings(database_url=file_world.url), engine=engine))
    with TestClient(app) as client:
        assert client.get("/health/live").status_code == 200
        background = app.state.scheduler
        assert isinstance(background, BackgroundScheduler)
        assert background.thread.is_alive()
        deadline = time.monotonic() + 30
        while file_world.operations()[0].status != "DONE":
            assert time.monotonic() < deadline, "the background scheduler did not run it"
            time.sleep(0.05)
    assert not background.thread.is_alive()  # stopped with the app
    assert file_world.line(line).product_id == MAIN_30GB
