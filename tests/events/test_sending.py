"""One webhook POST: timeouts, the cap on what is read back, redirects only to the same origin."""

import time

from mascustomers.events.sending import EXCERPT_CHARS, MAX_RESPONSE_BYTES, Sender, Timeouts
from tests.events.receiver import Reply, receiving

HEADERS = {"Content-Type": "application/json"}


def test_a_2xx_is_success_anything_else_a_failure() -> None:
    sender = Sender()
    with receiving(lambda path, body: Reply(204 if path == "/ok" else 503, b"")) as receiver:
        assert sender.post(receiver.url("/ok"), b"{}", HEADERS).ok
        failed = sender.post(receiver.url("/down"), b"{}", HEADERS)
        assert (failed.ok, failed.status_code, failed.error) == (False, 503, None)
    sender.close()


def test_a_slow_receiver_times_out() -> None:
    sender = Sender(Timeouts(connect=1.0, read=0.3, write=1.0, total=1.0))
    with receiving(lambda path, body: Reply(200, b"late", delay=1.0)) as receiver:
        started = time.monotonic()
        sent = sender.post(receiver.url(), b"{}", HEADERS)
        assert time.monotonic() - started < 1.0
    assert not sent.ok
    assert sent.status_code is None
    assert sent.error is not None
    assert sent.error.startswith("timeout")
    sender.close()


def test_what_is_read_back_is_capped() -> None:
    huge = b"x" * (4 * MAX_RESPONSE_BYTES)
    sender = Sender()
    with receiving(lambda path, body: Reply(200, huge)) as receiver:
        sent = sender.post(receiver.url(), b"{}", HEADERS)
    assert sent.ok
    assert sent.excerpt == "x" * EXCERPT_CHARS
    sender.close()


def test_redirects_are_followed_to_the_same_origin_only() -> None:
    sender = Sender()
    with receiving() as elsewhere:

        def answer(path: str, body: bytes) -> Reply:
            targets = {
                "/moved": "/final",
                "/away": elsewhere.url("/final"),  # another port: another origin
                "/found": "/final",
            }
            if path in targets:
                status = 302 if path == "/found" else 307
                return Reply(status, b"", headers={"Location": targets[path]})
            return Reply(200, b"here")

        with receiving(answer) as receiver:
            followed = sender.post(receiver.url("/moved"), b'{"a":1}', HEADERS)
            assert (followed.ok, followed.excerpt) == (True, "here")
            assert [r.path for r in receiver.received][-1] == "/final"
            assert receiver.received[-1].body == b'{"a":1}'  # the POST again, as 307 says
            away = sender.post(receiver.url("/away"), b"{}", HEADERS)
            assert (away.ok, away.error) == (False, "redirect to another host refused")
            found = sender.post(receiver.url("/found"), b"{}", HEADERS)
            assert not found.ok
            assert found.error is not None
            assert "not followed" in found.error
        assert elsewhere.received == []
    sender.close()


def test_nothing_listening_is_a_connection_failure() -> None:
    from tests.live_server import free_port

    sent = Sender().post(f"http://127.0.0.1:{free_port()}/x", b"{}", HEADERS)
    assert (sent.ok, sent.status_code) == (False, None)
    assert sent.error is not None
    assert "ConnectionRefusedError" in sent.error


def test_a_kept_alive_connection_the_receiver_dropped_is_replaced() -> None:
    sender = Sender()
    with receiving(lambda path, body: Reply(200, b"ok", hang_up=True)) as receiver:
        for _ in range(3):
            assert sender.post(receiver.url(), b"{}", HEADERS).ok
        assert len(receiver.received) == 3
    sender.close()
