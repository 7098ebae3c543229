"""The shipped data agrees with itself, with Amazon's reported figures and with the bibliography."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import data, params
from analysis.schemas import CONFIDENCE_LEVELS, split_sources

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
BIB = REPO / "book" / "references.bib"

# Keys the parameter schema and the pages rely on (issue 3).
REQUIRED_BIB_KEYS = {
    "amazon_q1_2026", "amazon_q4_2025", "ailing_episode", "geekwire_2023_headcount",
    "reuters_2025_30000", "fool_2026_30000", "cnbc_2024_rto", "cbs_2026_16000", "jassy_2025_memo",
    "eloundou_2023_gpts", "felten_2023_llm", "reuters_2026_robotics", "techplugged_2025_warn",
    "aiactblog_2026_omnibus", "variety_2023_18000",
}


def bib_entries() -> dict[str, str]:
    """Key -> entry text of book/references.bib."""
    text = BIB.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^@", text)[1:]
    return {re.match(r"\w+\{([^,]+),", p).group(1): p for p in parts}


def raw_rows(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- money: free cash flow and capex ------------------------------------------------------


def test_fcf_is_ocf_minus_net_capex_every_year():
    annual = data.load_annual(include_unreliable=True)
    expected = annual["operating_cash_flow_usd_m"] - (
        annual["capex_gross_usd_m"] - annual["capex_proceeds_usd_m"])
    np.testing.assert_allclose(annual["free_cash_flow_usd_m"], expected)
    assert annual["free_cash_flow_usd_m"].notna().sum() == 9  # FY2017-FY2025


@pytest.mark.parametrize("check", yaml.safe_load(
    (DATA / "meta" / "annual_financials.yaml").read_text())["checks"]
    ["reported_free_cash_flow_usd_m"], ids=lambda c: str(c["year"]))
def test_fcf_matches_amazon_reported(check: dict):
    """2020: $31.0B (rounded); 2024: 38,219; 2025: 11,194 (Amazon's definition)."""
    annual = data.load_annual().set_index("year")
    assert abs(annual.loc[check["year"], "free_cash_flow_usd_m"] - check["value"]) <= \
        check["tolerance"]
    assert check["source"] in bib_entries()


def test_reported_fcf_values_are_the_fact_base_ones():
    checks = {c["year"]: c["value"] for c in data.table_metadata("annual_financials")["checks"]
              ["reported_free_cash_flow_usd_m"]}
    assert checks == {2020: 31_020, 2024: 38_219, 2025: 11_194}


def test_net_capex_matches_amazon_ttm_table():
    """S1's TTM net capex: 77,658 (FY2024) and 128,320 (FY2025)."""
    annual = data.load_annual().set_index("year")
    assert annual.loc[2024, "capex_net_usd_m"] == 77_658
    assert annual.loc[2025, "capex_net_usd_m"] == 128_320


def test_quarterly_sums_match_annual_where_all_four_quarters_exist():
    annual = data.load_annual(include_unreliable=True).set_index("year")
    quarterly = data.load_quarterly(include_unreliable=True)
    quarterly["year"] = quarterly["period"].str[:4].astype(int)
    checked = 0
    for metric in ("capex_gross_usd_m", "capex_proceeds_usd_m"):
        for year, group in quarterly.groupby("year"):
            if len(group) == 4 and group[metric].notna().all() and year in annual.index:
                assert group[metric].sum() == pytest.approx(annual.loc[year, metric], abs=0.5), \
                    (metric, year)
                checked += 1
    assert checked >= 3  # gross capex 2023, 2024, 2025


def test_q4_employees_equal_year_end_employees():
    annual = data.load_annual().set_index("year")
    q4 = data.load_quarterly().loc[lambda q: q["period"].str.endswith("Q4")]
    compared = 0
    for _, row in q4.iterrows():
        year = int(row["period"][:4])
        if pd.notna(row["employees"]) and year in annual.index:
            assert row["employees"] == annual.loc[year, "employees_year_end"], year
            compared += 1
    assert compared == 4  # 2022-2025


def test_capex_2026_guidance_is_about_200bn():
    guidance = data.load_capex_guidance()
    latest = guidance.loc[guidance["period"] == "FY2026"].iloc[-1]
    assert latest["value_low_usd_bn"] == latest["value_high_usd_bn"] == 200


def test_peer_guidance_comes_in_low_high_pairs():
    peers = data.load_peer_capex()
    guidance = peers.loc[peers["kind"] != "actual"]
    for _, group in guidance.groupby(["company", "fiscal_year", "statement_date"], dropna=False):
        kinds = sorted(group["kind"])
        assert kinds == ["guidance_high", "guidance_low"], group
        values = group.set_index("kind")["capex_usd_bn"]
        assert values["guidance_low"] <= values["guidance_high"]
    for company in ("Microsoft", "Alphabet", "Meta"):
        assert company in set(peers["company"])
    assert {"Alphabet", "Meta"} <= set(guidance.loc[guidance["fiscal_year"] == 2026, "company"])


# --- layoff rounds ------------------------------------------------------------------------


def test_layoff_rounds_do_not_double_count_the_2022_round():
    rounds = data.load_layoff_rounds()
    counted = rounds.loc[rounds["included_in_round_id"].isna()]
    first_wave = counted.loc[counted["announced"] < "2023-04-30", "roles_mid"].sum()
    assert first_wave == 27_000  # 18,000 + 9,000 (S33; S112), not 37,000
    late = counted.loc[counted["round_id"].isin(["2025-10-corporate", "2026-01-corporate"]),
                       "roles_mid"].sum()
    assert late == 30_000


def test_layoff_rounds_cover_the_fact_base():
    ids = set(data.load_layoff_rounds(include_unreliable=True)["round_id"])
    for expected in ("2022-11-devices-books", "2023-01-stores-pxt", "2023-03-aws-pxt-ads-twitch",
                     "2024-01-prime-video-mgm", "2024-01-twitch", "2025-07-aws",
                     "2025-10-corporate", "2026-01-corporate", "2026-03-robotics"):
        assert expected in ids
    aws = data.load_layoff_rounds().set_index("round_id").loc["2025-07-aws"]
    assert (aws["roles_low"], aws["roles_high"]) == (200, 900)
    assert "several hundred" in aws["note"]


# --- job families -------------------------------------------------------------------------


def test_job_family_shares_sum_to_100_and_only_ai_specialists_are_flagged():
    families = data.load_job_families()
    assert families["headcount_share_pct"].sum() == pytest.approx(100.0)
    assert families.loc[families["is_ai_specialist"], "family"].tolist() == ["ai_ml_specialists"]
    assert (families["confidence"] == "estimate").all()
    assert families["derivation"].str.contains("estimate").all()


def test_job_family_exposure_is_the_mean_of_its_occupations():
    families = data.load_job_families().set_index("family")
    occupations = data.load_job_family_occupations()
    assert set(occupations["family"]) == set(families.index)
    means = occupations.groupby("family")[["exposure_beta_human_pct",
                                           "exposure_beta_gpt4_pct"]].mean()
    for family, row in means.iterrows():
        assert families.loc[family, "ai_exposure_pct"] == pytest.approx(
            row["exposure_beta_human_pct"], abs=0.05)
        assert families.loc[family, "ai_exposure_gpt4_pct"] == pytest.approx(
            row["exposure_beta_gpt4_pct"], abs=0.05)
        titles = occupations.loc[occupations["family"] == family, "onet_title"]
        assert all(t in families.loc[family, "derivation"] for t in titles), family


# --- sources, confidence, metadata ----------------------------------------------------------


def test_required_bib_keys_exist():
    assert REQUIRED_BIB_KEYS <= set(bib_entries())


def test_bib_keys_cited_by_the_parameter_schema_exist():
    keys = set(bib_entries())
    for spec in params.SCHEMA.values():
        for bracket in re.findall(r"\[([^\]]+)\]", spec.source):
            for key in split_sources(bracket):
                assert key in keys, (spec.name, key)


def test_bib_entries_have_title_year_and_note_and_unique_keys():
    text = BIB.read_text(encoding="utf-8")
    keys = re.findall(r"(?m)^@\w+\{([^,]+),", text)
    assert len(keys) == len(set(keys))
    for key, entry in bib_entries().items():
        for field in ("title", "year", "note"):
            assert re.search(rf"(?m)^\s+{field}\s+=", entry), (key, field)


def test_every_source_id_resolves_in_the_bibliography():
    keys = set(bib_entries())
    for name, spec in data.TABLES.items():
        source_columns = [c.name for c in spec.columns if c.is_source]
        for row in raw_rows(name):
            for column in source_columns:
                cited = split_sources(row[column])
                assert cited and set(cited) <= keys, (name, row)


def test_every_bib_entry_is_used_somewhere():
    used: set[str] = set()
    for name, spec in data.TABLES.items():
        for row in raw_rows(name):
            for column in (c.name for c in spec.columns if c.is_source):
                used.update(split_sources(row[column]))
        used.update(data.table_metadata(name)["sources"])
    reported = data.table_metadata("annual_financials")["checks"]["reported_free_cash_flow_usd_m"]
    used.update(c["source"] for c in reported)
    unused = set(bib_entries()) - used - REQUIRED_BIB_KEYS
    assert not unused


def test_confidence_vocabulary_and_unverified_rows_say_why():
    for name in data.TABLES:
        for row in raw_rows(name):
            assert row["confidence"] in CONFIDENCE_LEVELS, (name, row)
            if row["confidence"] == "unverified":
                assert re.search(r"memory only|UNRELIABLE|unverified", row.get("note", "")), \
                    (name, row)


def test_every_csv_has_metadata_and_vice_versa():
    csvs = {p.stem for p in DATA.glob("*.csv")}
    metas = {p.stem for p in (DATA / "meta").glob("*.yaml")}
    assert csvs == metas == set(data.TABLES)


@pytest.mark.parametrize("name", sorted(data.TABLES))
def test_metadata_is_complete_and_matches_the_file(name: str):
    meta = data.table_metadata(name)
    spec = data.TABLES[name]
    for key in data.REQUIRED_META_KEYS:
        assert meta[key], key
    assert meta["sha256"] == hashlib.sha256((DATA / spec.file).read_bytes()).hexdigest()
    assert list(meta["columns"]) == list(spec.column_names)
    for column, doc in meta["columns"].items():
        assert doc.get("unit") and doc.get("description"), column
    dt.date.fromisoformat(str(meta["retrieved"]))
    cited = set()
    for row in raw_rows(name):
        for column in (c.name for c in spec.columns if c.is_source):
            cited.update(split_sources(row[column]))
    assert set(meta["sources"]) == cited
    assert meta.get("primary_key", list(spec.key)) == list(spec.key)


def test_data_files_are_utf8_lf_and_end_with_a_newline():
    for path in DATA.glob("*.csv"):
        raw = path.read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n"), path.name
        raw.decode("utf-8")
