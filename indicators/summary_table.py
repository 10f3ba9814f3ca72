"""A city's published achievement table (施策達成状況概要), read into a plan. Pure: no Django.

Every city publishes, each year, a summary laid out like the Kanazawa seed
(docs/import-format.md, section 3): a heading per basic policy (``基本方針 1 …``), its
基本施策, then a table

    No. | 事業名 | 指標項目 | R元年実績 | R6目標値 | R6実績 | 達成状況

and the highlights (``R5-1 めだか親子教室`` + a paragraph). ``read_rows`` turns an XLSX,
a CSV or the text a PDF gives (tab-separated) into rows of cells, bounded before anything
is parsed; ``parse_summary`` reads those rows with the project's own value and era parsers
(``indicators.values``, ``policies.fiscal_years``) and returns a ``Summary`` or raises
``SummaryError`` listing every row it could not read. ``threshold_range`` works out which
thresholds for 概ね達成 agree with every status the city published, and ``disagreements``
lists the rows where a threshold's computed status differs from the published one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from indicators import achievement
from indicators.encodings import EncodingError, decode_upload
from indicators.values import ParsedValue, ValueParseError, cell_text, parse_value_with_year
from policies.fiscal_years import FiscalYearError, format_era, parse_fiscal_year

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "Bound",
    "Column",
    "Disagreement",
    "IndicatorRow",
    "PolicyRows",
    "ProjectRows",
    "Row",
    "Summary",
    "SummaryError",
    "ThresholdRange",
    "disagreements",
    "heading_key",
    "parse_column",
    "parse_summary",
    "propose_threshold",
    "read_rows",
    "threshold_range",
]

MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_CELL_CHARS = 2_000
MAX_XLSX_EXPANDED_BYTES = 200 * 1024 * 1024  # all parts of an XLSX once unzipped

# Column roles; baseline, target and actual columns carry a fiscal year.
NUMBER, PROJECT, INDICATOR, POLICY, STATUS, IGNORE = (
    "number",
    "project",
    "indicator",
    "policy",
    "status",
    "ignore",
)
BASELINE, TARGET, ACTUAL = "baseline", "target", "actual"
YEAR_ROLES = (BASELINE, TARGET, ACTUAL)
ROLES = (NUMBER, PROJECT, INDICATOR, POLICY, BASELINE, TARGET, ACTUAL, STATUS, IGNORE)
REQUIRED_ROLES = (NUMBER, PROJECT, INDICATOR, TARGET)
ROLE_LABELS = {
    NUMBER: "No.",
    PROJECT: "事業名",
    INDICATOR: "指標項目",
    POLICY: "基本方針",
    BASELINE: "基準値（実績）",
    TARGET: "目標値",
    ACTUAL: "実績",
    STATUS: "達成状況",
    IGNORE: "使わない",
}

STATUS_WORDS = {
    "達成": achievement.Status.ACHIEVED,
    "概ね達成": achievement.Status.MOSTLY_ACHIEVED,
    "おおむね達成": achievement.Status.MOSTLY_ACHIEVED,
    "未達成": achievement.Status.NOT_ACHIEVED,
}
TARGET_WORDS = {
    "現状維持": achievement.TargetKind.MAINTAIN,
    "維持": achievement.TargetKind.MAINTAIN,
    "増加": achievement.TargetKind.INCREASE,
    "拡充": achievement.TargetKind.INCREASE,
    "拡大": achievement.TargetKind.INCREASE,
    "向上": achievement.TargetKind.INCREASE,
    "減少": achievement.TargetKind.DECREASE,
    "削減": achievement.TargetKind.DECREASE,
}

_PLAIN_HEADINGS = {  # headings as _fold writes them
    "NO.": NUMBER,
    "NO": NUMBER,
    "番号": NUMBER,
    "事業番号": NUMBER,
    "事業名": PROJECT,
    "指標項目": INDICATOR,
    "指標名": INDICATOR,
    "指標": INDICATOR,
    "基本方針": POLICY,
    "達成状況": STATUS,
}
_SECTIONS = {
    "基本施策": "measures",
    "基本方針": "policies",
    "基本理念": "philosophy",
    "留意する視点": "viewpoints",
    "主な取組実績": "highlights",
}
_COUNT_FIELDS = {
    "計": "project_count_total",
    "計画策定当初": "project_count_initial",
    "策定後新規実施": "project_count_added",
}

_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60"
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_POLICY_RE = re.compile(r"^基本方針\s*(?P<number>[0-9]+)\s*[.:：．]?\s*(?P<title>.+)$")
_POLICY_CELL_RE = re.compile(r"^(?:基本方針)?\s*(?P<number>[0-9]+)\s*[.:：．]?\s*(?P<title>.*)$")
_OVERVIEW_POLICY_RE = re.compile(r"^[-・●]\s*(?P<number>[0-9]+)\s+(?P<title>.+)$")
_HIGHLIGHT_RE = re.compile(
    r"^(?:No\.?\s*(?P<number>[0-9]+)|(?P<added>R[0-9]+-[0-9]+))\s+(?P<name>.+)$", re.IGNORECASE
)
_PERIOD_LABEL_RE = re.compile(r"^(?:[0-9]+[.．]\s*)?計画期間\s*[:：]?")
_PERIOD_RE = re.compile(r"(?P<start>[^\s～~〜－-]+)\s*[～~〜－-]\s*(?P<end>[^\s（(]+)")
_YEAR_HEADING_RE = re.compile(r"^(?P<year>.+?)(?P<what>実績値?|目標値?)$")
_PROJECT_NUMBER_RE = re.compile(r"^(?:[0-9]+|R[0-9]+-[0-9]+)$")
_COUNT_RE = re.compile(r"^(?P<what>計|計画策定当初|策定後新規実施)\s*(?P<digits>[0-9\s]+)事業$")
_SUCCESSOR_RE = re.compile(r"「(?P<name>[^」]+)」の前身となる計画")


class SummaryError(ValueError):
    """A table that cannot be read; ``errors`` are (where, reason), in Japanese."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("\n".join(f"{where}: {reason}" for where, reason in errors))


