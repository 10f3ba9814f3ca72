"""Tests for indicators.achievement: the achievement rule and the trajectory check."""

import re
from decimal import Decimal

import pytest

from indicators.achievement import (
    MAX_GAP,
    Direction,
    Judgement,
    Line,
    Status,
    TargetKind,
    expected_on_trajectory,
    is_on_track,
    judge,
)

D = Decimal
THETA = D("0.95")  # Kanazawa's threshold for 概ね達成

UP, DOWN = Direction.UP, Direction.DOWN
NUMERIC, MAINTAIN = TargetKind.NUMERIC, TargetKind.MAINTAIN
INCREASE, DECREASE = TargetKind.INCREASE, TargetKind.DECREASE
ACHIEVED, MOSTLY, NOT = Status.ACHIEVED, Status.MOSTLY_ACHIEVED, Status.NOT_ACHIEVED


def _judge(direction, kind, target, baseline, actual, theta=THETA, unit="", decimals=None):
    return judge(
        direction=direction,
        target_kind=kind,
        target_value=target,
        baseline_value=baseline,
        actual=actual,
        threshold=theta,
        unit=unit,
        decimals=decimals,
    )


# The ground-truth table of domain.md: every indicator row of the seed (No. 353 has no
# indicator and is therefore absent). All indicators are higher-is-better.
# (No., indicator, kind, target, baseline, actual R6, unit, published status)
SEED_ROWS = [
    ("1", "実施個所数", MAINTAIN, None, "145", "150", "か所", "達成"),
    ("2", "児童館数", INCREASE, None, "31", "32", "か所", "達成"),
    ("2", "利用者数", MAINTAIN, None, "688518", "634531", "人", "未達成"),
    ("4", "実施か所数", MAINTAIN, None, "41", "40", "か所", "概ね達成"),
    ("30", "配布率", NUMERIC, "99.80", "99.1", "99.80", "%", "達成"),
    ("48", "受入可能人数", NUMERIC, "13435", "12797", "16683", "人", "達成"),
    ("63", "活動件数", NUMERIC, "6700", "6914", "8156", "件", "達成"),
    ("64", "クラブ数", INCREASE, None, "97", "108", "か所", "達成"),
    ("64", "受入人数", NUMERIC, "5565", "5130", "5659", "人", "達成"),
    ("104", "訪問率", INCREASE, None, "96", "99.4", "%", "達成"),
    ("127", "派遣回数", INCREASE, None, "976", "673", "回", "未達成"),
    ("152", "プログラム策定による就業実績", NUMERIC, "20", "10", "17", "人", "未達成"),
    ("170", "受入可能か所数", MAINTAIN, None, "126", "144", "か所", "達成"),
    (
        "246",
        "はたらく人にやさしい事業所表彰か所数（累計）",
        NUMERIC,
        "70",
        "50",
        "77",
        "社",
        "達成",
    ),
    ("331", "整備か所数", NUMERIC, "227", "222", "227", "か所", "達成"),
    ("335", "ノンステップバス購入台数", INCREASE, None, "3", "15", "台", "達成"),
    ("348", "実施か所数", NUMERIC, "4", "4", "4", "か所", "達成"),
    ("350", "子育てお役立ちWEB アクセス数", INCREASE, None, "615536", "476288", "件", "未達成"),
]


def _seed_status(row, theta):
    _no, _name, kind, target, baseline, actual, unit, _published = row
    return _judge(
        UP,
        kind,
        None if target is None else D(target),
        D(baseline),
        D(actual),
        theta=theta,
        unit=unit,
    ).status


def test_seed_table_has_every_indicator_row():
    assert len(SEED_ROWS) == 18


@pytest.mark.parametrize("row", SEED_ROWS, ids=[f"No.{r[0]}-{r[1]}" for r in SEED_ROWS])
def test_seed_row_reproduces_published_status(row):
    status = _seed_status(row, THETA)
    assert status is not None
    assert status.label == row[-1]


