"""Merging new incidents into stored ones: same attack -> one incident, more sources."""

from __future__ import annotations

import datetime as dt

from geo.incidents import Incident, Source, incident_id
from geo.reports.merge import MergePlan, combine, merge, same_incident, types_compatible

D = dt.date


WED = D(2022, 1, 5)


def inc(
    date=WED,
    site="ain-al-asad",
    etype="rocket",
    *,
    lat=33.7856,
    lon=42.4411,
    precision="day",
    geo=1,
    outlet="Wire A",
    munitions=None,
    killed=None,
    injured=None,
    actor="Unknown",
    attribution="unknown",
    intercepted=False,
) -> Incident:
    src = Source(outlet=outlet, published=date, munitions=munitions, killed=killed, injured=injured)
    return Incident(
        id=incident_id(date, site or f"{lat:.2f},{lon:.2f}", etype),
        date=date,
        date_precision=precision,
        lat=lat,
        lon=lon,
        geo_precision=geo,
        country="IQ",
        event_type=etype,
        site_id=site,
        munitions=munitions,
        killed=killed,
        injured=injured,
        actor=actor,
        attribution=attribution,
        intercepted=intercepted,
        sources=(src,),
    )


def test_same_site_same_day_is_one_incident_with_both_sources_and_figure_range():
    old = inc(munitions=5, outlet="Wire A")
    new = inc(munitions=8, outlet="Wire B")
    plan = merge([old], [new])
    assert plan.added == () and plan.matches == ((new.id, old.id),)
    (merged,) = plan.updated
    assert merged.id == old.id
    assert [s.outlet for s in merged.sources] == ["Wire A", "Wire B"]
    assert merged.munitions == 8 and merged.figure_range("munitions") == (5, 8)


def test_within_km_without_site_id_is_the_same_place():
    old = inc(site=None, lat=33.78, lon=42.44)
    new = inc(site=None, lat=33.80, lon=42.45, outlet="Wire B")  # ~2.4 km away
    assert same_incident(old, new, km=10)
    assert not same_incident(old, new, km=1)


def test_different_site_far_away_is_new():
    old = inc()
    new = inc(site="erbil-airport", lat=36.2375, lon=43.9631)
    plan = merge([old], [new])
    assert plan.added == (new,) and plan.updated == ()


def test_different_day_is_new_but_precision_overlap_matches():
    assert not same_incident(inc(D(2022, 1, 5)), inc(D(2022, 1, 4)))
    assert same_incident(inc(D(2021, 5, 1), precision="month"), inc(D(2021, 5, 17)))
    assert same_incident(inc(D(2022, 1, 3), precision="week"), inc(D(2022, 1, 5)))


def test_compatible_types():
    assert types_compatible("indirect_fire", "artillery") and types_compatible("rocket", "indirect_fire")
    assert types_compatible("drone", "drone") and types_compatible("other", "airstrike")
    assert not types_compatible("drone", "rocket") and not types_compatible("airstrike", "artillery")
    assert same_incident(inc(etype="indirect_fire"), inc(etype="rocket"))
    assert not same_incident(inc(etype="drone"), inc(etype="rocket"))


def test_interception_may_differ():
    assert same_incident(inc(etype="drone", intercepted=True), inc(etype="drone", intercepted=False))


def test_opposite_sides_at_one_place_stay_apart():
    militia = inc(etype="indirect_fire", actor="Iran-backed militias")
    counter = inc(etype="artillery", actor="US forces / US-led coalition")
    assert not same_incident(militia, counter)
    plan = merge([militia], [counter])
    assert len(plan.added) == 1 and plan.added[0].id != militia.id


def test_free_text_actor_names_are_sided_too():
    assert not same_incident(inc(etype="rocket", actor="United States"), inc(etype="rocket", actor="Kataib Hezbollah"))


def test_new_incidents_merge_among_themselves():
    a, b, c = inc(outlet="A", munitions=5), inc(outlet="B", munitions=8), inc(outlet="C")
    plan = merge([], [a, b, c])
    (only,) = plan.added
    assert [s.outlet for s in only.sources] == ["A", "B", "C"] and only.munitions == 8
    assert plan.updated == () and len(plan.matches) == 2


def test_repeating_a_known_source_changes_nothing():
    old = inc(outlet="Wire A", munitions=5)
    plan = merge([old], [inc(outlet="Wire A", munitions=5)])
    assert plan.unchanged == (old.id,) and plan.incidents() == []


def test_combine_takes_sharper_date_place_and_attribution():
    old = inc(D(2021, 6, 1), precision="month", geo=3, site="iraq-syria-border", lat=34.39, lon=40.99, actor="Unknown")
    new = inc(D(2021, 6, 27), geo=1, site="al-qaim", lat=34.37, lon=41.09, actor="Kataib Hezbollah", attribution="claimed", killed=4)
    merged = combine(old, new)
    assert (merged.id, merged.date, merged.date_precision) == (old.id, D(2021, 6, 27), "day")
    assert (merged.site_id, merged.geo_precision) == ("al-qaim", 1)
    assert (merged.actor, merged.attribution, merged.killed) == ("Kataib Hezbollah", "claimed", 4)


def test_combine_keeps_status_and_does_not_duplicate_sources():
    old = inc(outlet="Wire A").with_changes(status="verified")
    merged = combine(old, inc(outlet="wire a "))
    assert merged.status == "verified" and len(merged.sources) == 1


def test_closest_candidate_wins():
    near = inc(site=None, lat=33.79, lon=42.44)
    far = inc(site=None, lat=33.83, lon=42.50)
    new = inc(site=None, lat=33.786, lon=42.441, outlet="B")
    plan = merge([far, near], [new])
    assert plan.matches == ((new.id, near.id),)


def test_plan_is_immutable_and_summarised():
    plan = merge([], [inc()])
    assert isinstance(plan, MergePlan) and plan.summary() == "1 new, 0 updated, 0 already known"
