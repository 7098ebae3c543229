"""Chart builders: the headline histogram's bins and the caption sentence that describes them."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.charts import plots


def _numbers(sentence: str) -> list[float]:
    return [float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", sentence)]


def test_caption_and_last_bin_agree():
    """Issue 16 (i): the caption named 110,000 while the last bin spanned 103,000-105,000."""
    rng = np.random.default_rng(1)
    draws = 16_000 + rng.gamma(2.0, 15_000.0, 20_000)
    binned = plots.histogram_bins(draws, bins=40, cap_pct=99.0)
    last = binned.bins.iloc[-1]
    assert bool(last["overflow"]) and last["start"] == binned.overflow_start
    share, start, top = _numbers(plots.overflow_note(binned))
    assert start == last["start"]  # the caption's threshold is the last bar's lower edge
    assert top == round(draws.max())
    true_share = 100 * np.mean(draws >= last["start"])
    assert share == round(true_share, 0 if true_share >= 1 else 1)
    assert last["count"] == int((draws >= last["start"]).sum())
    # round edges, so the threshold reads as it is
    assert last["start"] % 1_000 == 0


def test_no_overflow_bar_when_nothing_is_capped():
    binned = plots.histogram_bins(np.arange(100.0), bins=10)
    assert binned.overflow_start is None and not binned.bins["overflow"].any()
    assert "no simulation lies beyond" in plots.overflow_note(binned)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=300),
       st.sampled_from([None, 90.0, 99.0]), st.integers(3, 50))
def test_bins_count_every_draw_once(values, cap, bins):
    arr = np.array(values)
    binned = plots.histogram_bins(arr, bins=bins, cap_pct=cap)
    frame = binned.bins
    assert int(frame["count"].sum()) == arr.size
    assert (frame["count"] >= 0).all()
    assert frame["start"].iloc[0] <= arr.min()
    regular = frame[~frame["overflow"]]
    assert np.allclose(regular["end"].iloc[:-1].to_numpy(), regular["start"].iloc[1:].to_numpy())
    if binned.overflow_start is None:
        assert regular["end"].iloc[-1] > arr.max() or np.isclose(regular["end"].iloc[-1], arr.max())
    else:
        assert frame["count"].iloc[-1] == int((arr >= binned.overflow_start).sum())


def test_histogram_marks_the_floor_and_the_claimed_range():
    draws = 20_000 + np.random.default_rng(2).exponential(10_000.0, 5_000)
    chart = plots.claim_band_histogram(draws, low=20_000,
                                       high=35_000, x_title="roles", clip_pct=99.0,
                                       floor=20_000)
    spec = chart.to_dict()
    texts = [str(layer.get("encoding", {}).get("text")) for layer in spec["layer"]]
    assert any("label" in t for t in texts)
    flat = str(spec)
    assert "already announced" in flat and "claimed range" in flat and "or more" in flat
