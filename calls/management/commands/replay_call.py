"""Replay a recorded dialogue as a live call, in real time: to a running server's API, or in this process."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from calls.replay import play, read_recording, schedule
from calls.turns import TurnIn


class Command(BaseCommand):
    help = (
        "Stream a recorded dialogue (JSON turns, a call of the corpus, or 坐席：/市民： lines) as a live call, "
        "as the ASR engine would: partial hypotheses, final turns at their times, then the hang-up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--call", help="the id of a call in a corpus file (.jsonl); the first one by default")
        parser.add_argument("--speed", type=float, default=1.0, help="1: real time; 2: twice as fast; 0: at once")
        parser.add_argument("--call-id", help="the telephony's call id (default: REPLAY-<random>)")
        parser.add_argument("--operator", default="", help="the user name of the operator taking the call")
        parser.add_argument("--caller-phone", default="")
        parser.add_argument("--no-partials", action="store_true", help="send only the final turns")
        parser.add_argument("--api", help="a running server, e.g. http://127.0.0.1:8000 (default: in this process)")
        parser.add_argument("--token", help="an API token of a connected system or operator (with --api)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            turns = read_recording(options["file"], options["call"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        events = schedule(turns, partials=not options["no_partials"])
        call_id = options["call_id"] or f"REPLAY-{uuid.uuid4().hex[:10]}"
        target = _Api(options["api"], options["token"]) if options["api"] else _InProcess()
        opened = target.open(call_id, options["operator"], options["caller_phone"])
        self.stdout.write(f"call {call_id} opened: {opened}")
        started = time.monotonic()
        play(
            events,
            speed=options["speed"],
            send=lambda turn: target.turn(call_id, turn),
            hang_up=lambda: target.close(call_id),
        )
        target.finish()
        finals = sum(1 for event in events if event.turn is not None and event.turn.final)
        self.stdout.write(
            self.style.SUCCESS(
                f"replayed {finals} turns ({len(events) - 1 - finals} partial hypotheses) in "
                f"{time.monotonic() - started:.1f} s; call {call_id} ended"
            )
        )


class _InProcess:
    """The services of this process (the analysis runs in its threads without a broker, on the queue with one)."""

    def __init__(self) -> None:
        from accounts.models import User

        self.users = User.objects

    def open(self, call_id: str, operator: str, caller_phone: str) -> str:
        from calls.services import live_call_open

        user = self.users.filter(username=operator).first() if operator else None
        if operator and user is None:
            raise CommandError(f"no user is called {operator}")
        call = live_call_open(call_id=call_id, caller_phone=caller_phone, operator=user, by=None).call
        return f"/calls/{call.call_id}/"

    def turn(self, call_id: str, turn: TurnIn) -> None:
        from calls.models import LiveCall
        from calls.services import live_call_add_turn

        live_call_add_turn(call=LiveCall.objects.get(call_id=call_id), turn=turn)

    def close(self, call_id: str) -> None:
        from calls.models import LiveCall
        from calls.services import live_call_close

        live_call_close(call=LiveCall.objects.get(call_id=call_id), by=None)

    def finish(self) -> None:
        from calls.services import wait_for_live_analyses
        from hotline.publish import wait_until_sent

        if settings.CELERY_TASK_ALWAYS_EAGER:
            wait_for_live_analyses(timeout=60)
        else:
            wait_until_sent(timeout=10)


class _Api:
    """A running server's API (docs/live-calls.md), as the telephony platform calls it."""

    def __init__(self, base: str, token: str | None) -> None:
        if not token:
            raise CommandError("--api needs --token (manage.py issue_token USER)")
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base}/api/v1/{path}", data=json.dumps(body).encode(), headers=self.headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise CommandError(f"{path}: {exc.code} {exc.read().decode(errors='replace')}") from exc

    def open(self, call_id: str, operator: str, caller_phone: str) -> str:
        body = {"call_id": call_id, **({"operator": operator} if operator else {})}
        if caller_phone:
            body["caller_phone"] = caller_phone
        return self.base + self._post("calls/", body)["live_url"]

    def turn(self, call_id: str, turn: TurnIn) -> None:
        body: dict[str, Any] = {"seq": turn.seq, "speaker": turn.speaker, "text": turn.text, "final": turn.final}
        body.update({k: v for k, v in (("start", turn.start), ("end", turn.end)) if v is not None})
        self._post(f"calls/{call_id}/turns/", body)

    def close(self, call_id: str) -> None:
        self._post(f"calls/{call_id}/close/", {})

    def finish(self) -> None:
        return None
