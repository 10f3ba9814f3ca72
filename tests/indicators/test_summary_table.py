"""Reading a published achievement table (indicators.summary_table): pure, no database."""

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest

from indicators.achievement import Direction, Status, TargetKind
from indicators.summary_table import (
    ACTUAL,
    BASELINE,
    MAX_COLUMNS,
    Column,
    SummaryError,
    disagreements,
    heading_key,
    parse_column,
    parse_summary,
    propose_threshold,
    read_rows,
    threshold_range,
)

LIMIT = 1024 * 1024
HEADER = "No.\t事業名\t指標項目\tR 元年実績\tR6 目標値\tR6 実績\t達成状況"


def table(*lines, header=HEADER, heading="基本方針 1 人と人がつながるまちへ", **options):
    text = "\n".join(["計画期間 令和2年度～令和6年度", heading, header, *lines])
    return parse_summary(read_rows("t.txt", text.encode(), max_bytes=LIMIT), **options)


def only(summary):
    (indicator,) = summary.indicators
    return indicator


@pytest.mark.parametrize(
    ("heading", "role", "year"),
    [
        ("R 元年実績", ACTUAL, 2019),
        ("R元年実績", ACTUAL, 2019),
        ("令和元年度実績", ACTUAL, 2019),
        ("Ｒ元年 実績", ACTUAL, 2019),
        ("R6 実績", ACTUAL, 2024),
        ("R6 目標値", "target", 2024),
        ("R6目標", "target", 2024),
        ("令和6年度目標値", "target", 2024),
        ("No.", "number", None),
        ("Ｎｏ．", "number", None),
        ("事業名", "project", None),
        ("指標項目", "indicator", None),
        ("達成 状況", "status", None),
        ("基本方針", "policy", None),
    ],
)
def test_column_headings_and_their_spacing_variants(heading, role, year):
    assert parse_column(heading) == Column(role, year)


def test_an_unknown_heading_is_not_a_column():
    assert parse_column("備考") is None
    assert parse_column("X9実績") is None


def test_columns_in_another_order_with_long_era_headings():
    summary = table(
        "達成\t2\t地区児童館事業の充実\t31 か所\t32 か所\t拡充\t児童館数",
        header="達成状況\tNo.\t事業名\t令和元年度実績\tR6実績\t令和6年度目標値\t指標項目",
    )
    indicator = only(summary)
    assert (indicator.name, indicator.baseline_value, indicator.actuals) == (
        "児童館数",
        Decimal(31),
        {2024: Decimal(32)},
    )
    assert indicator.target_kind is TargetKind.INCREASE and indicator.target_wording == "拡充"
    assert summary.tables[0].columns[3] == Column(BASELINE, 2019)
    assert summary.baseline_fiscal_year == 2019


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            "145 か所\t現状維持\t150 か所",
            dict(unit="か所", kind=TargetKind.MAINTAIN, wording="現状維持", decimals=0),
        ),
        ("31 か所\t拡充\t32 か所", dict(kind=TargetKind.INCREASE, wording="拡充")),
        ("97 か所\t増加\t108 か所", dict(kind=TargetKind.INCREASE, wording="増加")),
        (
            "99.1%\t99.80%\t99.80%",
            dict(
                unit="%",
                kind=TargetKind.NUMERIC,
                target=Decimal("99.80"),
                decimals=2,
                baseline_decimals=1,
            ),
        ),
        (
            "96% (H30)\t増加\t99.4%",
            dict(decimals=1, baseline_decimals=0, baseline_year=2018, baseline=Decimal(96)),
        ),
        (
            "6,914 件 (H30)\t6,700 件\t8,156 件",
            dict(unit="件", baseline=Decimal(6914), baseline_year=2018, target=Decimal(6700)),
        ),
        ("615, 536 件\t増加\t476, 288 件", dict(baseline=Decimal(615536), actual=Decimal(476288))),
        ("１２ 人\t１０ 人\t９ 人", dict(unit="人", target=Decimal(10), actual=Decimal(9))),
        ("12 人\t減少\t9 人", dict(kind=TargetKind.DECREASE, direction=Direction.DOWN)),
    ],
)
def test_every_cell_form(cells, expected):
    indicator = only(table(f"1\t事業\t指標\t{cells}\t達成"))
    got = {
        "unit": indicator.unit,
        "kind": indicator.target_kind,
        "wording": indicator.target_wording,
        "decimals": indicator.decimals,
        "baseline_decimals": indicator.baseline_decimals,
        "baseline_year": indicator.baseline_fiscal_year,
        "baseline": indicator.baseline_value,
        "target": indicator.target_value,
        "actual": indicator.actuals[2024],
        "direction": indicator.direction,
    }
    assert {key: got[key] for key in expected} == expected
    assert indicator.target_fiscal_year == 2024
    if "baseline_year" not in expected:
        assert indicator.baseline_fiscal_year == 2019
    if "direction" not in expected:
        assert indicator.direction is Direction.UP