@pytest.mark.parametrize(
    ("actual", "baseline_or_target", "kind", "expected"),
    [
        # The three rows that pin the 概ね達成 boundary.
        (D("40"), D("41"), MAINTAIN, MOSTLY),  # 97.6 %
        (D("634531"), D("688518"), MAINTAIN, NOT),  # 92.2 %
        (D("17"), D("20"), NUMERIC, NOT),  # 85 %
    ],
)
def test_boundary_rows(actual, baseline_or_target, kind, expected):
    if kind is NUMERIC:
        result = _judge(UP, kind, baseline_or_target, None, actual)
    else:
        result = _judge(UP, kind, None, baseline_or_target, actual)
    assert result.status is expected


# The seed pins θ to the interval (634531/688518, 40/41] = (0.92159.., 0.97560..].
@pytest.mark.parametrize("theta", ["0.9216", "0.922", "0.93", "0.95", "0.97", "0.9756"])
def test_seed_table_reproduced_for_theta_inside_pinned_interval(theta):
    assert all(_seed_status(row, D(theta)).label == row[-1] for row in SEED_ROWS)


@pytest.mark.parametrize(
    ("theta", "wrong_rows"),
    [
        ("0.8", {("2", "利用者数"), ("152", "プログラム策定による就業実績")}),
        ("0.9", {("2", "利用者数")}),
        ("0.92", {("2", "利用者数")}),
        ("0.9757", {("4", "実施か所数")}),
        ("0.976", {("4", "実施か所数")}),
    ],
)
def test_seed_table_not_reproduced_outside_pinned_interval(theta, wrong_rows):
    wrong = {(r[0], r[1]) for r in SEED_ROWS if _seed_status(r, D(theta)).label != r[-1]}
    assert wrong == wrong_rows


