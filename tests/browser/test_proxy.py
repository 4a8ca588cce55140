"""deploy/nginx.conf tested: two `streamlit run app.py` processes behind nginx, browsers kept on one each.

nginx comes from Debian (`apt-get install nginx`; .ci/run installs it). It runs here as a child
process with its own prefix in a temporary folder, on loopback ports, with the shipped
configuration; only its listen port and its upstream servers are replaced by the test's ports.
Outside CI a missing nginx skips these tests; with CI set it fails loudly.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import EPOCH_SHOWN, _free_port, metric, need, serve_app, stop, wait_idle
from tests.conftest import ROOT
from ui.live_chart import STATIC_PLOTLY as ASSET_ROUTE

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = ROOT / "deploy" / "nginx.conf"
COOKIE = "bp_route"
LOG_FORMAT = "'$upstream_addr $bp_route $status \"$request\"'"  # $bp_route: the key the upstream hash used

WRAPPER = """
daemon off;
user {user};
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format routes {log_format};
    access_log {tmp}/access.log routes;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


@dataclass
class Proxy:
    """nginx at `url` in front of the app processes at `backends` (host:port each)."""

    url: str
    backends: tuple[str, str]
    log: Path
    cookie_for: dict[str, str] = field(default_factory=dict)  # backend -> a routing key that lands there
    fresh_asset_status: dict[str, int] = field(default_factory=dict)  # backend -> plotly.js status, before any page

    def requests(self) -> list[tuple[str, str, int, str]]:
        """Every request nginx has logged: (upstream, routing key, status, request line)."""
        rows = []
        for line in self.log.read_text().splitlines():
            upstream, key, status, request = line.split(" ", 3)
            rows.append((upstream, key, int(status), request.strip('"')))
        return rows

    def get(self, path: str, key: str | None = None) -> tuple[int, bytes, str | None, str]:
        """GET `path` through nginx (with routing key `key`): status, body, its routing Set-Cookie, the upstream."""
        marker = f"probe={time.monotonic_ns()}"
        request = urllib.request.Request(f"{self.url}/{path}?{marker}",
                                         headers={"Cookie": f"{COOKIE}={key}"} if key else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                status, body, headers = r.status, r.read(), r.headers
        except urllib.error.HTTPError as err:
            status, body, headers = err.code, err.read(), err.headers
        ours = [c for c in headers.get_all("Set-Cookie") or () if c.startswith(f"{COOKIE}=")]
        assert len(ours) <= 1, ours
        return status, body, ours[0] if ours else None, self.upstream_of(marker)

    def upstream_of(self, text: str, timeout: float = 5.0) -> str:
        """The upstream of the logged request whose request line contains `text` (waits for the line)."""
        deadline = time.monotonic() + timeout
        while True:
            found = {upstream for upstream, _, _, request in self.requests() if text in request}
            if found or time.monotonic() > deadline:
                assert len(found) == 1, (text, found)
                return found.pop()
            time.sleep(0.05)


def site_conf(backends: tuple[str, str], port: int) -> str:
    """deploy/nginx.conf with the test's listen port and upstream servers."""
    text = CONF.read_text()
    text, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", text)
    servers = "".join(f"    server {b};\n" for b in backends)
    text, upstreams = re.subn(r"(?m)^(upstream backprop_playground \{\n\s*hash [^\n]*\n)(\s*server [^\n]*\n)+",
                              lambda m: m.group(1) + servers, text)
    assert listens == 1 and upstreams == 1, "deploy/nginx.conf changed shape: update this test's substitutions"
    return text


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[Proxy]:
    need(NGINX, "nginx", "nginx")
    tmp = tmp_path_factory.mktemp("nginx")
    with ExitStack() as stack:
        backends = tuple(urlsplit(stack.enter_context(serve_app())).netloc for _ in range(2))
        port = _free_port()
        (tmp / "site.conf").write_text(site_conf(backends, port))
        (tmp / "nginx.conf").write_text(WRAPPER.format(tmp=tmp, user=pwd.getpwuid(os.getuid()).pw_name,
                                                       log_format=LOG_FORMAT))
        nginx = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stack.callback(stop, nginx)
        proxy = Proxy(f"http://127.0.0.1:{port}", backends, tmp / "access.log")
        deadline = time.monotonic() + 20
        while not proxy.log.exists() or _health(proxy.url) != "ok":
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {nginx.stderr.read().decode()[-2000:]}"
                                   f"{(tmp / 'error.log').read_text() if (tmp / 'error.log').exists() else ''}")
            time.sleep(0.1)
        for i in range(64):  # routing keys that land on each backend
            key = f"probe{i}"
            proxy.cookie_for.setdefault(proxy.get("_stcore/health", key)[3], key)
            if len(proxy.cookie_for) == 2:
                break
        assert set(proxy.cookie_for) == set(backends), proxy.cookie_for
        for backend, key in proxy.cookie_for.items():  # before any session has drawn a chart
            proxy.fresh_asset_status[backend] = proxy.get(ASSET_ROUTE, key)[0]
        yield proxy