def test_cumulative_indicators_are_recognised_by_their_name():
    indicator = only(table("246\t事業\t表彰か所数（累計）\t50 社\t70 社\t77 社\t達成"))
    assert indicator.is_cumulative


def test_continuation_rows_belong_to_the_project_above_and_names_lose_typeset_spaces():
    summary = table(
        "2\t地区児童館 事業の充実\t児童館数\t31 か所\t拡充\t32 か所\t達成",
        "\t\t利用者 数\t688,518 人\t現状維持\t634,531 人\t未達成",
        "353\t保育利用支援事業",
        "350\t情報提供\t子育てお役立ちWEB アクセス数\t615, 536 件\t増加\t476, 288 件\t未達成",
    )
    projects = summary.policies[0].projects
    assert [(p.number, p.name, p.summary_order) for p in projects] == [
        ("2", "地区児童館事業の充実", 1),
        ("353", "保育利用支援事業", 2),
        ("350", "情報提供", 3),
    ]
    assert [i.name for i in projects[0].indicators] == ["児童館数", "利用者数"]
    assert [i.key for i in projects[0].indicators] == ["2/0", "2/1"]
    assert projects[1].indicators == []
    assert projects[2].indicators[0].name == "子育てお役立ちWEB アクセス数"


def test_a_continuation_row_without_a_project_above_is_reported():
    with pytest.raises(SummaryError) as error:
        table("\t\t利用者数\t688,518 人\t現状維持\t634,531 人\t未達成")
    assert error.value.errors == [("4 行目", "No. と事業名が空ですが、上に続く事業がありません。")]


def test_every_unreadable_row_is_reported_with_its_line():
    with pytest.raises(SummaryError) as error:
        table(
            "1\t事業\t指標\t145 か所\t現状維持\t150 か所\tよくできた",
            "2\t事業二\t指標\t31 か所\t\t32 か所\t達成",
            "3\t事業三\t指標\t約31 か所\t拡充\t32 か所\t達成",
            "4\t事業四\t指標\t31 人\t拡充\t32 か所\t達成",
            "\t名前だけ\t指標\t31 人\t拡充\t32 人\t達成",
        )
    assert error.value.errors == [
        ("4 行目", "指標: 達成状況「よくできた」は 達成・概ね達成・未達成 のどれでもありません。"),
        ("5 行目", "指標: 目標値が空です。"),
        ("6 行目", "基準値: 「約31 か所」は数値として読み取れません。"),
        ("7 行目", "指標: 単位がそろっていません（か所、人）。"),
        ("8 行目", "No. が空です（事業名だけの行は読み取れません）。"),
    ]


def test_the_period_comes_from_the_text_or_from_the_caller():
    rows = read_rows("t.txt", f"基本方針 1 方針\n{HEADER}".encode(), max_bytes=LIMIT)
    with pytest.raises(SummaryError, match="計画期間がわかりません"):
        parse_summary(rows)
    summary = parse_summary(rows, start=2021, end=2025)
    assert (summary.start_fiscal_year, summary.end_fiscal_year) == (2021, 2025)
    text = f"2. 計画期間\n\n令和2年度～令和6年度（5年間）\n基本方針 1 方針\n{HEADER}"
    summary = parse_summary(read_rows("t.txt", text.encode(), max_bytes=LIMIT))
    assert (summary.start_fiscal_year, summary.end_fiscal_year) == (2020, 2024)