@pytest.mark.parametrize(
    ("direction", "kind", "target", "baseline", "actual", "expected"),
    [
        # numeric, up: r = actual / T
        (UP, NUMERIC, D("20"), None, D("20"), ACHIEVED),
        (UP, NUMERIC, D("20"), None, D("25"), ACHIEVED),
        (UP, NUMERIC, D("20"), None, D("19"), MOSTLY),  # r = 0.95 exactly
        (UP, NUMERIC, D("20"), None, D("19.99"), MOSTLY),
        (UP, NUMERIC, D("20"), None, D("18.99"), NOT),
        (UP, NUMERIC, D("20"), None, D("0"), NOT),
        (UP, NUMERIC, D("20"), None, D("-5"), NOT),
        # numeric, down: r = T / actual
        (DOWN, NUMERIC, D("95"), None, D("95"), ACHIEVED),
        (DOWN, NUMERIC, D("95"), None, D("50"), ACHIEVED),
        (DOWN, NUMERIC, D("95"), None, D("100"), MOSTLY),  # r = 0.95 exactly
        (DOWN, NUMERIC, D("95"), None, D("100.0001"), NOT),
        (DOWN, NUMERIC, D("20"), None, D("25"), NOT),
        (DOWN, NUMERIC, D("20"), None, D("0"), ACHIEVED),  # r = ∞
        (DOWN, NUMERIC, D("0"), None, D("0"), ACHIEVED),  # T = 0: actual ≤ 0
        (DOWN, NUMERIC, D("0"), None, D("-1"), ACHIEVED),
        (DOWN, NUMERIC, D("0"), None, D("1"), NOT),
        (DOWN, NUMERIC, D("0"), None, D("0.0001"), NOT),
        # maintain, up: reference B
        (UP, MAINTAIN, None, D("100"), D("100"), ACHIEVED),
        (UP, MAINTAIN, None, D("100"), D("120"), ACHIEVED),
        (UP, MAINTAIN, None, D("100"), D("95"), MOSTLY),
        (UP, MAINTAIN, None, D("100"), D("94.99"), NOT),
        (UP, MAINTAIN, None, D("0"), D("0"), ACHIEVED),  # B = 0: actual ≥ 0
        (UP, MAINTAIN, None, D("0"), D("3"), ACHIEVED),
        (UP, MAINTAIN, None, D("0"), D("-1"), NOT),
        # maintain, down: r = B / actual
        (DOWN, MAINTAIN, None, D("95"), D("95"), ACHIEVED),
        (DOWN, MAINTAIN, None, D("95"), D("90"), ACHIEVED),
        (DOWN, MAINTAIN, None, D("95"), D("100"), MOSTLY),
        (DOWN, MAINTAIN, None, D("95"), D("101"), NOT),
        (DOWN, MAINTAIN, None, D("95"), D("0"), ACHIEVED),
        (DOWN, MAINTAIN, None, D("0"), D("0"), ACHIEVED),
        (DOWN, MAINTAIN, None, D("0"), D("1"), NOT),
        # increase, up: strictly above B; θ·B ≤ actual ≤ B is 概ね達成
        (UP, INCREASE, None, D("100"), D("100.01"), ACHIEVED),
        (UP, INCREASE, None, D("100"), D("100"), MOSTLY),  # holding is not an increase
        (UP, INCREASE, None, D("100"), D("95"), MOSTLY),
        (UP, INCREASE, None, D("100"), D("94.99"), NOT),
        (UP, INCREASE, None, D("0"), D("1"), ACHIEVED),
        (UP, INCREASE, None, D("0"), D("0"), MOSTLY),
        (UP, INCREASE, None, D("0"), D("-1"), NOT),
        # increase, down: read as 減少
        (DOWN, INCREASE, None, D("95"), D("94"), ACHIEVED),
        (DOWN, INCREASE, None, D("95"), D("95"), MOSTLY),
        (DOWN, INCREASE, None, D("95"), D("100"), MOSTLY),
        (DOWN, INCREASE, None, D("95"), D("100.01"), NOT),
        # decrease, down: strictly below B; B ≤ actual ≤ B / θ is 概ね達成
        (DOWN, DECREASE, None, D("95"), D("94.99"), ACHIEVED),
        (DOWN, DECREASE, None, D("95"), D("0"), ACHIEVED),
        (DOWN, DECREASE, None, D("95"), D("95"), MOSTLY),
        (DOWN, DECREASE, None, D("95"), D("100"), MOSTLY),  # B / θ exactly
        (DOWN, DECREASE, None, D("95"), D("100.0001"), NOT),
        (DOWN, DECREASE, None, D("0"), D("-1"), ACHIEVED),
        (DOWN, DECREASE, None, D("0"), D("0"), MOSTLY),
        (DOWN, DECREASE, None, D("0"), D("1"), NOT),
        # decrease, up: taken literally as "fall below the baseline"
        (UP, DECREASE, None, D("95"), D("90"), ACHIEVED),
        (UP, DECREASE, None, D("95"), D("95"), MOSTLY),
        (UP, DECREASE, None, D("95"), D("100"), MOSTLY),
        (UP, DECREASE, None, D("95"), D("120"), NOT),
        # negative references keep a band of the same relative width
        (UP, MAINTAIN, None, D("-100"), D("-105"), MOSTLY),
        (UP, MAINTAIN, None, D("-100"), D("-106"), NOT),
        (UP, MAINTAIN, None, D("-100"), D("-100"), ACHIEVED),
        (DOWN, NUMERIC, D("-100"), None, D("-100"), ACHIEVED),
        (DOWN, NUMERIC, D("-100"), None, D("-95"), MOSTLY),
        (DOWN, NUMERIC, D("-100"), None, D("-94"), NOT),
    ],
)
def test_judge_status(direction, kind, target, baseline, actual, expected):
    assert _judge(direction, kind, target, baseline, actual).status is expected


@pytest.mark.parametrize(
    ("theta", "actual", "expected"),
    [
        (D("0.8"), D("80"), MOSTLY),
        (D("0.8"), D("79.99"), NOT),
        (D("0.9"), D("90"), MOSTLY),
        (D("0.9"), D("89.999"), NOT),
        (D("0.95"), D("95"), MOSTLY),
        (D("0.95"), D("94.9999999"), NOT),
        (D("0.999"), D("99.9"), MOSTLY),
        (D("0.001"), D("0.1"), MOSTLY),
        (D("0.001"), D("0.0999"), NOT),
    ],
)
def test_theta_boundary_is_mostly_achieved(theta, actual, expected):
    assert _judge(UP, NUMERIC, D("100"), None, actual, theta=theta).status is expected