@dataclass(frozen=True)
class Row:
    """One row of the source: where it is ("12 行目", "シート「表」3 行目") and its cells."""

    where: str
    cells: tuple[str, ...]

    @property
    def filled(self) -> list[str]:
        return [cell for cell in self.cells if cell]


@dataclass(frozen=True)
class Column:
    """What a table column holds: a role of ROLES, with a fiscal year for year roles."""

    role: str
    year: int | None = None

    @property
    def code(self) -> str:
        return f"{self.role}:{self.year}" if self.year is not None else self.role


@dataclass
class IndicatorRow:
    where: str
    name: str
    unit: str
    decimals: int
    baseline_value: Decimal | None
    baseline_decimals: int | None
    baseline_fiscal_year: int | None
    target_kind: achievement.TargetKind
    target_wording: str
    target_value: Decimal | None
    target_fiscal_year: int
    actuals: dict[int, Decimal]
    published_status: achievement.Status | None
    direction: achievement.Direction
    is_cumulative: bool
    key: str = ""  # "<project number>/<order>", stable across readings of one file

    def judge(self, threshold: Decimal) -> achievement.Judgement:
        return achievement.judge(
            direction=self.direction,
            target_kind=self.target_kind,
            target_value=self.target_value,
            baseline_value=self.baseline_value,
            actual=self.actuals.get(self.target_fiscal_year),
            threshold=threshold,
            unit=self.unit,
            decimals=self.decimals,
        )


@dataclass
class ProjectRows:
    where: str
    number: str
    name: str
    summary_order: int | None  # None for a project known only from a highlight
    indicators: list[IndicatorRow] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)


@dataclass
class PolicyRows:
    where: str
    number: int
    title: str
    keyword: str = ""
    measures: list[str] = field(default_factory=list)
    projects: list[ProjectRows] = field(default_factory=list)


@dataclass
class Table:
    where: str
    headings: list[str]
    columns: list[Column]


@dataclass
class Summary:
    start_fiscal_year: int
    end_fiscal_year: int
    baseline_fiscal_year: int
    policies: list[PolicyRows]
    tables: list[Table]
    overview: dict[str, object] = field(default_factory=dict)  # Plan fields the text gives

    @property
    def projects(self) -> list[ProjectRows]:
        return [project for policy in self.policies for project in policy.projects]

    @property
    def indicators(self) -> list[IndicatorRow]:
        return [i for project in self.projects for i in project.indicators]


# --- reading a file, bounded -----------------------------------------------------------------


