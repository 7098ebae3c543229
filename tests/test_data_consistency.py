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
from analysis.data.schemas import CONFIDENCE_LEVELS, split_sources

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


def test_capex_2026_guidance_timeline_ends_with_the_220bn_cash_capex_call_statement():
    guidance = data.load_capex_guidance()
    fy26 = guidance.loc[guidance["period"] == "FY2026"]
    assert fy26["statement_date"].is_monotonic_increasing
    # about $200B from 5 Feb to the Q1 call, then about $220B of CASH capex on 30 Jul 2026
    assert (fy26.iloc[:-1][["value_low_usd_bn", "value_high_usd_bn"]] == 200).all().all()
    latest = fy26.iloc[-1]
    assert latest["value_low_usd_bn"] == latest["value_high_usd_bn"] == 220
    assert latest["statement_date"] == pd.Timestamp("2026-07-30")
    assert latest["basis"] == "net"  # cash capex: never used as gross as it stands
    assert latest["confidence"] == "call_transcript_copy"
    assert "cash CapEx" in latest["quote"]


def test_net_capex_guidance_is_put_on_the_gross_basis_before_the_capex_path():
    from analysis.chapters import capital

    annual = data.load_annual()
    guidance = data.load_capex_guidance()
    kwargs = capital.guidance_kwargs(guidance, annual, params.SCHEMA["as_of"].default)
    proceeds_2025 = annual.set_index("year").loc[2025, "capex_proceeds_usd_m"]
    assert kwargs["guidance_year"] == 2026
    assert kwargs["guidance_usd_m"] == pytest.approx(220_000 + proceeds_2025)
    # before the call the guide was the unspecified-basis $200B, used as stated
    early = capital.guidance_kwargs(guidance, annual, "2026-06-30")
    assert early["guidance_usd_m"] == pytest.approx(200_000)


# --- quarterly figures of 2025-2026 ----------------------------------------------------------


def _quarterly() -> pd.DataFrame:
    return data.load_quarterly().set_index("period")


def _checks(name: str) -> list[dict]:
    return data.table_metadata("quarterly")["checks"][name]


@pytest.mark.parametrize("check", _checks("reported_h1_2026_usd_m"), ids=lambda c: c["metric"])
def test_h1_2026_is_q1_plus_q2(check: dict):
    q = _quarterly()
    assert q.loc["2026Q1", check["metric"]] + q.loc["2026Q2", check["metric"]] == check["value"]
    assert check["source"] in bib_entries()


@pytest.mark.parametrize("check", _checks("reported_h1_2025_usd_m"), ids=lambda c: c["metric"])
def test_h1_2025_is_q1_plus_q2(check: dict):
    q = _quarterly()
    assert q.loc["2025Q1", check["metric"]] + q.loc["2025Q2", check["metric"]] == check["value"]


def _ttm(q: pd.DataFrame, annual: pd.DataFrame, metric: str, end: str) -> float:
    """TTM to ``end`` from the quarters, or from the fiscal year plus and minus half-years."""
    periods = [str(p) for p in pd.period_range(end=end, periods=4, freq="Q")]
    values = q.loc[periods, metric]
    if values.notna().all():
        return float(values.sum())
    # TTM to Q1/Q2 of year Y = FY(Y-1) + YTD(Y) - YTD(Y-1)
    year, quarter = int(end[:4]), int(end[-1])
    ytd = [f"{year}Q{k}" for k in range(1, quarter + 1)]
    ytd_prior = [f"{year - 1}Q{k}" for k in range(1, quarter + 1)]
    return float(annual.loc[year - 1, metric] + q.loc[ytd, metric].sum()
                 - q.loc[ytd_prior, metric].sum())


@pytest.mark.parametrize("end", ["2026Q1", "2026Q2"])
def test_ttm_fcf_is_ttm_ocf_minus_ttm_net_capex(end: str):
    """Amazon's TTM free cash flow (1,232 to Q1 2026; -7,604 to Q2 2026) from the quarters."""
    q = _quarterly()
    annual = data.load_annual().set_index("year")
    ocf = _ttm(q, annual, "operating_cash_flow_usd_m", end)
    net = (_ttm(q, annual, "capex_gross_usd_m", end)
           - _ttm(q, annual, "capex_proceeds_usd_m", end))
    assert ocf - net == q.loc[end, "ttm_free_cash_flow_usd_m"]


@pytest.mark.parametrize("check", _checks("reported_ttm_2026q2_usd_m"), ids=lambda c: c["metric"])
def test_ttm_capex_to_q2_2026_matches_the_release(check: dict):
    q = _quarterly()
    net = q["capex_gross_usd_m"] - q["capex_proceeds_usd_m"]
    series = net if check["metric"] == "capex_net_usd_m" else q[check["metric"]]
    assert series.loc["2025Q3":"2026Q2"].sum() == check["value"]


def test_ttm_ocf_to_q2_2026_matches_the_release():
    q = _quarterly()
    annual = data.load_annual().set_index("year")
    assert _ttm(q, annual, "operating_cash_flow_usd_m", "2026Q2") == \
        q.loc["2026Q2", "ttm_operating_cash_flow_usd_m"] == 161_403