def test_theta_boundary_is_exact_when_the_bound_is_not_a_finite_decimal():
    # decrease: B / θ = 3 / 0.95 = 3.1578947368421052631578947368..., which no Decimal
    # holds exactly; the comparison must still be exact on both sides of it.
    assert _judge(DOWN, DECREASE, None, D("3"), D("3.157894736"), theta=THETA).status is MOSTLY
    assert _judge(DOWN, DECREASE, None, D("3"), D("3.157894737"), theta=THETA).status is NOT
    # down numeric: r = T / actual = 3 / 3.1578947368... ; same bound
    assert _judge(DOWN, NUMERIC, D("3"), None, D("3.1578947368"), theta=THETA).status is MOSTLY
    assert _judge(DOWN, NUMERIC, D("3"), None, D("3.1578947369"), theta=THETA).status is NOT


@pytest.mark.parametrize(
    ("direction", "kind", "target", "baseline", "actual", "ratio"),
    [
        (UP, NUMERIC, D("20"), None, D("17"), D("0.85")),
        (UP, NUMERIC, D("13435"), D("12797"), D("16683"), D("16683") / D("13435")),
        (DOWN, NUMERIC, D("20"), None, D("25"), D("0.8")),
        (DOWN, NUMERIC, D("20"), None, D("0"), None),  # infinite
        (DOWN, NUMERIC, D("0"), None, D("0"), None),
        (DOWN, NUMERIC, D("0"), None, D("3"), None),
        (UP, MAINTAIN, None, D("41"), D("40"), D("40") / D("41")),
        (UP, MAINTAIN, None, D("0"), D("5"), None),
        (DOWN, MAINTAIN, None, D("50"), D("40"), D("1.25")),
        (UP, INCREASE, None, D("976"), D("673"), D("673") / D("976")),
        (UP, INCREASE, None, D("0"), D("3"), None),
        (DOWN, DECREASE, None, D("50"), D("40"), D("1.25")),
        (UP, DECREASE, None, D("50"), D("40"), D("1.25")),
    ],
)
def test_judge_ratio(direction, kind, target, baseline, actual, ratio):
    assert _judge(direction, kind, target, baseline, actual).ratio == ratio


@pytest.mark.parametrize(
    ("direction", "kind", "target", "baseline", "actual", "unit", "decimals", "reason"),
    [
        (UP, NUMERIC, D("20"), D("10"), D("17"), "人", None, "目標値 20 人に対し 17 人（85.0%）"),
        (
            UP,
            MAINTAIN,
            None,
            D("688518"),
            D("634531"),
            "人",
            None,
            "基準値 688,518 人（現状維持）に対し 634,531 人（92.2%）",
        ),
        (
            UP,
            MAINTAIN,
            None,
            D("41"),
            D("40"),
            "か所",
            None,
            "基準値 41 か所（現状維持）に対し 40 か所（97.6%）",
        ),
        (UP, INCREASE, None, D("97"), D("108"), "か所", None, "基準値 97 か所より増加（108 か所）"),
        (
            UP,
            INCREASE,
            None,
            D("976"),
            D("673"),
            "回",
            None,
            "基準値 976 回から増加せず（673 回、69.0%）",
        ),
        (
            UP,
            INCREASE,
            None,
            D("615536"),
            D("476288"),
            "件",
            None,
            "基準値 615,536 件から増加せず（476,288 件、77.4%）",
        ),
        (UP, INCREASE, None, D("0"), D("0"), "件", None, "基準値 0 件から増加せず（0 件）"),
        (
            UP,
            NUMERIC,
            D("99.80"),
            D("99.1"),
            D("99.80"),
            "%",
            None,
            "目標値 99.80%に対し 99.80%（100.0%）",
        ),
        (
            UP,
            NUMERIC,
            D("13435"),
            None,
            D("16683"),
            "人",
            None,
            "目標値 13,435 人に対し 16,683 人（124.2%）",
        ),
        (UP, NUMERIC, D("99.8"), None, D("99.75"), "%", 1, "目標値 99.8%に対し 99.8%（99.9%）"),
        (UP, NUMERIC, D("4"), None, D("4"), "", None, "目標値 4に対し 4（100.0%）"),
        (
            DOWN,
            NUMERIC,
            D("20"),
            None,
            D("25"),
            "件",
            None,
            "目標値 20 件に対し 25 件（80.0%、少ないほど良い指標）",
        ),
        (
            DOWN,
            NUMERIC,
            D("0"),
            None,
            D("0"),
            "人",
            None,
            "目標値 0 人に対し 0 人（少ないほど良い指標）",
        ),
        (
            DOWN,
            MAINTAIN,
            None,
            D("50"),
            D("55"),
            "人",
            None,
            "基準値 50 人（現状維持）に対し 55 人（90.9%、少ないほど良い指標）",
        ),
        (UP, MAINTAIN, None, D("0"), D("3"), "人", None, "基準値 0 人（現状維持）に対し 3 人"),
        (DOWN, DECREASE, None, D("50"), D("40"), "人", None, "基準値 50 人より減少（40 人）"),
        (DOWN, INCREASE, None, D("50"), D("40"), "人", None, "基準値 50 人より減少（40 人）"),
        (
            DOWN,
            DECREASE,
            None,
            D("50"),
            D("55"),
            "人",
            None,
            "基準値 50 人から減少せず（55 人、90.9%）",
        ),
        (
            UP,
            DECREASE,
            None,
            D("1234"),
            D("1000"),
            "件",
            None,
            "基準値 1,234 件より減少（1,000 件）",
        ),
    ],
)
def test_judge_reason(direction, kind, target, baseline, actual, unit, decimals, reason):
    result = _judge(direction, kind, target, baseline, actual, unit=unit, decimals=decimals)
    assert result.reason == reason


