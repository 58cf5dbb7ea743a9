"""Headline numbers of the current selection: incidents, munitions, killed, injured.

Unknown is not zero: a figure sums only the incidents where a source gives it,
and the rest are counted and shown as "+N unknown" next to the sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

__all__ = ["Figure", "headline_numbers", "show_headline"]

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


def show_headline(
    df: pd.DataFrame, *, total: int | None = None, numbers: tuple[int, list[Figure]] | None = None
) -> None:
    """Four metrics in a row; ``total`` (all incidents) adds "of N" to the count.

    ``numbers`` is :func:`headline_numbers` of ``df`` when already known (cached per filter).
    """
    count, figures = numbers if numbers is not None else headline_numbers(df)
    columns = st.columns(4)
    columns[0].metric(
        "Incidents", f"{count:,}", delta=f"of {total:,}" if total is not None and total != count else None,
        delta_color="off", delta_arrow="off",
    )  # fmt: skip
    for column, fig in zip(columns[1:], figures):
        column.metric(
            fig.label, f"{fig.known_sum:,}", delta=fig.note, delta_color="off", delta_arrow="off",
            help=f"Sum over incidents whose sources state it; {fig.unknown:,} incidents do not say.",
        )  # fmt: skip