def test_a_basic_policy_given_by_a_column():
    summary = table(
        "1 人と人がつながるまちへ\t1\t設置\t箇所数\t145 か所\t現状維持\t150 か所\t達成",
        "\t2\t充実\t館数\t31 か所\t拡充\t32 か所\t達成",
        "基本方針2 子どもを健やかに**はぐくむ**まちへ\t48\t通常保育\t人数\t1 人\t2 人\t2 人\t達成",
        header=f"基本方針\t{HEADER}",
        heading="",
    )
    assert [(p.number, p.title, p.keyword) for p in summary.policies] == [
        (1, "人と人がつながるまちへ", ""),
        (2, "子どもを健やかにはぐくむまちへ", "はぐくむ"),
    ]
    assert [[p.number for p in policy.projects] for policy in summary.policies] == [
        ["1", "2"],
        ["48"],
    ]


def test_measures_highlights_and_projects_added_later():
    summary = table(
        "1\t事業\t指標\t145 か所\t現状維持\t150 か所\t達成",
        "",
        "■ 主な取組実績",
        "R5-1 めだか親子教室",
        "",
        "親子教室を新規開設し、",
        "市民サービスの向上に寄与。",
        "",
        "No. 1 事業",
        "弁護士職員 1 名を採用。",
        heading="基本方針 1 人と人がつながるまちへ\n基本施策\n\n施策 その一\n施策二\n■ 主な指標",
    )
    policy = summary.policies[0]
    assert policy.measures == ["施策その一", "施策二"]
    assert [(p.number, p.name, p.summary_order, p.highlights) for p in policy.projects] == [
        ("1", "事業", 1, ["弁護士職員 1 名を採用。"]),
        ("R5-1", "めだか親子教室", None, ["親子教室を新規開設し、市民サービスの向上に寄与。"]),
    ]


def test_a_mapping_correction_reads_a_column_the_heading_does_not_name():
    header = "No.\t事業名\t指標項目\t当初値\tR6 目標値\tR6 実績\t達成状況"
    unmapped = table("1\t事業\t指標\t145 か所\t現状維持\t150 か所\t達成", header=header)
    assert only(unmapped).baseline_value is None
    assert [c.role for c in unmapped.tables[0].columns][3] == "ignore"
    summary = table(
        "1\t事業\t指標\t145 か所\t現状維持\t150 か所\t達成",
        header=header,
        mapping={heading_key("当初値"): Column(BASELINE, 2019)},
    )
    assert only(summary).baseline_value == Decimal(145)


def test_thresholds_consistent_with_published_statuses_and_a_disagreement():
    summary = table(
        "1\t一\t指標\t100 人\t現状維持\t97 人\t概ね達成",
        "2\t二\t指標\t100 人\t100 人\t90 人\t未達成",
        "3\t三\t指標\t100 人\t減少\t104 人\t概ね達成",
    )
    found = threshold_range(summary.indicators)
    assert found.lower.value == Decimal("0.9")
    assert float(found.upper.value) == pytest.approx(100 / 104)
    assert propose_threshold(found) == Decimal("0.95")
    assert disagreements(summary.indicators, Decimal("0.95")) == []
    (row,) = disagreements(summary.indicators, Decimal("0.97"))
    assert row.indicator.key == "3/0" and row.published is Status.MOSTLY_ACHIEVED
    assert row.computed.status is Status.NOT_ACHIEVED


def test_a_range_without_the_default_proposes_the_nearest_threshold():
    summary = table(
        "1\t一\t指標\t100 人\t現状維持\t91 人\t概ね達成",
        "2\t二\t指標\t100 人\t100 人\t80 人\t未達成",
    )
    found = threshold_range(summary.indicators)
    assert propose_threshold(found) == Decimal("0.91")
    assert found.describe() == (
        "公表された達成状況と矛盾しない概ね達成の基準: 80 ÷ 100 ≈ 0.8000（No. 2 指標） より大きく"
        " 91 ÷ 100 ≈ 0.9100（No. 1 指標） 以下。"
    )