def _bounded(rows, where_of) -> list[Row]:
    """Rows as Row objects, refusing more than MAX_ROWS rows, MAX_COLUMNS filled columns
    or MAX_CELL_CHARS characters in a cell."""
    result = []
    for index, values in enumerate(rows, 1):
        if index > MAX_ROWS:
            raise SummaryError([(where_of(index), f"行が多すぎます（{MAX_ROWS} 行まで）。")])
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise SummaryError([(where_of(index), f"列が多すぎます（{MAX_COLUMNS} 列まで）。")])
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise SummaryError(
                [(where_of(index), f"セルの文字が多すぎます（{MAX_CELL_CHARS} 文字まで）。")]
            )
        result.append(Row(where_of(index), tuple(cells)))
    return result


def _xlsx_rows(data: bytes) -> list[Row]:
    import openpyxl  # only needed for XLSX files

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > MAX_XLSX_EXPANDED_BYTES:
            raise SummaryError([("-", "Excel ファイルの中身が大きすぎます。")])
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SummaryError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds on a broken file
        raise SummaryError([("-", "Excel（.xlsx）ファイルとして読み取れません。")]) from exc
    rows: list[Row] = []
    for sheet in book.worksheets:
        values = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        rows += _bounded(values, lambda n, title=sheet.title: f"シート「{title}」{n} 行目")
        if len(rows) > MAX_ROWS:
            raise SummaryError([("-", f"行が多すぎます（{MAX_ROWS} 行まで）。")])
    book.close()
    return rows


def read_rows(name: str, data: bytes, *, max_bytes: int) -> list[Row]:
    """The rows of a summary file: ``.xlsx`` (every sheet), ``.csv`` or ``.txt`` (UTF-8,
    UTF-8 with BOM or CP932; a text line is split at tabs). Raises SummaryError."""
    if len(data) > max_bytes:
        raise SummaryError(
            [("-", f"ファイルが大きすぎます（{max_bytes // 1024 // 1024}MB まで）。")]
        )
    suffix = name.lower().rsplit(".", 1)[-1]
    if suffix == "xlsx":
        return _xlsx_rows(data)
    if suffix not in {"csv", "txt"}:
        raise SummaryError(
            [("-", "Excel（.xlsx）、CSV（.csv）またはテキスト（.txt）ファイルを選んでください。")]
        )
    try:
        text, _encoding = decode_upload(data)
    except EncodingError as exc:
        raise SummaryError([("-", str(exc))]) from exc
    lines = text.splitlines()
    if suffix == "txt":
        return _bounded((line.split("\t") for line in lines), lambda n: f"{n} 行目")
    try:
        return _bounded(csv.reader(lines), lambda n: f"{n} 行目")
    except csv.Error as exc:
        raise SummaryError([("-", f"CSV として読み取れません（{exc}）。")]) from exc


# --- reading cells -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Text compared as a heading: NFKC, no spaces, upper case ("R 元年実績" → "R元年実績")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _name(text: str) -> str:
    """A name as typeset: spaces that line breaks left between Japanese characters go
    ("プログラム 策定事業" → "プログラム策定事業"); others stay ("WEB アクセス数")."""
    return _CJK_GAP_RE.sub("", text.strip())


def _join_lines(lines: list[str]) -> str:
    """Lines of a wrapped paragraph as one: no space where a line break fell between
    Japanese characters, one space otherwise."""
    text = lines[0]
    for line in lines[1:]:
        gap = "" if re.match(rf"[{_CJK}]", text[-1:]) and re.match(rf"[{_CJK}]", line) else " "
        text = f"{text}{gap}{line}"
    return text


def _is_heading(text: str) -> bool:
    """A ■ heading or a basic policy's heading: never a table row."""
    return text.startswith(("■", "□")) or _POLICY_RE.match(text) is not None


def _unbold(text: str) -> tuple[str, str]:
    """A title with its emphasised word marked ``**…**`` (PDF text): (title, keyword)."""
    match = re.search(r"\*\*(.+?)\*\*", text)
    return _name(text.replace("**", "")), (match[1].strip() if match else "")