def test_quarter_free_cash_flow_is_ocf_minus_net_capex():
    q = _quarterly()
    assert q.loc["2026Q2", "free_cash_flow_usd_m"] == 45_387 - (54_208 - 1_132) == -7_689
    assert q.loc["2026Q1", "free_cash_flow_usd_m"] + q.loc["2026Q2", "free_cash_flow_usd_m"] \
        == -24_891  # H1 2026, derived in the fact base


def test_q2_2026_headline_figures_and_flags():
    long = data.load_table("quarterly").set_index(["period", "metric"])
    q2 = long.loc["2026Q2"]
    assert q2.loc["net_sales_usd_m", "value"] == 200_606
    assert q2.loc["operating_income_usd_m", "value"] == 27_461
    assert q2.loc["aws_net_sales_usd_m", "value"] == 42_232
    assert q2.loc["aws_operating_income_usd_m", "value"] == 16_621
    assert q2.loc["backlog_usd_m", "value"] == 496_000
    assert set(q2["confidence"]) <= {"filing_copy", "company_release_copy"}
    assert {"sec_amzn_2026q2_ex991", "sec_amzn_2026q2_10q"} >= set(
        k for cell in q2["source_id"] for k in split_sources(cell))
    # no 2026 employee count was found: none is stored as verified
    assert long.xs("employees", level="metric").query("confidence != 'unverified'").index.max() \
        == "2025Q4"


def test_copy_sources_name_the_primary_document():
    entries = bib_entries()
    for key in ("sec_amzn_2026q2_ex991", "sec_amzn_2026q2_10q"):
        assert re.search(r"accession 0001018724-26-0000(24|26)", entries[key]), key
        assert "https://www.sec.gov/Archives/edgar/data/1018724/" in entries[key], key
    assert "https://eur-lex.europa.eu/eli/reg/2026/1744/oj/eng" in entries["eurlex_2026_1744"]
    assert "https://www.cnbc.com/2026/07/22/" in entries["cnbc_2026_agi"]


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


def test_rounds_after_march_2026_are_dated_and_of_undisclosed_size():
    rounds = data.load_layoff_rounds().set_index("round_id")
    sps = rounds.loc["2026-05-selling-partner-services"]
    assert (sps["announced"], sps["announced_precision"]) == (pd.Timestamp("2026-05-01"), "month")
    agi = rounds.loc["2026-07-agi-unit"]
    assert (agi["announced"], agi["announced_precision"]) == (pd.Timestamp("2026-07-22"), "day")
    for row in (sps, agi):
        assert pd.isna(row["roles_low"]) and pd.isna(row["roles_high"]) and row["is_corporate"]
    # no round keeps a placeholder year-precision date in 2026
    assert not ((rounds["announced"].dt.year == 2026)
                & (rounds["announced_precision"] == "year")).any()


def test_warn_notices_link_to_rounds_and_count_who_was_cut():
    warn = data.load_warn_notices().set_index("notice_id")
    rounds = set(data.load_layoff_rounds()["round_id"])
    assert set(warn["round_id"].dropna()) <= rounds
    assert warn.loc["wa-2026-01-corporate", "workers"] == 2_198
    assert warn.loc["wa-2025-12-corporate-84", "workers"] == 84
    assert warn.loc["wa-2026-01-go-fresh", "workers"] == 401
    assert not warn.loc["wa-2026-01-go-fresh", "is_corporate"]
    # Washington's share of a round is a floor: never more than the round itself
    sizes = data.load_layoff_rounds().set_index("round_id")["roles_high"]
    for _, row in warn.dropna(subset=["round_id"]).iterrows():
        assert row["workers"] <= sizes[row["round_id"]]


def test_eu_omnibus_is_adopted_law():
    eu = data.load_eu_ai_act().set_index("milestone_id")
    assert eu.loc["omnibus-official-journal", "date_after_omnibus"] == pd.Timestamp("2026-07-24")
    assert eu.loc["omnibus-entry-into-force", "date_after_omnibus"] == pd.Timestamp("2026-07-27")
    assert eu.loc["annex-iii-high-risk", "date_after_omnibus"] == pd.Timestamp("2027-12-02")
    assert "eurlex_2026_1744" in eu.loc["annex-iii-high-risk", "source_id"]
    for column in ("milestone", "note"):
        assert not eu[column].fillna("").str.contains(
            r"proposal|not found|unresolved|CONFLICT", regex=True).any(), column


def test_peer_2026_guidance_revisions_are_dated():
    peers = data.load_peer_capex()
    latest = (peers.loc[(peers["fiscal_year"] == 2026) & (peers["kind"] == "guidance_high")]
              .sort_values("statement_date").groupby("company").last())
    assert latest.loc["Alphabet", "capex_usd_bn"] == 205
    assert latest.loc["Meta", "capex_usd_bn"] == 145
    assert latest.loc["Microsoft", "capex_usd_bn"] == 175
    assert (latest["statement_date"] >= pd.Timestamp("2026-07-22")).all()


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
