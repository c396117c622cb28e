"""docs/events.md: every event type is in its table, and its receiver example runs — the very
code block, served on 127.0.0.1, verifying what the delivery worker sends."""

import re
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mascustomers.outbox.types import TYPES, EventType
from tests.bodies import mobile_signup
from tests.events.conftest import MakeWorker, add_endpoint
from tests.factories import ApiCaller

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_every_type_is_in_the_table() -> None:
    text = DOC.read_text().split("## Types", 1)[1].split("## The event stream", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, flags=re.MULTILINE)
    assert rows == [t.value for t in EventType]
    assert set(TYPES) == set(EventType)


def receiver_example() -> str:
    section = DOC.read_text().split("## Verifying a delivery", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert match is not None
    return match.group(1)


@pytest.mark.usefixtures("catalogue")
def test_the_receiver_example_runs(api: ApiCaller, make_worker: MakeWorker, capsys: Any) -> None:
    namespace: dict[str, Any] = {"__name__": "receiver"}
    exec(compile(receiver_example(), "docs/events.md", "exec"), namespace)
    server = ThreadingHTTPServer(("127.0.0.1", 0), namespace["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        endpoint = add_endpoint(api, url)
        namespace["SECRET"] = endpoint["secret"]
        assert api.post("/signups", json=mobile_signup()).status_code == 200
        worker = make_worker()
        worker.run_until_idle()
        [event] = api.get("/ops/events").json()["events"]
        assert namespace["handled"] == {event["id"]}
        assert f"{event['created']} signup.accepted" in capsys.readouterr().out
        # Sent again (a redelivery): answered 204 as before, handled once.
        again = api.post(
            f"/ops/webhooks/{endpoint['id']}/deliveries", json={"event_id": event["id"]}
        )
        assert again.status_code == 202
        worker.run_until_idle()
        log = api.get(f"/ops/webhooks/{endpoint['id']}/deliveries").json()["deliveries"]
        assert [d["log"][0]["status_code"] for d in log] == [204, 204]
        assert "signup.accepted" not in capsys.readouterr().out
        forged = httpx.post(
            url, content=b'{"id": 1}', headers={"Mascustomers-Signature": "t=1,v1=00"}
        )
        assert forged.status_code == 400
        unsigned = httpx.post(url, content=b"{}")
        assert unsigned.status_code == 400
    finally:
        server.shutdown()
        server.server_close()
