"""Headline numbers of the current selection: incidents, munitions, killed, injured.

Unknown is not zero: a figure sums only the incidents where a source gives it,
and the rest are counted and shown as "+N unknown" next to the sum.

The figures are one line of text, not four ``st.metric`` blocks (each ~90 px
tall, one above the other on a phone): the map page gives the screen to the map.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

__all__ = ["Figure", "headline_markdown", "headline_numbers", "show_headline"]

_FIGURES = (("munitions", "Munitions"), ("killed", "Killed"), ("injured", "Injured"))


@dataclass(frozen=True)
class Figure:
    label: str
    known_sum: int
    unknown: int  # incidents where no source gives this figure

    @property
    def note(self) -> str | None:
        return f"+{self.unknown:,} unknown" if self.unknown else None


def headline_numbers(df: pd.DataFrame) -> tuple[int, list[Figure]]:
    """(incident count, [munitions, killed, injured]) of ``df``."""
    figures = []
    for column, label in _FIGURES:
        values = df[column]
        figures.append(Figure(label, int(values.sum(skipna=True)), int(values.isna().sum())))
    return len(df), figures


def headline_markdown(count: int, figures: list[Figure], *, total: int | None = None) -> str:
    """The figures as one Markdown line: "**3** of 8 incidents · **9** munitions :gray[+1 unknown] · ..."."""
    of_total = f" of {total:,}" if total is not None and total != count else ""
    parts = [f"**{count:,}**{of_total} {'incident' if count == 1 else 'incidents'}"]
    for fig in figures:
        note = f" :gray[{fig.note}]" if fig.note else ""
        parts.append(f"**{fig.known_sum:,}** {fig.label.lower()}{note}")
    return " · ".join(parts)


def show_headline(
    df: pd.DataFrame, *, total: int | None = None, numbers: tuple[int, list[Figure]] | None = None
) -> None:
    """The figures in one line; ``total`` (all incidents) adds "of N" to the count.

    ``numbers`` is :func:`headline_numbers` of ``df`` when already known (cached per filter).
    """
    count, figures = numbers if numbers is not None else headline_numbers(df)
    st.markdown(
        headline_markdown(count, figures, total=total),
        help="Munitions, killed and injured sum the incidents whose sources state them; "
        '"+N unknown" counts the incidents that do not say.',
        width="content",
    )
