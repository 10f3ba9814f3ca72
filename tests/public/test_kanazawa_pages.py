"""The public policy pages reproduce Kanazawa's published achievement tables cell by cell."""

import pytest
from django.core.management import call_command

# (policy, No., 事業名, 指標項目, R元年実績, R6目標値, R6実績, 達成状況) as the city published them;
# spaces that typesetting put inside words are removed.
PUBLISHED_ROWS = [
    (
        1,
        "1",
        "かなざわ子育て夢ステーションの設置",
        "実施個所数",
        "145 か所",
        "現状維持",
        "150 か所",
        "達成",
    ),
    (1, "2", "地区児童館事業の充実", "児童館数", "31 か所", "拡充", "32 か所", "達成"),
    (1, "2", "地区児童館事業の充実", "利用者数", "688,518 人", "現状維持", "634,531 人", "未達成"),
    (1, "4", "子育てサロンの充実", "実施か所数", "41 か所", "現状維持", "40 か所", "概ね達成"),
    (1, "30", "はじめまして絵本事業", "配布率", "99.1%", "99.80%", "99.80%", "達成"),
    (2, "48", "通常保育", "受入可能人数", "12,797 人", "13,435 人", "16,683 人", "達成"),
    (
        2,
        "63",
        "ファミリー・サポート・センター事業の充実",
        "活動件数",
        "6,914 件 (H30)",
        "6,700 件",
        "8,156 件",
        "達成",
    ),
    (2, "64", "放課後児童クラブの拡充", "クラブ数", "97 か所", "増加", "108 か所", "達成"),
    (2, "64", "放課後児童クラブの拡充", "受入人数", "5,130 人", "5,565 人", "5,659 人", "達成"),
    (2, "104", "元気に育て！赤ちゃん訪問事業", "訪問率", "96% (H30)", "増加", "99.4%", "達成"),
    (
        2,
        "127",
        "産前・産後ママヘルパーの派遣",
        "派遣回数",
        "976 回 (H30)",
        "増加",
        "673 回",
        "未達成",
    ),
    (
        3,
        "152",
        "母子・父子自立支援プログラム策定事業",
        "プログラム策定による就業実績",
        "10 人",
        "20 人",
        "17 人",
        "未達成",
    ),
    (3, "170", "統合保育", "受入可能か所数", "126 か所", "現状維持", "144 か所", "達成"),
    (
        4,
        "246",
        "金沢版働き方改革普及啓発プロジェクト",
        "はたらく人にやさしい事業所表彰か所数（累計）",
        "50 社",
        "70 社",
        "77 社",
        "達成",
    ),
    (
        4,
        "331",
        "ユニバーサルデザイン公園の整備",
        "整備か所数",
        "222 か所",
        "227 か所",
        "227 か所",
        "達成",
    ),
    (
        4,
        "335",
        "人と環境にやさしいバス車両の導入等",
        "ノンステップバス購入台数",
        "3 台",
        "増加",
        "15 台",
        "達成",
    ),
    (
        5,
        "348",
        "子育て支援総合コーディネート事業",
        "実施か所数",
        "4 か所",
        "4 か所",
        "4 か所",
        "達成",
    ),
    (5, "353", "保育利用支援事業", None, None, None, None, None),
    (
        5,
        "350",
        "インターネットやスマートフォン等を活用した情報提供",
        "子育てお役立ちWEB アクセス数",
        "615,536 件",
        "増加",
        "476,288 件",
        "未達成",
    ),
]


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)


def rendered_rows(client, number):
    url = f"/plans/kanazawa-yumeplan-2020/policies/{number}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    rows = []
    for row in response.context["rows"]:
        if row.indicator is None:
            rows.append(
                (number, row.project.number, row.project.name, None, None, None, None, None)
            )
            continue
        cells = tuple(
            str(cell)
            for cell in (
                row.indicator.name,
                row.indicator.baseline_display,
                row.indicator.target_display,
                row.status.display_value,
                row.status.label,
            )
        )
        for cell in cells:
            assert cell in html
        rows.append((number, row.project.number, row.project.name, *cells))
    return rows


def test_every_policy_table_matches_the_published_summary(client, kanazawa):
    rendered = [row for number in range(1, 6) for row in rendered_rows(client, number)]
    assert rendered == PUBLISHED_ROWS


def test_plan_page_counts_match_the_published_statuses(client, kanazawa):
    response = client.get("/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    counts = {
        policy.number: (c.achieved, c.mostly_achieved, c.not_achieved, c.not_reported)
        for policy in response.context["basic_policies"]
        for c in [policy.status_counts]
    }
    assert counts == {
        1: (3, 1, 1, 0),
        2: (5, 0, 1, 0),
        3: (1, 0, 1, 0),
        4: (3, 0, 0, 0),
        5: (1, 0, 1, 0),
    }
    html = response.content.decode()
    assert "計 412 事業" in html and "計画策定当初 365 事業、策定後新規実施 47 事業" in html
    assert "金沢こどもまんなか未来プラン" in html


def test_policy_page_lists_measures_and_highlights(client, kanazawa):
    html = client.get("/plans/kanazawa-yumeplan-2020/policies/3/").content.decode()
    assert html.count("<li>", html.index("基本施策"), html.index("主な指標とその達成状況")) == 7
    assert "外国人住民の子育て支援" in html
    assert "R6-3" in html and "医療的ケア児保育施設等受入支援" in html
    assert "No. 157" in html and "養育費確保サポート事業" in html
