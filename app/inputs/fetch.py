"""Fetching a web page by URL, safely enough to do it on a server's behalf.

Only http and https; every address the host name resolves to must be public (no loopback,
private, link-local, shared or multicast address) unless private addresses are allowed, and
the connection goes to the address that was checked, so a second DNS answer cannot swap it.
Redirects are followed by hand, a bounded number of times, each hop checked the same way.
The answer must be HTML, within the size limit and the time limit.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from app.inputs.errors import InputError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "verbatim (+https://github.com/) statement extractor"
CHUNK = 64 * 1024

FetchFailure = Literal["not-allowed", "too-large", "unsupported-type", "too-many-redirects", "failed"]


class FetchError(InputError):
    """Why a URL was not fetched; ``kind`` lets the API pick the problem type."""

    def __init__(self, kind: FetchFailure, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits of one fetch (from the ``VERBATIM_FETCH_*`` settings)."""

    timeout: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Fetched:
    """An HTML answer: the final URL (after redirects), its bytes and declared charset."""

    url: str
    body: bytes
    charset: str | None


def is_url(value: str) -> bool:
    """Whether a command-line argument names a URL rather than a file."""
    return value.lower().startswith(("http://", "https://"))


def fetch_html(url: str, policy: FetchPolicy) -> Fetched:
    """GET ``url`` within ``policy``; FetchError with a one-line reason otherwise."""
    deadline = time.monotonic() + policy.timeout
    for _ in range(policy.max_redirects + 1):
        response, connection = _get(url, policy, deadline)
        try:
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError("failed", f"{url} answered HTTP {response.status} without a Location")
                url = urljoin(url, location.strip())
                continue
            return _html(url, response, connection, policy, deadline)
        finally:
            connection.close()
    raise FetchError("too-many-redirects", f"more than {policy.max_redirects} redirects (last to {url})")


def _get(url: str, policy: FetchPolicy, deadline: float) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("not-allowed", f"only http and https URLs are fetched, not {parts.scheme or 'no'} scheme")
    if not parts.hostname:
        raise FetchError("not-allowed", f"no host in URL {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("not-allowed", f"bad port in URL {url!r}") from None
    address = _checked_address(parts.hostname, port, policy.allow_private)
    connection = _connection(parts.scheme, parts.hostname, port, address, _left(deadline, url))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"})
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise _network_error(url, exc) from exc


def _checked_address(host: str, port: int, allow_private: bool) -> str:
    """The first address of ``host``, after checking that every one of them may be reached."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError("failed", f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise FetchError(
                    "not-allowed",
                    f"{host} resolves to {address}, a loopback, private or link-local address "
                    "(VERBATIM_FETCH_ALLOW_PRIVATE allows them)",
                )
    return addresses[0]


def is_public(address: str) -> bool:
    """True for an address on the public internet (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the host name, as usual."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    return kind(host, port, address, timeout)


def _html(
    url: str, response: http.client.HTTPResponse, connection: http.client.HTTPConnection, policy: FetchPolicy, deadline: float
) -> Fetched:
    if response.status != 200:
        raise FetchError("failed", f"{url} answered HTTP {response.status} {response.reason}".rstrip())
    media, _, params = (response.getheader("Content-Type") or "").partition(";")
    media = media.strip().lower()
    if media not in HTML_TYPES:
        raise FetchError("unsupported-type", f"{url} is {media or 'of no declared type'}, not an HTML page")
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError("too-large", f"{url} is {declared} bytes, over the limit of {policy.max_bytes} (VERBATIM_FETCH_MAX_BYTES)")
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if connection.sock is not None:  # the whole answer within the time limit
                connection.sock.settimeout(_left(deadline, url))
            chunk = response.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError("too-large", f"{url} is over the limit of {policy.max_bytes} bytes (VERBATIM_FETCH_MAX_BYTES)")
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as exc:
        raise _network_error(url, exc) from exc
    charset = params.partition("charset=")[2].split(";")[0].strip().strip('"').lower() or None
    return Fetched(url, b"".join(chunks), charset)


def _left(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("failed", f"{url} did not answer in time")
    return left


def _network_error(url: str, exc: BaseException) -> FetchError:
    if isinstance(exc, TimeoutError | socket.timeout):
        return FetchError("failed", f"{url} did not answer in time")
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return FetchError("failed", f"cannot fetch {url}: {reason}")