def _health(url: str) -> str:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().decode().strip()
    except OSError:
        return ""


def test_the_first_response_sets_the_routing_cookie_and_later_ones_keep_it(proxy):
    status, _, cookie, upstream = proxy.get("_stcore/health")
    assert status == 200 and cookie is not None
    key = re.fullmatch(rf"{COOKIE}=([0-9a-f]{{32}}); Path=/; HttpOnly; SameSite=Lax", cookie).group(1)
    for _ in range(5):
        status, _, cookie, again = proxy.get("_stcore/health", key)
        assert status == 200 and cookie is None and again == upstream


def test_each_session_stays_on_its_process_and_two_can_differ(browser, browser_context_args, proxy):
    """One browser arrives without a cookie, the other with a key that lands on the other process."""
    fresh = browser.new_context(**browser_context_args)
    first = fresh.new_page()
    assets: list[str] = []
    first.on("request", lambda r: assets.append(r.url) if "plotly" in r.url else None)
    first.goto(proxy.url)  # its first response sets the cookie
    key = next(c["value"] for c in fresh.cookies(proxy.url) if c["name"] == COOKIE)
    home = {upstream for upstream, k, _, _ in proxy.requests() if k == key}
    assert len(home) == 1, home
    other_backend = next(b for b in proxy.backends if b not in home)
    preset = browser.new_context(**browser_context_args)
    preset.add_cookies([{"name": COOKIE, "value": proxy.cookie_for[other_backend], "url": proxy.url}])
    second = preset.new_page()
    second.goto(proxy.url)
    pages = ((fresh, first, key), (preset, second, proxy.cookie_for[other_backend]))
    for page in (first, second):
        wait_idle(page)
        page.wait_for_selector(".js-plotly-plot")
        assert metric(page, "Epoch") == "0"
    for n in range(1, 4):  # a session that hopped to the other process would start again at epoch 0
        for _, page, _ in pages:
            page.get_by_role("button", name="Step 1 epoch").click()
        for context, page, k in pages:
            page.wait_for_function(f"n => {EPOCH_SHOWN} === String(n)", arg=n)
            wait_idle(page)
            assert metric(page, "Epoch") == str(n)
            assert [c["value"] for c in context.cookies(proxy.url) if c["name"] == COOKIE] == [k]
    for context, _, _ in pages:
        context.close()
    for _, _, k in pages:  # every request of a browser, its WebSocket too (logged when it closes), on one process
        deadline = time.monotonic() + 10
        while not any(k == kk and "/_stcore/stream" in r for _, kk, _, r in proxy.requests()):
            assert time.monotonic() < deadline, f"no WebSocket logged for {k}"
            time.sleep(0.1)
        rows = [(upstream, status, r) for upstream, kk, status, r in proxy.requests() if kk == k]
        assert len({upstream for upstream, _, _ in rows}) == 1, rows
        assert any(status == 101 for _, status, r in rows if "/_stcore/stream" in r), rows
    routes = [{upstream for upstream, kk, _, _ in proxy.requests() if kk == k} for _, _, k in pages]
    assert routes[0] != routes[1]
    # plotly.js for the live charts, at the URL the page asked for, from either process (each drew a chart)
    assert any(url.split("?")[0] == f"{proxy.url}/{ASSET_ROUTE}" for url in assets), assets
    for backend, key in proxy.cookie_for.items():
        status, body, _, upstream = proxy.get(ASSET_ROUTE, key)
        assert (status, upstream) == (200, backend)
        assert len(body) > 1_000_000 and b"plotly.js" in body[:2000]


def test_plotly_js_is_served_by_either_process_from_its_first_request(proxy):
    assert proxy.fresh_asset_status == dict.fromkeys(proxy.backends, 200)
