"""Fakes shared by tests: an in-memory HTTP transport for `requests` and a keychain."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


@dataclass
class Reply:
    """One canned HTTP answer (or, with `error`, a transport failure to raise)."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: Exception | None = None


Handler = Callable[[requests.PreparedRequest], Reply]


class FakeTransport(BaseAdapter):
    """Answers requests from a queue of `Reply`s or a handler; records what was sent."""

    def __init__(self, handler: Handler | None = None) -> None:
        super().__init__()
        self.handler = handler
        self.replies: deque[Reply] = deque()
        self.requests: list[requests.PreparedRequest] = []
        self.timeouts: list[object] = []
        self.redirects_allowed: list[bool] = []

    def queue(self, *replies: Reply) -> FakeTransport:
        self.replies.extend(replies)
        return self

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: object = None,
        verify: bool | str = True,
        cert: object = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        self.requests.append(request)
        self.timeouts.append(timeout)
        reply = self.handler(request) if self.handler is not None else self.replies.popleft()
        if reply.error is not None:
            raise reply.error
        response = requests.Response()
        response.status_code = reply.status
        headers = dict(reply.headers)
        if reply.json is not None:
            response._content = json.dumps(reply.json).encode()
            headers.setdefault("Content-Type", "application/fhir+json")
        else:
            response._content = reply.body or b""
        response.headers = CaseInsensitiveDict(headers)
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def fake_session(transport: FakeTransport) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", transport)
    session.mount("https://", transport)
    return session


def body_of(request: requests.PreparedRequest) -> Any:
    raw = request.body
    if raw is None:
        return None
    return json.loads(raw if isinstance(raw, bytes | str) else bytes(raw))


class FakeKeychain:
    """`SecretStore` in a dict; `fail_set` makes the next writes raise."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.writes = 0

    def get(self, name: str) -> str | None:
        return self.secrets.get(name)

    def set(self, name: str, secret: str) -> None:
        self.writes += 1
        self.secrets[name] = secret

    def delete(self, name: str) -> None:
        self.secrets.pop(name, None)
