"""``mascustomers webhooks …`` on a database with committed data: create, list, update,
deliver, log, redeliver, delete."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mascustomers.cli.main import app
from mascustomers.events.signature import verify
from tests.bodies import mobile_signup
from tests.databases import fresh_database_url
from tests.events.receiver import receiving
from tests.events.world import committed_world

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["webhooks", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_webhooks_commands(
    tmp_path: Path, worker_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh_database_url(f"evt_cli_{worker_id}", tmp_path)
    with committed_world(url) as world, receiving() as receiver:
        monkeypatch.setenv("MASCUSTOMERS_DATABASE_URL", url)
        created = run("create", "--org", "telco", "--url", receiver.url(), "--types", "signup.*")
        first, second = created.strip().splitlines()
        endpoint_id, status, shown_url, types = first.split("\t")
        assert (status, shown_url, types) == ("ENABLED", receiver.url(), "signup.*")
        secret = second.removeprefix("secret: ")
        assert secret.startswith("whsec_")
        assert secret not in run("list", "--org", "telco")
        assert world.api.post("/signups", json=mobile_signup()).status_code == 200
        assert run("deliver").strip() == "sent 1: 1 delivered, 0 failed"
        [got] = receiver.received
        event = verify(got.body, got.headers["mascustomers-signature"], secret)
        log = run("deliveries", endpoint_id, "--org", "telco")
        assert f"event {event['id']} signup.accepted\tDELIVERED\t1 attempts" in log
        assert "\t200\t" in log
        assert "queued" in run(
            "redeliver", endpoint_id, "--org", "telco", "--event", str(event["id"])
        )
        run("deliver")
        assert [r.event["id"] for r in receiver.received] == [event["id"], event["id"]]
        updated = run("update", endpoint_id, "--org", "telco", "--disable", "--types", "*")
        assert updated.split("\t")[1:2] == ["DISABLED"]
        refused = runner.invoke(app, ["webhooks", "create", "--org", "telco", "--url", "ftp://x"])
        assert refused.exit_code == 1
        assert "url: the scheme must be http or https" in refused.output
        bad = runner.invoke(
            app, ["webhooks", "create", "--org", "telco", "--url", "http://x", "--types", "x.y"]
        )
        assert bad.exit_code == 1
        assert "unknown event type" in bad.output
        assert run("delete", endpoint_id, "--org", "telco").strip() == (
            f"deleted webhook endpoint {endpoint_id}"
        )
        assert run("list", "--org", "telco") == ""
