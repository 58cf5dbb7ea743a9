"""The online fallback, against a local Nominatim stand-in (never the network)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from geo.errors import GeoError, NotFound
from geo.places.gazetteer import load_default
from geo.places.online import OnlineError, OnlineGeocoder, site_from_nominatim

ERBIL_AIRPORT = {
    "osm_type": "way", "osm_id": 123456, "lat": "36.2376", "lon": "43.9632",
    "class": "aeroway", "type": "aerodrome", "name": "Erbil International Airport",
    "display_name": "Erbil International Airport, Erbil, Kurdistan Region, Iraq",
    "boundingbox": ["36.22", "36.25", "43.94", "43.98"], "address": {"country_code": "iq"},
}  # fmt: skip


class FakeNominatim(ThreadingHTTPServer):
    """Answers ``/search`` from ``answers`` (lower-cased query -> results) and records requests."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: dict[str, list] = {"erbil airport": [ERBIL_AIRPORT]}
        self.requests: list[dict] = []
        self.status = 200

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.requests.append({"path": url.path, "user_agent": self.headers["User-Agent"], **params})
        body = json.dumps(self.server.answers.get(params.get("q", "").lower(), [])).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a proxy in the environment must not intercept
    server = FakeNominatim()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def online_settings(make_settings, server):
    return make_settings(GEO_ONLINE="1", GEO_ONLINE_DOMAIN=server.domain, GEO_ONLINE_SCHEME="http")


@pytest.fixture
def geocoder(online_settings):
    return OnlineGeocoder(online_settings, min_delay_seconds=0, timeout=5)


def test_an_answer_becomes_an_online_site(geocoder, server, online_settings):
    match = geocoder.geocode("Erbil airport")
    assert (match.method, match.score, match.query) == ("online", 70.0, "Erbil airport")
    site = match.site
    assert (site.id, site.layer, site.kind, site.country) == ("online:way/123456", "online", "airport", "IQ")
    assert (site.lat, site.lon, site.name) == (36.2376, 43.9632, "Erbil International Airport")
    assert 1000 < site.precision_m < 5000  # half the diagonal of the bounding box
    [request] = server.requests
    assert request["path"] == "/search" and request["countrycodes"] == "iq,sy,jo"
    assert request["user_agent"] == online_settings.user_agent


def test_a_second_ask_is_answered_from_the_cache(geocoder, server):
    first = geocoder.geocode("Erbil airport")
    again = geocoder.geocode("ERBIL  Airport")  # same normalised key
    assert again.site == first.site
    assert len(server.requests) == 1


def test_misses_are_cached_too(geocoder, server):
    assert geocoder.geocode("Nowhere at all") is None
    assert geocoder.geocode("Nowhere at all") is None
    assert len(server.requests) == 1


def test_the_cache_outlives_the_geocoder(online_settings, server):
    OnlineGeocoder(online_settings, min_delay_seconds=0).geocode("Erbil airport")
    OnlineGeocoder(online_settings, min_delay_seconds=0).geocode("Erbil airport")
    assert len(server.requests) == 1
    assert (online_settings.cache_dir / "nominatim.sqlite").is_file()


def test_a_country_narrows_the_search_and_the_cache_key(geocoder, server):
    geocoder.geocode("Erbil airport")
    geocoder.geocode("Erbil airport", country="SY")
    assert [r["countrycodes"] for r in server.requests] == ["iq,sy,jo", "sy"]


def test_requests_are_spaced_by_the_rate_limit(online_settings, server):
    geocoder = OnlineGeocoder(online_settings, min_delay_seconds=0.3)
    start = time.perf_counter()
    geocoder.geocode("first place")
    geocoder.geocode("second place")
    assert time.perf_counter() - start >= 0.3


def test_an_unreachable_service_is_a_geo_error_and_not_cached(make_settings, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(GEO_ONLINE="1", GEO_ONLINE_DOMAIN=f"127.0.0.1:{port}", GEO_ONLINE_SCHEME="http")
    geocoder = OnlineGeocoder(settings, min_delay_seconds=0, timeout=2)
    with pytest.raises(OnlineError, match="online geocoding failed for 'Erbil airport'"):
        geocoder.geocode("Erbil airport")
    assert geocoder.cache.get("erbil [airport]|IQ,SY,JO") is geocoder.cache.MISSING


def test_a_server_error_is_a_geo_error_and_a_retry_can_succeed(geocoder, server):
    server.status = 500
    with pytest.raises(GeoError):
        geocoder.geocode("Erbil airport")
    server.status = 200
    assert geocoder.geocode("Erbil airport").site.id == "online:way/123456"


def test_an_unusable_answer_is_a_geo_error():
    with pytest.raises(OnlineError, match="unusable"):
        site_from_nominatim({"osm_type": "node", "osm_id": 1, "lat": "north", "lon": "1"})


def test_the_gazetteer_asks_online_only_when_nothing_local_matches(online_settings, server):
    gazetteer = load_default(online_settings)
    assert gazetteer.lookup("Erbil").site.id == "erbil"
    assert server.requests == []
    match = gazetteer.lookup("Erbil airport", country="IQ")  # curated: erbil-airport
    assert match.site.layer == "curated"
    server.answers["qalat dizah"] = [{**ERBIL_AIRPORT, "osm_id": 9, "class": "place", "type": "town"}]
    match = gazetteer.lookup("Qalat Dizah")
    assert (match.site.id, match.site.kind, match.method) == ("online:way/9", "town", "online")
    assert len(server.requests) == 1


def test_nothing_goes_online_when_the_setting_is_off(make_settings, server):
    settings = make_settings(GEO_ONLINE_DOMAIN=server.domain, GEO_ONLINE_SCHEME="http")
    gazetteer = load_default(settings)
    assert gazetteer.online is None
    with pytest.raises(NotFound):
        gazetteer.lookup("Qalat Dizah")
    assert server.requests == []
    assert not settings.cache_dir.exists()