def parse_column(heading: str) -> Column | None:
    """What a column heading names: "No." → number, "R 元年実績" / "令和元年度実績" →
    actual 2019, "R6 目標値" → target 2024, … None when it is not a column we know."""
    folded = _fold(heading)
    if folded in _PLAIN_HEADINGS:
        return Column(_PLAIN_HEADINGS[folded])
    match = _YEAR_HEADING_RE.match(folded)
    if match is None:
        return None
    try:
        year = parse_fiscal_year(match["year"])
    except FiscalYearError:
        return None
    return Column(TARGET if match["what"].startswith("目標") else ACTUAL, year)


def _value(text: str, default_year: int | None, what: str) -> tuple[ParsedValue, int | None]:
    try:
        parsed, year = parse_value_with_year(text)
    except ValueParseError as exc:
        raise _RowError(f"{what}: {exc}") from exc
    return parsed, (year if year is not None else default_year)


class _RowError(Exception):
    pass


class _Cells:
    """The value cells of one indicator's row, read one by one."""

    def __init__(self, name: str):
        self.name = name
        self.baseline: ParsedValue | None = None
        self.baseline_year: int | None = None
        self.target: ParsedValue | None = None
        self.target_year: int | None = None
        self.target_kind = achievement.TargetKind.NUMERIC
        self.wording = ""
        self.actuals: dict[int, ParsedValue] = {}

    def read(self, column: Column, text: str):
        if column.role == TARGET:
            self.target_year = column.year
            kind = TARGET_WORDS.get(_fold(text))
            if kind is not None:
                self.target_kind, self.wording = kind, text.strip()
            elif not text:
                raise _RowError(f"{self.name}: 目標値が空です。")
            else:
                self.target, self.target_year = _value(text, column.year, "目標値")
        elif not text:
            return
        elif column.role == BASELINE:
            self.baseline, self.baseline_year = _value(text, column.year, "基準値")
        else:
            assert column.year is not None
            parsed, year = _value(text, column.year, f"{format_era(column.year)}実績")
            self.actuals[year] = parsed


