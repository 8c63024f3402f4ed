"""STUN/TURN servers for video visits: the `ice_servers` setting's syntax and its value.

One entry per server, in order of preference, separated by commas or whitespace (or a TOML
list of strings)::

    stun:stun.example.org:3478
    turn:USER:CREDENTIAL@turn.example.org:3478?transport=udp
    turns:USER:CREDENTIAL@turn.example.org:443?transport=tcp

`USER` and `CREDENTIAL` are percent-encoded when they hold `:`, `@`, `,`, `%` or spaces.
The value is the same shape as the browser's `RTCIceServer` (one URL each), so the
patient's page and the clinician can be handed the same list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

SCHEMES = ("stun", "stuns", "turn", "turns")
TRANSPORTS = ("udp", "tcp")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$")


@dataclass(frozen=True)
class IceServer:
    """One STUN or TURN server. `url` never carries the credentials."""

    url: str
    username: str | None = None
    credential: str | None = field(default=None, repr=False)

    @property
    def scheme(self) -> str:
        return self.url.partition(":")[0]

    @property
    def is_turn(self) -> bool:
        return self.scheme in ("turn", "turns")

    def browser_shape(self) -> dict[str, object]:
        """As in `RTCIceServer` (and `welcome.ice_servers`)."""
        shape: dict[str, object] = {"urls": [self.url]}
        if self.username is not None:
            shape["username"] = self.username
        if self.credential is not None:
            shape["credential"] = self.credential
        return shape


def parse_ice_server(text: str) -> IceServer:
    """One entry of the setting; `ValueError` with a plain reason if it is malformed."""
    scheme, sep, rest = text.strip().partition(":")
    if not sep or scheme.lower() not in SCHEMES:
        raise ValueError(f"'{_safe(text)}' must start with one of {', '.join(SCHEMES)}:")
    scheme = scheme.lower()
    username = credential = None
    if "@" in rest:
        userinfo, _, rest = rest.rpartition("@")
        user, colon, secret = userinfo.partition(":")
        if not colon or not user:
            raise ValueError(f"'{_safe(text)}' must give credentials as USER:CREDENTIAL@")
        if scheme.startswith("stun"):
            raise ValueError(f"'{_safe(text)}': STUN servers take no credentials")
        username, credential = unquote(user), unquote(secret)
    address, question, query = rest.partition("?")
    host, port = _host_port(address, text)
    url = f"{scheme}:{host}" + (f":{port}" if port is not None else "")
    if question:
        name, equals, transport = query.partition("=")
        if name != "transport" or not equals or transport.lower() not in TRANSPORTS:
            raise ValueError(f"'{_safe(text)}': only ?transport=udp or ?transport=tcp is allowed")
        if scheme.startswith("stun"):
            raise ValueError(f"'{_safe(text)}': STUN servers take no transport")
        if scheme == "turns" and transport.lower() != "tcp":
            raise ValueError(f"'{_safe(text)}': turns (TLS) runs over TCP only")
        url += f"?transport={transport.lower()}"
    return IceServer(url, username, credential)


def _host_port(address: str, original: str) -> tuple[str, int | None]:
    host, port_text = address, ""
    if address.startswith("["):  # IPv6 literal
        closing = address.find("]")
        host, port_text = address[: closing + 1], address[closing + 1 :].removeprefix(":")
    elif ":" in address:
        host, _, port_text = address.rpartition(":")
    if not host or not _HOST.match(host):
        raise ValueError(f"'{_safe(original)}' has no valid host name")
    if not port_text:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"'{_safe(original)}' has an invalid port")
    return host, int(port_text)


def _safe(text: str) -> str:
    """The entry without its credentials, for error messages."""
    scheme, sep, rest = text.strip().partition(":")
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return scheme + sep + rest


def parse_ice_servers(value: object) -> tuple[IceServer, ...]:
    """The whole setting: a string of entries or a list of entry strings."""
    entries: Iterable[object]
    if isinstance(value, str):
        entries = [part for part in re.split(r"[\s,]+", value) if part]
    elif isinstance(value, list | tuple):
        entries = value
    else:
        raise ValueError("must be text or a list of server addresses")
    servers: list[IceServer] = []
    for entry in entries:
        if not isinstance(entry, str):
            raise ValueError("every entry must be text")
        servers.append(parse_ice_server(entry))
    return tuple(servers)


def from_browser_shape(shape: object) -> tuple[IceServer, ...]:
    """The servers of one `RTCIceServer`-shaped object; unusable entries are skipped."""
    if not isinstance(shape, dict):
        return ()
    urls = shape.get("urls")
    url_list = [urls] if isinstance(urls, str) else urls if isinstance(urls, list) else []
    username = shape.get("username")
    credential = shape.get("credential")
    servers = []
    for url in url_list:
        if not isinstance(url, str):
            continue
        try:
            parsed = parse_ice_server(url)
        except ValueError:
            continue
        servers.append(
            IceServer(
                parsed.url,
                username if isinstance(username, str) else parsed.username,
                credential if isinstance(credential, str) else parsed.credential,
            )
        )
    return tuple(servers)


def merged(first: Iterable[IceServer], then: Iterable[IceServer]) -> tuple[IceServer, ...]:
    """`first` in order, then those of `then` whose URL is not already there."""
    result: list[IceServer] = []
    seen: set[str] = set()
    for server in (*first, *then):
        if server.url not in seen:
            seen.add(server.url)
            result.append(server)
    return tuple(result)
