"""geo.reports.extract.places: the scan's helpers."""

import random

import pytest

from geo.reports.extract.places import Place, outside_spans


def _place(start: int, end: int) -> Place:
    return Place(start, end, "x" * (end - start), None)


@pytest.mark.parametrize(
    "spans, kept",
    [
        ([], [(0, 5), (10, 15), (20, 30)]),
        ([(9, 16)], [(0, 5), (20, 30)]),  # wholly inside: dropped
        ([(10, 14)], [(0, 5), (10, 15), (20, 30)]),  # runs past the span's end: kept
        ([(11, 40)], [(0, 5), (10, 15)]),  # starts before the span: kept
        ([(0, 3), (2, 12), (18, 31)], [(0, 5), (10, 15)]),  # only the third span holds a place
    ],
)
def test_places_inside_a_span_are_dropped(spans, kept):
    places = [_place(0, 5), _place(10, 15), _place(20, 30)]
    assert [(p.start, p.end) for p in outside_spans(places, spans)] == kept


def test_outside_spans_is_the_span_by_span_test():
    rng = random.Random(5)
    for _ in range(2000):
        places = [_place(a, a + rng.randint(0, 6)) for a in sorted(rng.randint(0, 60) for _ in range(rng.randint(0, 8)))]
        spans = [(a, a + rng.randint(-2, 15)) for a in (rng.randint(0, 60) for _ in range(rng.randint(0, 6)))]
        want = [p for p in places if not any(s <= p.start < e and p.end <= e for s, e in spans)]
        assert outside_spans(places, spans) == want