# --- the parser --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, rows: list[Row], mapping: dict[str, Column], years: tuple):
        self.rows = rows
        self.mapping = mapping  # folded heading → the planner's correction
        self.start, self.end = years
        self.errors: list[tuple[str, str]] = []
        self.policies: dict[int, PolicyRows] = {}
        self.keywords: dict[int, str] = {}
        self.projects: dict[str, tuple[PolicyRows, ProjectRows]] = {}
        self.tables: list[Table] = []
        self.overview: dict[str, object] = {}
        self.policy: PolicyRows | None = None
        self.table: Table | None = None
        self.project: ProjectRows | None = None
        self.section = ""  # "measures", "highlights", "philosophy", "viewpoints", "policies"
        self.highlight: list[str] | None = None  # lines of the highlight being read
        self.period_next = False

    def error(self, row: Row, reason: str):
        self.errors.append((row.where, reason))

    def run(self):
        for row in self.rows:
            try:
                self.read(row)
            except _RowError as exc:
                self.error(row, str(exc))

    def read(self, row: Row):
        filled = row.filled
        heading = _is_heading(" ".join(filled))
        if len(filled) >= 2 and self.header_columns(row) is not None:
            self.read_header(row)
        elif self.table is not None and len(filled) >= 2 and not (heading and self.headed):
            self.read_table_row(row)
        elif not filled:
            self.table = None  # a blank row ends a table
            if self.highlight:
                self.highlight = None  # and a highlight's paragraph
        elif len(filled) >= 3 and not heading:
            raise _RowError(
                "表の見出し行（No. | 事業名 | 指標項目 | …）より前に表の行があります: "
                + " | ".join(filled)
            )
        else:
            self.table = None
            self.read_text(row, " ".join(filled))

    @property
    def headed(self) -> bool:
        """Whether the table's policies come from headings (no 基本方針 column)."""
        return self.table is not None and POLICY not in {c.role for c in self.table.columns}

    # -- text outside tables ------------------------------------------------------------------

    def read_text(self, row: Row, text: str):
        plain = text.lstrip("■□◆●").strip()
        first_word = plain.split()[0] if plain else ""
        if self.read_period(plain):
            return
        if match := _POLICY_RE.match(plain):
            self.start_policy(row, int(match["number"]), match["title"])
        elif first_word in _SECTIONS:  # "■ 主な取組実績", "■ 主な取組実績 （抜粋）"
            self.section, self.highlight = _SECTIONS[first_word], None
        elif plain != text or plain.endswith("概要"):
            self.section, self.highlight = "", None  # another ■ heading or a page title
        elif match := _COUNT_RE.match(plain):
            digits = re.sub(r"\s", "", match["digits"])  # "4 1 2": PDF text spaces digits
            self.overview[_COUNT_FIELDS[match["what"]]] = int(digits)
        elif match := _SUCCESSOR_RE.search(plain):
            self.overview["successor_name"] = match["name"]
        else:
            self.read_section_text(row, text)

    def read_section_text(self, row: Row, text: str):
        if self.section == "philosophy":
            self.overview["philosophy"] = text
            self.section = ""
        elif self.section == "viewpoints":
            point = text.lstrip("-・●✓ ").strip()
            previous = self.overview.get("viewpoints")
            self.overview["viewpoints"] = f"{previous}\n{point}" if previous else point
        elif self.section == "policies":
            if match := _OVERVIEW_POLICY_RE.match(text):
                title, keyword = _unbold(match["title"])
                if keyword:
                    self.keywords[int(match["number"])] = keyword
        elif self.section == "measures" and self.policy is not None:
            title = _name(text)
            if title in self.policy.measures:
                self.error(row, f"基本施策「{title}」が 2 回あります。")
            else:
                self.policy.measures.append(title)
        elif self.section == "highlights":
            self.read_highlight(row, text)

    def read_period(self, text: str) -> bool:
        """Read "計画期間 令和2年度～令和6年度", or the label and the years on the next line;
        True when the line was (part of) the period."""
        label = _PERIOD_LABEL_RE.match(text)
        if not (label or self.period_next):
            return False
        self.period_next = False
        match = _PERIOD_RE.match(text[label.end() :].strip() if label else text)
        if match is None:
            self.period_next = label is not None  # the years follow on the next line
            return self.period_next
        try:
            start, end = parse_fiscal_year(match["start"]), parse_fiscal_year(match["end"])
        except FiscalYearError as exc:
            if label is None:
                return False  # not a period after all
            raise _RowError(f"計画期間: {exc}") from exc
        self.start = self.start or start
        self.end = self.end or end
        return True

    def start_policy(self, row: Row, number: int, title_text: str) -> PolicyRows:
        title, keyword = _unbold(title_text)
        policy = self.policies.get(number)
        if policy is None:
            policy = self.policies[number] = PolicyRows(row.where, number, title, keyword)
        elif policy.title != title:
            raise _RowError(
                f"基本方針 {number} の名前が {policy.where} の「{policy.title}」と違います。"
            )
        if keyword:
            policy.keyword = keyword
        self.policy, self.section, self.highlight, self.project = policy, "", None, None
        return policy

    def read_highlight(self, row: Row, text: str):
        if match := _HIGHLIGHT_RE.match(text.strip()):
            if self.policy is None:
                raise _RowError("主な取組実績の前に基本方針の見出しがありません。")
            number = match["number"] or match["added"].upper()
            project = self.find_project(row, number, _name(match["name"]), summary_order=None)
            self.highlight = []
            project.highlights.append("")
            self.project = project
            return
        if self.highlight is None or self.project is None:
            raise _RowError(
                "主な取組実績の見出し（「No. 20 事業名」や「R5-1 事業名」）の前に文があります。"
            )
        self.highlight.append(text.strip())
        self.project.highlights[-1] = _join_lines(self.highlight)

    # -- tables ----------------------------------------------------------------------------

    def header_columns(self, row: Row) -> list[Column] | None:
        """The columns a row names when it is a table's heading row, else None."""
        columns = [
            self.mapping.get(_fold(heading)) or parse_column(heading) or Column(IGNORE)
            for heading in row.cells
        ]
        known = {c.role for c in columns} - {IGNORE, POLICY}
        return columns if len(known) >= 3 and (NUMBER in known or PROJECT in known) else None

    def read_header(self, row: Row):
        columns = self.header_columns(row)
        assert columns is not None
        self.table = self.project = None
        self.section, self.highlight = "", None
        roles = [c.role for c in columns]
        missing = [role for role in REQUIRED_ROLES if role not in roles]
        if missing:
            raise _RowError(
                f"表に必要な列がありません: {'、'.join(ROLE_LABELS[r] for r in missing)}。"
            )
        for role in (NUMBER, PROJECT, INDICATOR, POLICY, STATUS, TARGET, BASELINE):
            if roles.count(role) > 1:
                raise _RowError(f"表に「{ROLE_LABELS[role]}」の列が 2 つあります。")
        if POLICY not in roles and self.policy is None:
            raise _RowError(
                "表の前に基本方針の見出し（「基本方針 1 …」）か基本方針の列が必要です。"
            )
        target_year = next(c.year for c in columns if c.role == TARGET)
        actual_years = [c.year for c in columns if c.role == ACTUAL and c.year is not None]
        if BASELINE not in roles and actual_years and min(actual_years) < target_year:
            # The earliest 実績 column before the target year is the baseline ("R元年実績").
            first = columns.index(Column(ACTUAL, min(actual_years)))
            columns[first] = Column(BASELINE, min(actual_years))
        self.table = Table(row.where, list(row.cells), columns)
        self.tables.append(self.table)

    def read_table_row(self, row: Row):
        assert self.table is not None
        cells: dict[str, str] = {}
        values: list[tuple[Column, str]] = []
        for column, text in zip(self.table.columns, row.cells, strict=False):
            if column.role in YEAR_ROLES:
                values.append((column, text))
            elif column.role != IGNORE:
                cells[column.role] = text
        if cells.get(POLICY):
            self.policy_from_cell(row, cells[POLICY])
        number = cells.get(NUMBER, "").upper().removeprefix("NO.").strip()
        name = _name(cells.get(PROJECT, ""))
        if number or name:
            if not number:
                raise _RowError("No. が空です（事業名だけの行は読み取れません）。")
            if not _PROJECT_NUMBER_RE.match(number):
                raise _RowError(f"No.「{number}」は事業番号（1、R5-1 など）として読み取れません。")
            if not name:
                raise _RowError(f"No. {number} の事業名が空です。")
            self.project = self.find_project(row, number, name, summary_order=True)
        elif self.project is None:
            raise _RowError("No. と事業名が空ですが、上に続く事業がありません。")
        indicator_name = _name(cells.get(INDICATOR, ""))
        if not indicator_name:
            if any(text for _c, text in values) or cells.get(STATUS):
                raise _RowError("指標項目が空なのに値があります。")
            return
        indicator = self.read_indicator(row, indicator_name, values, cells.get(STATUS, ""))
        indicator.key = f"{self.project.number}/{len(self.project.indicators)}"
        self.project.indicators.append(indicator)

    def policy_from_cell(self, row: Row, text: str):
        match = _POLICY_CELL_RE.match(unicodedata.normalize("NFKC", text).strip())
        if match is None:
            raise _RowError(
                f"基本方針「{text}」を番号として読み取れません（例: 1 人と人がつながるまちへ）。"
            )
        number = int(match["number"])
        if match["title"]:
            self.start_policy(row, number, match["title"])
        elif number in self.policies:
            self.policy = self.policies[number]
        else:
            raise _RowError(
                f"基本方針 {number} の名前がわかりません（例: 1 人と人がつながるまちへ）。"
            )

    def find_project(self, row: Row, number: str, name: str, summary_order) -> ProjectRows:
        assert self.policy is not None
        found = self.projects.get(number)
        if found is not None:
            policy, project = found
            if policy is not self.policy:
                raise _RowError(f"事業番号 {number} は {project.where} で別の基本方針にあります。")
            if summary_order and project.summary_order is not None and project is not self.project:
                raise _RowError(f"事業番号 {number} は {project.where} にもあります。")
            if summary_order and project.summary_order is None:
                project.summary_order = self.next_order()
            return project
        order = self.next_order() if summary_order else None
        project = ProjectRows(row.where, number, name, order)
        self.policy.projects.append(project)
        self.projects[number] = (self.policy, project)
        return project

    def next_order(self) -> int:
        assert self.policy is not None
        return 1 + max((p.summary_order or 0 for p in self.policy.projects), default=0)

    def read_indicator(self, row: Row, name: str, values, status_text: str) -> IndicatorRow:
        cells = _Cells(name)
        for column, text in values:
            cells.read(column, text)
        baseline, target, target_year, actuals = (
            cells.baseline,
            cells.target,
            cells.target_year,
            cells.actuals,
        )
        units = {v.unit for v in (baseline, target, *actuals.values()) if v is not None and v.unit}
        if len(units) > 1:
            raise _RowError(f"{name}: 単位がそろっていません（{'、'.join(sorted(units))}）。")
        shown = [v for v in (target, actuals.get(target_year)) if v is not None]
        decimals = max((v.decimals for v in shown), default=baseline.decimals if baseline else 0)
        status = None
        if status_text:
            status = STATUS_WORDS.get(_fold(status_text))
            if status is None:
                raise _RowError(
                    f"{name}: 達成状況「{status_text}」は 達成・概ね達成・未達成 のどれでもありません。"
                )
            if target_year not in actuals:
                raise _RowError(f"{name}: 達成状況があるのに目標年度の実績がありません。")
        assert target_year is not None
        return IndicatorRow(
            where=row.where,
            name=name,
            unit=units.pop() if units else "",
            decimals=decimals,
            baseline_value=baseline.value if baseline else None,
            baseline_decimals=(
                baseline.decimals if baseline and baseline.decimals != decimals else None
            ),
            baseline_fiscal_year=cells.baseline_year if baseline else None,
            target_kind=cells.target_kind,
            target_wording=cells.wording,
            target_value=target.value if target else None,
            target_fiscal_year=target_year,
            actuals={year: value.value for year, value in actuals.items()},
            published_status=status,
            direction=(
                achievement.Direction.DOWN
                if cells.target_kind is achievement.TargetKind.DECREASE
                else achievement.Direction.UP
            ),
            is_cumulative="累計" in name,
        )

    # -- the whole ---------------------------------------------------------------------------

    def summary(self) -> Summary:
        for number, keyword in self.keywords.items():
            policy = self.policies.get(number)
            if policy is not None and not policy.keyword and keyword in policy.title:
                policy.keyword = keyword
        if not self.tables:
            self.errors.append(
                ("-", "達成状況の表（No. | 事業名 | 指標項目 | … の見出し行）が見つかりません。")
            )
        if self.start is None or self.end is None:
            self.errors.append(
                (
                    "-",
                    "計画期間がわかりません。「計画期間 令和2年度～令和6年度」の行を入れるか、"
                    "初年度と最終年度を指定してください。",
                )
            )
        if self.errors:
            raise SummaryError(self.errors)
        baselines = [c.year for t in self.tables for c in t.columns if c.role == BASELINE]
        return Summary(
            start_fiscal_year=self.start,
            end_fiscal_year=self.end,
            baseline_fiscal_year=min(baselines, default=self.start - 1),
            policies=sorted(self.policies.values(), key=lambda p: p.number),
            tables=self.tables,
            overview=self.overview,
        )