# The same cases in English: every branch that writes a sentence (numeric and maintain,
# up and down, with and without a ratio; increase/decrease met and not met). The unit
# stays as the plan writes it.
@pytest.mark.parametrize(
    ("direction", "kind", "target", "baseline", "actual", "unit", "decimals", "reason_en"),
    [
        (
            UP,
            NUMERIC,
            D("20"),
            D("10"),
            D("17"),
            "人",
            None,
            "17 人 against a target of 20 人 (85.0%)",
        ),
        (
            UP,
            MAINTAIN,
            None,
            D("688518"),
            D("634531"),
            "人",
            None,
            "634,531 人 against a baseline of 688,518 人 to be maintained (92.2%)",
        ),
        (
            UP,
            INCREASE,
            None,
            D("97"),
            D("108"),
            "か所",
            None,
            "Increased from a baseline of 97 か所 to 108 か所",
        ),
        (
            UP,
            INCREASE,
            None,
            D("976"),
            D("673"),
            "回",
            None,
            "No increase from a baseline of 976 回 (673 回, 69.0%)",
        ),
        (
            UP,
            INCREASE,
            None,
            D("0"),
            D("0"),
            "件",
            None,
            "No increase from a baseline of 0 件 (0 件)",
        ),
        (
            UP,
            NUMERIC,
            D("99.80"),
            None,
            D("99.80"),
            "%",
            None,
            "99.80% against a target of 99.80% (100.0%)",
        ),
        (
            UP,
            NUMERIC,
            D("99.8"),
            None,
            D("99.75"),
            "%",
            1,
            "99.8% against a target of 99.8% (99.9%)",
        ),
        (UP, NUMERIC, D("4"), None, D("4"), "", None, "4 against a target of 4 (100.0%)"),
        (
            DOWN,
            NUMERIC,
            D("20"),
            None,
            D("25"),
            "件",
            None,
            "25 件 against a target of 20 件 (80.0%, lower is better)",
        ),
        (
            DOWN,
            NUMERIC,
            D("0"),
            None,
            D("0"),
            "人",
            None,
            "0 人 against a target of 0 人 (lower is better)",
        ),
        (
            DOWN,
            MAINTAIN,
            None,
            D("50"),
            D("55"),
            "人",
            None,
            "55 人 against a baseline of 50 人 to be maintained (90.9%, lower is better)",
        ),
        (
            UP,
            MAINTAIN,
            None,
            D("0"),
            D("3"),
            "人",
            None,
            "3 人 against a baseline of 0 人 to be maintained",
        ),
        (
            DOWN,
            DECREASE,
            None,
            D("50"),
            D("40"),
            "人",
            None,
            "Decreased from a baseline of 50 人 to 40 人",
        ),
        (
            DOWN,
            INCREASE,
            None,
            D("50"),
            D("40"),
            "人",
            None,
            "Decreased from a baseline of 50 人 to 40 人",
        ),
        (
            DOWN,
            DECREASE,
            None,
            D("50"),
            D("55"),
            "人",
            None,
            "No decrease from a baseline of 50 人 (55 人, 90.9%)",
        ),
        (
            UP,
            DECREASE,
            None,
            D("1234"),
            D("1000"),
            "件",
            None,
            "Decreased from a baseline of 1,234 件 to 1,000 件",
        ),
    ],
)
def test_judge_reason_en(direction, kind, target, baseline, actual, unit, decimals, reason_en):
    result = _judge(direction, kind, target, baseline, actual, unit=unit, decimals=decimals)
    assert result.reason_en == reason_en