def test_a_published_status_no_threshold_gives_is_a_conflict():
    summary = table("1\t一\t指標\t100 人\t100 人\t120 人\t未達成")
    found = threshold_range(summary.indicators)
    assert [i.key for i in found.conflicts] == ["1/0"]


def test_xlsx_csv_and_cp932_read_the_same_rows():
    lines = [["計画期間 令和2年度～令和6年度"], ["基本方針 1 方針"], HEADER.split("\t")]
    lines.append(["1", "事業", "指標", "145 か所", "現状維持", "150 か所", "達成"])
    book = openpyxl.Workbook()
    for cells in lines:
        book.active.append(cells)
    data = io.BytesIO()
    book.save(data)
    text = "\r\n".join(",".join(cells) for cells in lines)
    forms = {
        "t.xlsx": data.getvalue(),
        "t.csv": text.encode("cp932"),
        "u.csv": codecs.BOM_UTF8 + text.encode(),
    }
    read = {
        name: parse_summary(read_rows(name, body, max_bytes=LIMIT)) for name, body in forms.items()
    }
    assert {name: only(s).actuals for name, s in read.items()} == {
        name: {2024: Decimal(150)} for name in forms
    }


def test_files_are_bounded_before_parsing():
    with pytest.raises(SummaryError, match="大きすぎます"):
        read_rows("t.txt", b"x" * 11, max_bytes=10)
    with pytest.raises(SummaryError, match="列が多すぎます"):
        read_rows("t.txt", "\t".join(["x"] * (MAX_COLUMNS + 1)).encode(), max_bytes=LIMIT)
    with pytest.raises(SummaryError, match="選んでください"):
        read_rows("t.pdf", b"%PDF", max_bytes=LIMIT)
    with pytest.raises(SummaryError, match="Excel"):
        read_rows("t.xlsx", b"not a zip", max_bytes=LIMIT)
    with pytest.raises(SummaryError, match="文字コード"):
        read_rows("t.csv", b"\xff\xfe\x00x", max_bytes=LIMIT)


def test_a_heading_or_a_blank_row_ends_a_table():
    rows = [
        ["計画期間", "令和2年度～令和6年度"],
        ["基本方針 1", "人と人がつながるまちへ"],
        HEADER.split("\t"),
        ["1", "事業", "指標", "145 か所", "現状維持", "150 か所", "達成"],
        ["基本方針 2", "はぐくむまちへ"],
        HEADER.split("\t"),
        ["2", "事業二", "指標", "1 人", "2 人", "2 人", "達成"],
        [],
        ["■ 主な取組実績", "（抜粋）"],
        ["No. 2 事業二"],
        ["本文。"],
    ]
    text = "\n".join(",".join(cells) for cells in rows)
    summary = parse_summary(read_rows("t.csv", text.encode(), max_bytes=LIMIT))
    assert [(p.number, p.title) for p in summary.policies] == [
        (1, "人と人がつながるまちへ"),
        (2, "はぐくむまちへ"),
    ]
    assert summary.policies[1].projects[0].highlights == ["本文。"]


def test_stray_marks_and_page_titles_are_ignored():
    summary = table(
        "1\t事業\t指標\t145 か所\t現状維持\t150 か所\t達成",
        "■",
        "□ 参考",
        "夢プラン 施策達成状況概要",
    )
    assert len(summary.indicators) == 1


def test_an_xlsx_error_names_the_sheet_and_row():
    book = openpyxl.Workbook()
    book.active.title = "方針1"
    for cells in (["計画期間 R2～R6"], ["基本方針 1 方針"], HEADER.split("\t")):
        book.active.append(cells)
    book.active.append(["1", "事業", "指標", 145, "現状維持", 150, "達成"])
    second = book.create_sheet("方針2")
    second.append(["基本方針 2 方針二"])
    second.append(HEADER.split("\t"))
    second.append(["2", "事業二", "指標", "1 人", "2 人", "二 人", "達成"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(SummaryError) as error:
        parse_summary(read_rows("t.xlsx", data.getvalue(), max_bytes=LIMIT))
    assert error.value.errors == [
        ("シート「方針2」3 行目", "R6実績: 「二 人」は数値として読み取れません。")
    ]