def parse_summary(
    rows: list[Row],
    *,
    start: int | None = None,
    end: int | None = None,
    mapping: dict[str, Column] | None = None,
) -> Summary:
    """Read a summary's rows into a Summary; raise SummaryError with every unreadable row.

    ``start``/``end`` give the plan period (else a 計画期間 line must); ``mapping`` corrects
    how a column heading is read (keyed by the heading as ``heading_key`` folds it).
    """
    parser = _Parser(rows, mapping or {}, (start, end))
    parser.run()
    return parser.summary()


def heading_key(heading: str) -> str:
    """The key a heading has in ``parse_summary``'s ``mapping``."""
    return _fold(heading)


# --- thresholds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """One side of the threshold range and the published row that sets it."""

    value: Fraction
    actual: Decimal
    reference: Decimal
    indicator: IndicatorRow

    def describe(self) -> str:
        """ "634,531 ÷ 688,518 ≈ 0.9216（No. 2 利用者数）"."""
        approx = (Decimal(self.value.numerator) / Decimal(self.value.denominator)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
        ratio = f"{self.actual:,f} ÷ {self.reference:,f}"
        if self.indicator.direction is achievement.Direction.DOWN:
            ratio = f"{self.reference:,f} ÷ {self.actual:,f}"
        number = self.indicator.key.split("/")[0]
        return f"{ratio} ≈ {approx}（No. {number} {self.indicator.name}）"


@dataclass(frozen=True)
class ThresholdRange:
    """The thresholds θ that agree with every published status: lower < θ ≤ upper.

    ``lower``/``upper`` are None when no published status bounds that side (θ > 0, θ < 1
    still hold). ``conflicts`` are indicators whose published status no θ gives.
    """

    lower: Bound | None
    upper: Bound | None
    conflicts: tuple[IndicatorRow, ...] = ()

    @property
    def is_empty(self) -> bool:
        low = self.lower.value if self.lower is not None else Fraction(0)
        high = self.upper.value if self.upper is not None else Fraction(1)
        return low >= high

    def contains(self, theta: Decimal) -> bool:
        value = Fraction(theta)
        return (
            0 < value < 1
            and (self.lower is None or value > self.lower.value)
            and (self.upper is None or value <= self.upper.value)
        )

    def describe(self) -> str:
        """The range in words, for the preview and the command."""
        if self.is_empty:
            text = "公表された達成状況のすべてに合う概ね達成の基準はありません"
            if self.lower and self.upper:
                text += f"（{self.lower.describe()} より大きく {self.upper.describe()} 以下が必要）"
            return text + "。"
        low = f"{self.lower.describe()} より大きく" if self.lower else "0 より大きく"
        high = f"{self.upper.describe()} 以下" if self.upper else "1 未満"
        return f"公表された達成状況と矛盾しない概ね達成の基準: {low} {high}。"


def _bound(indicator: IndicatorRow) -> Bound | None:
    """The largest θ for which the rule gives 概ね達成 rather than 未達成 (``achievement._Band``
    reads: up, a ≥ ref − (1 − θ)|ref|; down, θ·a ≤ θ·ref + (1 − θ)|ref|), or None when θ
    does not matter (no reference, or a zero one)."""
    kind = indicator.target_kind
    numeric = kind is achievement.TargetKind.NUMERIC
    reference = indicator.target_value if numeric else indicator.baseline_value
    actual = indicator.actuals.get(indicator.target_fiscal_year)
    if reference is None or actual is None or reference == 0:
        return None
    a, ref = Fraction(actual), Fraction(reference)
    lower_is_better = indicator.direction is achievement.Direction.DOWN or (
        kind is achievement.TargetKind.DECREASE
    )
    if not lower_is_better:
        value = (a - ref) / abs(ref) + 1
    elif (slope := a - ref + abs(ref)) > 0:
        value = abs(ref) / slope
    else:
        return None
    return Bound(value, actual, reference, indicator)


def threshold_range(indicators: list[IndicatorRow]) -> ThresholdRange:
    """Which thresholds give every published status (see ThresholdRange)."""
    lower: Bound | None = None
    upper: Bound | None = None
    conflicts = []
    probe = Decimal("0.5")  # any θ: "achieved" does not depend on it
    for indicator in indicators:
        published = indicator.published_status
        if published is None:
            continue
        computed = indicator.judge(probe).status
        bound = _bound(indicator)
        achieved = achievement.Status.ACHIEVED
        if computed is None or (computed is achieved) != (published is achieved):
            conflicts.append(indicator)
        elif published is achieved:
            continue
        elif bound is None:
            if computed is not published:
                conflicts.append(indicator)
        elif published is achievement.Status.MOSTLY_ACHIEVED:
            upper = bound if upper is None or bound.value < upper.value else upper
        elif lower is None or bound.value > lower.value:
            lower = bound
    return ThresholdRange(lower, upper, tuple(conflicts))


def propose_threshold(found: ThresholdRange, default: Decimal = Decimal("0.95")) -> Decimal:
    """A threshold of at most three decimals inside the range, the default if it is in it,
    else the one nearest to it; the default when no threshold fits."""
    if found.contains(default) or found.is_empty:
        return default
    candidates = [Decimal(n).scaleb(-3) for n in range(1, 1000)]
    inside = [theta for theta in candidates if found.contains(theta)]
    if not inside:
        return default
    return min(inside, key=lambda theta: (abs(theta - default), theta))


@dataclass(frozen=True)
class Disagreement:
    indicator: IndicatorRow
    published: achievement.Status
    computed: achievement.Judgement


def disagreements(indicators: list[IndicatorRow], threshold: Decimal) -> list[Disagreement]:
    """Rows whose published status differs from the one the rule gives with ``threshold``."""
    result = []
    for indicator in indicators:
        if indicator.published_status is None:
            continue
        judgement = indicator.judge(threshold)
        if judgement.status is not indicator.published_status:
            result.append(Disagreement(indicator, indicator.published_status, judgement))
    return result