@pytest.mark.parametrize("direction", list(Direction))
@pytest.mark.parametrize("row", SEED_ROWS, ids=[f"No.{r[0]}-{r[1]}" for r in SEED_ROWS])
def test_english_reason_has_no_japanese_but_the_unit(row, direction):
    _no, _name, kind, target, baseline, actual, unit, _published = row
    target = None if target is None else D(target)
    result = _judge(direction, kind, target, D(baseline), D(actual), unit=unit)
    assert unit in result.reason_en
    assert not re.search(
        r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]", result.reason_en.replace(unit, "")
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), ("en-us", "en"), ("EN", "en"), ("ja", "ja"), ("", "ja"), (None, "ja")],
)
def test_reason_for_language(language, expected):
    result = _judge(UP, NUMERIC, D("20"), None, D("17"), unit="人")
    english, japanese = (
        "17 人 against a target of 20 人 (85.0%)",
        "目標値 20 人に対し 17 人（85.0%）",
    )
    assert result.reason_for(language) == (english if expected == "en" else japanese)


def test_ratio_percent_rounds_half_up():
    # 1 / 8 = 12.5 %, and 0.6345 → 63.45 % → "63.5%" (half-up), 0.0625 → "6.3%"
    assert _judge(UP, NUMERIC, D("8"), None, D("1")).reason == "目標値 8に対し 1（12.5%）"
    assert _judge(UP, NUMERIC, D("10000"), None, D("6345")).reason.endswith("（63.5%）")
    assert _judge(UP, NUMERIC, D("16"), None, D("1")).reason.endswith("（6.3%）")


@pytest.mark.parametrize("kind", list(TargetKind))
@pytest.mark.parametrize("direction", list(Direction))
def test_missing_actual_gives_no_status(direction, kind):
    result = _judge(direction, kind, D("10"), D("10"), None)
    assert result == Judgement(
        status=None, ratio=None, reason="実績が未集計です", reason_en="No actual reported yet"
    )


@pytest.mark.parametrize("kind", [MAINTAIN, INCREASE, DECREASE])
@pytest.mark.parametrize("actual", [D("10"), None])
@pytest.mark.parametrize("direction", list(Direction))
def test_qualitative_target_without_baseline_cannot_be_judged(direction, actual, kind):
    result = _judge(direction, kind, None, None, actual)
    assert result == Judgement(
        status=None,
        ratio=None,
        reason="定性的な目標に基準値がないため判定できません",
        reason_en="Cannot be judged: the qualitative target has no baseline",
    )


@pytest.mark.parametrize("actual", [D("10"), None])
def test_numeric_target_without_value_cannot_be_judged(actual):
    result = _judge(UP, NUMERIC, None, D("5"), actual)
    assert result.status is None
    assert result.ratio is None
    assert result.reason == "数値目標の目標値が未設定のため判定できません"
    assert result.reason_en == "Cannot be judged: the numeric target has no target value"


def test_numeric_target_does_not_need_a_baseline():
    assert _judge(UP, NUMERIC, D("10"), None, D("10")).status is ACHIEVED


def test_qualitative_target_ignores_target_value():
    # a stray target value must not turn 現状維持 into a numeric judgement
    assert _judge(UP, MAINTAIN, D("1000"), D("10"), D("10")).status is ACHIEVED


