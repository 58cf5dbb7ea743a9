"""data/incidents.csv: the incidents curated from the five seed reports.

Checks the file loads, that every incident sits on a gazetteer site and cites
seed reports as the manifest describes them (or, for the earlier events the seeds
mention only in passing, the news reports of the time in data/news_sources.csv),
that every source reported the incident as news, that dates are plausible, and
that no text was copied from the reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from geo.config import PROJECT_ROOT
from geo.formats.csvio import read_incidents_csv
from geo.incidents import incident_id

D = dt.date
INCIDENTS_CSV = PROJECT_ROOT / "data" / "incidents.csv"
GAZETTEER_CSV = PROJECT_ROOT / "gazetteer.csv"
SEED_SOURCES_CSV = PROJECT_ROOT / "data" / "seed_sources.csv"
NEWS_SOURCES_CSV = PROJECT_ROOT / "data" / "news_sources.csv"
# A source reports the incident as news: it was published at most this long after the
# incident's period ended. A report two years on that recalls the event is background.
NEWS_WITHIN = dt.timedelta(days=7)


@pytest.fixture(scope="module")
def incidents():
    return read_incidents_csv(INCIDENTS_CSV)


@pytest.fixture(scope="module")
def sites() -> dict[str, dict]:
    with open(GAZETTEER_CSV, encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def manifest(seeds_dir) -> dict[str, dict]:
    with open(seeds_dir / "manifest.csv", encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def test_file_loads_and_is_not_trivial(incidents):
    assert len(incidents) >= 15


def test_ids_are_unique_and_stable(incidents):
    assert len({i.id for i in incidents}) == len(incidents)
    for inc in incidents:
        assert inc.id == incident_id(inc.date, inc.site_id, inc.event_type)


def test_every_site_exists_in_the_gazetteer(incidents, sites):
    assert all(inc.site_id for inc in incidents)
    assert {inc.site_id for inc in incidents} - set(sites) == set()


def test_precise_incidents_sit_on_their_site(incidents, sites):
    precise = [inc for inc in incidents if inc.geo_precision == 1]
    assert precise
    for inc in precise:
        site = sites[inc.site_id]
        assert (inc.lat, inc.lon) == (float(site["lat"]), float(site["lon"])), inc.id


def test_country_and_province_follow_the_site(incidents, sites):
    for inc in incidents:
        assert inc.country == sites[inc.site_id]["country"], inc.id
        assert inc.admin1 == sites[inc.site_id]["admin1"], inc.id


@pytest.fixture(scope="module")
def seed_sources() -> dict[str, dict]:
    """data/seed_sources.csv: our annotation of each seed report (outlet, page found, our headline)."""
    with open(SEED_SOURCES_CSV, encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def test_the_source_annotations_follow_the_manifest(seed_sources, manifest):
    assert set(seed_sources) == set(manifest)
    for file, entry in manifest.items():
        ours = seed_sources[file]
        assert ours["published"] == entry["published"]
        # The wire the report credits is its outlet; uncredited, the site that carries it.
        assert ours["outlet"] == entry["credited"] or (not entry["credited"] and ours["outlet"] in ours["url"])
        assert ours["url"].startswith("https://") and 20 <= len(ours["title"]) <= 120


@pytest.fixture(scope="module")
def news_sources() -> list[dict]:
    """data/news_sources.csv: the reports of the time for events the seeds only recall."""
    with open(NEWS_SOURCES_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_source_is_an_annotated_report_with_a_human_title_and_link(incidents, seed_sources, news_sources):
    reports = list(seed_sources.values()) + news_sources
    by_title = {row["title"]: row for row in reports}
    assert len(by_title) == len(reports)  # titles tell the reports apart
    assert all(r["url"].startswith("https://") and 20 <= len(r["title"]) <= 120 for r in news_sources)
    for inc in incidents:
        assert inc.sources, inc.id
        for src in inc.sources:
            entry = by_title.get(src.title)
            assert entry is not None, f"{inc.id}: {src.title!r} is not an annotated report's title"
            assert not src.title.endswith(".txt") and src.outlet != "Unknown outlet"
            assert src.outlet == entry["outlet"]
            assert src.published == D.fromisoformat(entry["published"])
            assert src.url == entry["url"]


def _period_end(inc) -> dt.date:
    if inc.date_precision == "month":
        return (inc.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return inc.date + dt.timedelta(days=6 if inc.date_precision == "week" else 0)


def test_every_source_reported_the_incident_as_news(incidents):
    """The 2020-01-03 airstrike listed four January 2022 reports that recall it as background: a
    journalist following those links found stories about other attacks. Sources are reports of the time."""
    for inc in incidents:
        for src in inc.sources:
            assert inc.date <= src.published <= _period_end(inc) + NEWS_WITHIN, f"{inc.id}: {src.label}"


def test_news_sources_are_used(incidents, news_sources):
    cited = {s.title for inc in incidents for s in inc.sources}
    assert {r["title"] for r in news_sources} <= cited


def test_each_report_cites_each_incident_at_most_once(incidents):
    for inc in incidents:
        titles = [s.title for s in inc.sources]  # one title per report (checked above)
        assert len(titles) == len(set(titles)), inc.id


def test_dates_are_plausible(incidents):
    for inc in incidents:
        assert D(2019, 1, 1) <= inc.date <= min(s.published for s in inc.sources), inc.id
        if inc.date_precision == "month":
            assert inc.date.day == 1, inc.id


def test_all_reviewed(incidents):
    assert {inc.status for inc in incidents} == {"reviewed"}


# The lead's reading of the seeds, checked fact by fact: (date, site, type) -> expected values.
EXPECTED = [
    (D(2020, 1, 3), "baghdad-airport", "airstrike", dict(actor="United States", killed=7)),
    (D(2020, 1, 8), "ain-al-asad", "missile", dict(actor="Iran")),
    (D(2020, 1, 8), "erbil-airport", "missile", dict(actor="Iran")),
    (D(2021, 4, 1), "balad-air-base", "rocket", dict(date_precision="month", injured=2)),
    (D(2021, 5, 1), "ain-al-asad", "drone", dict(date_precision="month")),
    (D(2021, 6, 27), "iraq-syria-border", "airstrike", dict(killed=4, geo_precision=2)),
    (D(2021, 6, 28), "al-omar-oil-field", "artillery", dict(killed=0, injured=0)),
    (D(2021, 7, 4), "al-omar-oil-field", "rpg", dict(munitions=2)),
    (D(2021, 7, 5), "ain-al-asad", "rocket", dict(munitions=3, killed=0, injured=0)),
    (D(2021, 7, 6), "erbil-airport", "drone", dict(intercepted=False)),
    (D(2021, 7, 7), "ain-al-asad", "rocket", dict(munitions=14, injured=2)),
    (D(2021, 7, 7), "al-omar-oil-field", "drone", dict(intercepted=True)),
    (D(2022, 1, 3), "baghdad-airport", "drone", dict(intercepted=True, munitions=2)),
    (D(2022, 1, 4), "ain-al-asad", "drone", dict(intercepted=True, munitions=2)),
    (D(2022, 1, 4), "green-village", "airstrike", dict(actor="US-led coalition")),
    (D(2022, 1, 5), "ain-al-asad", "rocket", dict(attribution="claimed", actor="Qassem al-Jabaryn", killed=0)),
    (D(2022, 1, 5), "baghdad-airport", "rocket", dict(munitions=1)),
    (D(2022, 1, 5), "green-village", "indirect_fire", dict(munitions=8, killed=0, injured=0)),
    (D(2022, 1, 5), "mayadin", "artillery", dict(munitions=6, actor="US-led coalition")),
]


def test_exactly_the_expected_incidents(incidents):
    assert sorted((i.date, i.site_id, i.event_type) for i in incidents) == sorted(e[:3] for e in EXPECTED)


@pytest.mark.parametrize("date, site, event_type, values", EXPECTED, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_expected_incident(incidents, date, site, event_type, values):
    (inc,) = [i for i in incidents if (i.date, i.site_id, i.event_type) == (date, site, event_type)]
    assert {k: getattr(inc, k) for k in values} == values


def test_conflicting_rocket_counts_stay_per_source(incidents):
    (inc,) = [i for i in incidents if (i.date, i.site_id, i.event_type) == (D(2022, 1, 5), "ain-al-asad", "rocket")]
    assert sorted(s.munitions for s in inc.sources) == [5, 5, 8]
    assert inc.figure_range("munitions") == (5, 8)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_sentence_is_copied_from_the_reports(incidents, seeds_dir: Path):
    # Seven words in a row shared with a report is a copied phrase, not a fact.
    report_shingles: set = set()
    for path in sorted(seeds_dir.glob("*.txt")):
        report_shingles |= _shingles(_words(path.read_text(encoding="utf-8")), 7)
    for inc in incidents:
        texts = [inc.summary, inc.damage, inc.target]
        texts += [t for s in inc.sources for t in (s.evidence, s.title)]
        for text in texts:
            copied = _shingles(_words(text), 7) & report_shingles
            assert not copied, f"{inc.id}: copied phrase {' '.join(min(copied))!r}"


def test_every_family_is_the_one_its_actor_names(incidents):
    from geo.actors import family_of

    assert all(inc.actor_family == family_of(inc.actor) for inc in incidents)
    assert {inc.actor_family for inc in incidents} == {"iran_aligned", "iran", "us", "unknown"}


def test_a_claim_comes_from_the_actor_and_blame_names_who_blamed(incidents):
    # The attribution model: "claimed" is the perpetrator's own word; "blamed" needs an accuser.
    for inc in incidents:
        if inc.attribution == "blamed":
            assert inc.attributed_by and inc.attributed_by != inc.actor, inc.id
        if inc.attribution == "unknown":
            assert inc.actor == "Unknown" and inc.actor_family == "unknown", inc.id