@pytest.mark.parametrize("theta", [D("0"), D("1"), D("-0.5"), D("1.5"), D("NaN"), D("Infinity")])
def test_threshold_must_be_between_zero_and_one(theta):
    with pytest.raises(ValueError):
        _judge(UP, NUMERIC, D("10"), None, D("10"), theta=theta)


@pytest.mark.parametrize("theta", [0.95, 1, None, "0.95"])
def test_threshold_must_be_decimal(theta):
    with pytest.raises(TypeError):
        _judge(UP, NUMERIC, D("10"), None, D("10"), theta=theta)


def test_threshold_is_checked_even_without_actual():
    with pytest.raises(ValueError):
        _judge(UP, NUMERIC, D("10"), None, None, theta=D("1"))


@pytest.mark.parametrize(
    ("target", "baseline", "actual"),
    [(10.0, None, D("1")), (D("10"), None, 9.5), (None, 1.0, D("1"))],
)
def test_floats_are_refused(target, baseline, actual):
    kind = NUMERIC if target is not None else MAINTAIN
    with pytest.raises(TypeError):
        _judge(UP, kind, target, baseline, actual)


@pytest.mark.parametrize("actual", [D("NaN"), D("Infinity"), D("-Infinity")])
def test_non_finite_values_are_refused(actual):
    with pytest.raises(ValueError):
        _judge(UP, NUMERIC, D("10"), None, actual)


def test_ints_are_accepted():
    assert _judge(UP, NUMERIC, 20, None, 19).status is MOSTLY


def test_enum_values_as_strings_are_accepted():
    result = _judge("down", "numeric", D("20"), None, D("25"))
    assert result.status is NOT


@pytest.mark.parametrize(("direction", "kind"), [("sideways", "numeric"), ("up", "double")])
def test_unknown_direction_or_kind_is_refused(direction, kind):
    with pytest.raises(ValueError):
        _judge(direction, kind, D("20"), None, D("25"))


@pytest.mark.parametrize(
    ("status", "value", "label"),
    [
        (ACHIEVED, "achieved", "達成"),
        (MOSTLY, "mostly_achieved", "概ね達成"),
        (NOT, "not_achieved", "未達成"),
    ],
)
def test_status_values_and_labels(status, value, label):
    assert status.value == value
    assert status == value  # str enum
    assert str(status) == value
    assert Status(value) is status
    assert status.label == label


def test_enum_values():
    assert [d.value for d in Direction] == ["up", "down"]
    assert [k.value for k in TargetKind] == ["numeric", "maintain", "increase", "decrease"]


def test_judgement_is_frozen():
    result = _judge(UP, NUMERIC, D("10"), None, D("10"))
    with pytest.raises(AttributeError):
        result.status = None


@pytest.mark.parametrize(
    ("baseline", "baseline_year", "target", "target_year", "year", "expected"),
    [
        (D("10"), 2019, D("20"), 2024, 2019, D("10")),
        (D("10"), 2019, D("20"), 2024, 2020, D("12")),
        (D("10"), 2019, D("20"), 2024, 2022, D("16")),
        (D("10"), 2019, D("20"), 2024, 2024, D("20")),
        (D("10"), 2019, D("20"), 2024, 2026, D("20")),  # not extrapolated
        (D("10"), 2019, D("20"), 2024, 2015, D("10")),
        (D("20"), 2019, D("10"), 2024, 2021, D("16")),  # falling line (down indicators)
        (D("0"), 2020, D("10"), 2023, 2021, D("10") / D("3")),
        (D("6914"), 2018, D("6700"), 2024, 2021, D("6807")),  # baseline from H30
        (D("5"), 2024, D("7"), 2024, 2024, D("7")),  # same year: target from then on
        (D("5"), 2024, D("7"), 2024, 2023, D("5")),
        (None, 2019, D("20"), 2024, 2022, None),
        (D("10"), None, D("20"), 2024, 2022, None),
        (D("10"), 2019, None, 2024, 2022, None),
        (D("10"), 2019, D("20"), None, 2022, None),
    ],
)
def test_expected_on_trajectory(baseline, baseline_year, target, target_year, year, expected):
    result = expected_on_trajectory(
        baseline_value=baseline,
        baseline_year=baseline_year,
        target_value=target,
        target_year=target_year,
        year=year,
    )
    assert result == expected
    if expected is not None:
        assert isinstance(result, Decimal)


def test_expected_on_trajectory_refuses_target_before_baseline():
    with pytest.raises(ValueError):
        expected_on_trajectory(
            baseline_value=D("1"),
            baseline_year=2024,
            target_value=D("2"),
            target_year=2020,
            year=2022,
        )


@pytest.mark.parametrize(
    ("direction", "expected", "actual", "on_track"),
    [
        (UP, D("12"), D("12"), True),
        (UP, D("12"), D("13"), True),
        (UP, D("12"), D("11.9"), False),
        (DOWN, D("12"), D("12"), True),
        (DOWN, D("12"), D("11"), True),
        (DOWN, D("12"), D("12.1"), False),
        (UP, None, D("12"), None),
        (UP, D("12"), None, None),
        (DOWN, None, None, None),
    ],
)
def test_is_on_track(direction, expected, actual, on_track):
    assert is_on_track(direction=direction, expected=expected, actual=actual) is on_track


BASELINE, TARGET = D("80"), D("100")


def _line(
    kind=NUMERIC, direction=UP, baseline=BASELINE, target=TARGET, years=(2019, 2024), plan=(None, 0)
):
    return Line.of(
        direction=direction,
        target_kind=kind,
        baseline_value=baseline,
        baseline_year=years[0],
        target_value=target,
        target_year=years[1],
        plan_years=plan,
    )


@pytest.mark.parametrize(
    ("line", "year", "actual", "gap"),
    [
        (_line(), 2022, D("70"), D("22") / D("92")),  # 92 expected
        (_line(), 2022, D("92"), None),  # on the line
        (_line(), 2022, D("95"), None),  # ahead of it
        (_line(), 2022, None, None),  # no figure
        (_line(), 2024, D("50"), None),  # the target year: the rule judges it
        (_line(), 2019, D("76"), D("0.05")),  # up to the baseline year, the baseline
        (_line(direction=DOWN, baseline=D("20"), target=D("0")), 2021, D("13"), D("1") / D("12")),
        (_line(kind=MAINTAIN, target=None), 2022, D("79.5"), D("0.5") / D("80")),
        (_line(baseline=D("0"), target=D("0")), 2022, D("-3"), D("3")),  # the shortfall itself
        (_line(baseline=D("0"), target=D("5")), 2022, D("-1e15"), MAX_GAP),  # at most MAX_GAP
    ],
)
def test_line_gap(line, year, actual, gap):
    assert line.gap(year, actual) == gap


@pytest.mark.parametrize(
    "line",
    [
        _line(kind=INCREASE),  # other qualitative targets draw no line
        _line(kind=DECREASE),
        _line(baseline=None),
        _line(target=None),
        _line(years=(2024, 2020)),  # a target year before the baseline year
        _line(years=(None, 2024)),  # no baseline year, and no plan's to take
        _line(years=(2019, None)),
        _line(years=(None, 2020), plan=(2021, 2024)),  # the plan's baseline year after it
    ],
)
def test_no_line(line):
    assert line is None


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ((None, None), (2019, 2024)),  # the plan's baseline and end years
        ((2020, None), (2020, 2024)),
        ((None, 2022), (2019, 2022)),
        ((2021, 2023), (2021, 2023)),  # its own years first
    ],
)
def test_a_line_without_its_own_years_takes_its_plans(years, expected):
    line = _line(years=years, plan=(2019, 2024))
    assert (line.baseline_year, line.target_year) == expected


def test_interim_year_status_and_trajectory_together():
    # R3 (2021) actual for No. 48 受入可能人数: judged against the final target, and checked
    # against the straight line from R元年 12,797 to R6 13,435.
    expected = expected_on_trajectory(
        baseline_value=D("12797"),
        baseline_year=2019,
        target_value=D("13435"),
        target_year=2024,
        year=2021,
    )
    assert expected == D("13052.2")
    assert is_on_track(direction=UP, expected=expected, actual=D("13000")) is False
    assert _judge(UP, NUMERIC, D("13435"), D("12797"), D("13000")).status is MOSTLY
