"""A whole plan as one Excel workbook: export, and import all or nothing.

The format is documented in docs/import-format.md. Each sheet holds one model; its
header row names the model's fields; references between sheets use the natural keys a
planner reads in the plan (basic policy number, measure title, project number, department
name) and, for indicators, the ``key`` column the workbook itself numbers. Values are
written so that they read back exactly: decimals as text ("99.8"), dates as ISO text.

``import_plan`` checks every row and raises PlanImportError listing each sheet, row and
reason; nothing is written unless the whole workbook is correct (transaction.atomic).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import operator
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils.dateparse import parse_date, parse_datetime

from indicators import file_limits, sheet_reader, xlsx_stream
from indicators.cache import bump_public_cache
from indicators.models import (
    INDICATOR_DEFINITION_FIELDS,
    NOTE_FIELDS,
    Actual,
    Indicator,
    OfficialStatus,
)
from indicators.services import workflow
from indicators.services.judgements import refresh_plan_judgements
from indicators.spreadsheet_safety import read_cell, safe_row
from indicators.values import ValueParseError, parse_value, parse_whole_number
from policies.models import (
    BasicPolicy,
    Department,
    Highlight,
    Measure,
    Plan,
    Project,
    ReportingYear,
)

from . import bulk

WRITE_BATCH = 5000  # rows checked, then written together, while a sheet is read
EXPORT_CHUNK = 2000  # rows read from the database at a time


@dataclass(frozen=True)
class Sheet:
    name: str
    model: type[models.Model]
    refs: tuple[str, ...]  # reference columns, resolved by the importer
    fields: tuple[str, ...]  # model fields, written and read as they are

    @property
    def headers(self) -> list[str]:
        return [*self.refs, *self.fields]


SHEETS = [
    Sheet(
        "plan",
        Plan,
        (),
        (
            "slug",
            "name",
            "name_en",
            "start_fiscal_year",
            "end_fiscal_year",
            "baseline_fiscal_year",
            "philosophy",
            "philosophy_en",
            "viewpoints",
            "viewpoints_en",
            "project_count_total",
            "project_count_initial",
            "project_count_added",
            "successor_name",
            "achievement_threshold",
        ),
    ),
    Sheet("reporting_years", ReportingYear, (), ("fiscal_year", "due_date", "is_locked")),
    Sheet(
        "basic_policies", BasicPolicy, (), ("number", "title", "title_en", "keyword", "keyword_en")
    ),
    Sheet("measures", Measure, ("basic_policy",), ("title", "title_en", "order")),
    Sheet(
        "projects",
        Project,
        ("basic_policy", "measure", "department"),
        ("number", "name", "name_en", "fiscal_year_added", "summary_order"),
    ),
    Sheet("highlights", Highlight, ("project",), ("text", "text_en", "order")),
    Sheet(
        "indicators",
        Indicator,
        ("key", "project"),
        INDICATOR_DEFINITION_FIELDS,
    ),
    Sheet(
        "actuals",
        Actual,
        ("indicator",),
        (
            "fiscal_year",
            "value",
            "note",
            "state",
            "published_value",
            "published_at",
            "published_note",
            "internal_note",
            "review_comment",
        ),
    ),
    Sheet("official_statuses", OfficialStatus, ("indicator",), ("fiscal_year", "status", "reason")),
]


class PlanImportError(ValueError):
    """A workbook that cannot be imported; ``errors`` are (sheet, row, reason)."""

    def __init__(self, errors: list[tuple[str, int, str]]):
        self.errors = errors
        super().__init__(
            "\n".join(f"シート「{sheet}」{row} 行目: {reason}" for sheet, row, reason in errors)
        )


# --- export --------------------------------------------------------------------------------


def _to_cell(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value == "":
        return None
    return value


def _figures(model, plan: Plan, keys: dict[int, int], fields: tuple[str, ...]):
    """The plan's actuals or official statuses as rows, in the order of their indicators'
    keys and then of fiscal years, read from the database as they are written."""
    rows = (
        model.objects.filter(indicator__project__plan=plan)
        # The indicators' order (as ``keys`` numbers them), then the year.
        .order_by(
            "indicator__project__basic_policy__number",
            "indicator__project__number",
            "indicator__order",
            "indicator_id",
            "fiscal_year",
        )
        .values_list("indicator_id", *fields)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    return ([keys[indicator], *map(_to_cell, values)] for indicator, *values in rows)


def plan_tables(plan: Plan) -> dict[str, Iterable[list]]:
    """Each sheet of the plan's workbook as rows of cells, header row first. The rows are
    produced as they are read (iterate each table once): a plan of 40,000 projects has some
    300,000 rows, which are never all in memory at once."""
    policies = {p.pk: p.number for p in plan.basic_policies.all()}
    projects = plan.projects.select_related("measure", "department").order_by(
        # Explicit NULLS LAST: SQLite and PostgreSQL sort nulls differently by default.
        "basic_policy__number",
        models.F("summary_order").asc(nulls_last=True),
        "number",
    )
    indicators = Indicator.objects.filter(project__plan=plan).order_by(
        "project__basic_policy__number", "project__number", "order", "pk"
    )
    keys = {pk: key for key, pk in enumerate(indicators.values_list("pk", flat=True), 1)}
    rows = {
        "plan": [([], plan)],
        "reporting_years": (([], y) for y in plan.reporting_years.order_by("fiscal_year")),
        "basic_policies": (([], p) for p in plan.basic_policies.order_by("number")),
        "measures": (
            ([policies[m.basic_policy_id]], m)
            for m in Measure.objects.filter(basic_policy__plan=plan).order_by(
                "basic_policy__number", "order", "title"
            )
        ),
        "projects": (
            (
                [
                    policies[p.basic_policy_id],
                    p.measure.title if p.measure else None,
                    p.department.name if p.department else None,
                ],
                p,
            )
            for p in projects.iterator(chunk_size=EXPORT_CHUNK)
        ),
        "highlights": (
            ([h.project.number], h)
            for h in Highlight.objects.filter(project__plan=plan)
            .select_related("project")
            .order_by("project__basic_policy__number", "project__number", "order", "pk")
        ),
        "indicators": (
            ([keys[i.pk], i.project.number], i)
            for i in indicators.select_related("project").iterator(chunk_size=EXPORT_CHUNK)
        ),
    }
    return {
        sheet.name: itertools.chain(
            [sheet.headers],
            _figures(sheet.model, plan, keys, sheet.fields)
            if sheet.model in (Actual, OfficialStatus)
            else _object_rows(sheet, rows[sheet.name]),
        )
        for sheet in SHEETS
    }


def _object_rows(sheet: Sheet, pairs) -> Iterator[list]:
    for refs, obj in pairs:
        yield [*refs, *(_to_cell(getattr(obj, f)) for f in sheet.fields)]


def export_plan(plan: Plan) -> bytes:
    """The plan as an XLSX workbook (bytes), written row by row by ``xlsx_stream`` (every
    text cell neutralised and an inline string, never a formula; numbers numbers). A
    fifth of the time openpyxl's write-only mode took, which built a cell object per
    text cell."""
    tables = ((name, map(_without_empty_end, rows)) for name, rows in plan_tables(plan).items())
    return b"".join(xlsx_stream.stream_workbook(tables))


def _without_empty_end(row: list) -> list:
    """A row without its last empty cells, which the importer (and a spreadsheet) reads
    as empty all the same: fewer cells to write and to read."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row if end == len(row) else row[:end]


def export_plan_csv(plan: Plan) -> bytes:
    """The plan as a ZIP of one CSV per sheet (``plan.csv``, ``projects.csv``, …), same
    columns as the workbook, UTF-8 with BOM so that Japanese Excel opens them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in plan_tables(plan).items():
            text = io.StringIO()
            csv.writer(text, lineterminator="\r\n").writerows(
                safe_row("" if cell is None else cell for cell in row) for row in table
            )
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return out.getvalue()


# --- import --------------------------------------------------------------------------------


class _RowError(Exception):
    pass


def _from_cell(field: models.Field, value):
    text = read_cell(value)
    if isinstance(field, models.BooleanField):
        if isinstance(value, bool):
            return value
        if text.upper() in {"TRUE", "1", "はい"}:
            return True
        if text.upper() in {"FALSE", "0", "いいえ", ""}:
            return False
        raise _RowError(f"{field.name}: 「{text}」は TRUE か FALSE で書いてください。")
    if not text:
        return None if field.null else ""
    if isinstance(field, models.DecimalField):
        try:
            return parse_value(text).value
        except ValueParseError as exc:
            raise _RowError(f"{field.name}: {exc}") from exc
    if isinstance(field, models.IntegerField):
        number = parse_whole_number(text, max_digits=18)
        if number is None:
            raise _RowError(f"{field.name}: 「{text[:50]}」は整数ではありません。")
        return number
    if isinstance(field, models.DateTimeField):
        parsed = value if isinstance(value, datetime.datetime) else parse_datetime(text)
        if parsed is None:
            raise _RowError(
                f"{field.name}: 「{text}」は日時（2024-04-01T09:00:00+09:00）ではありません。"
            )
        return parsed
    if isinstance(field, models.DateField):
        parsed = value.date() if isinstance(value, datetime.datetime) else parse_date(text)
        if parsed is None:
            raise _RowError(f"{field.name}: 「{text}」は日付（2024-04-01）ではありません。")
        return parsed
    return text


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _read_rows(book, sheet: Sheet, errors) -> Iterator[tuple[int, dict]]:
    """Check the sheet's header row now; its data rows are read as they are iterated
    (``book`` is sheet_reader's: they are parsed ahead, as they go), blank rows left out."""
    if sheet.name not in book.sheetnames:
        errors.append((sheet.name, 1, "シートがありません。"))
        return iter(())
    rows = book.rows(sheet.name)
    header = [read_cell(h) for h in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    missing = [h for h in sheet.headers if h not in header]
    unknown = [h for h in header if h not in sheet.headers]
    if missing or unknown:
        errors.append(
            (
                sheet.name,
                1,
                "見出しが違います。"
                + (f"足りない列: {', '.join(missing)}。" if missing else "")
                + (f"知らない列: {', '.join(unknown)}。" if unknown else ""),
            )
        )
        return iter(())
    return _records(sheet, header, rows, errors)


def _records(sheet: Sheet, header: list[str], rows, errors) -> Iterator[tuple[int, dict]]:
    """The data rows as (row number, {header: cell}), read as they are iterated; a value
    in a column without a header is an error of its row."""
    for number, values in enumerate(rows, 2):
        if _filled(values[len(header) :]):
            errors.append((sheet.name, number, "見出しのない列に値があります。"))
        elif _filled(values):
            # A row stops before its last cells when they are empty.
            cells = [*values[: len(header)], *[None] * (len(header) - len(values))]
            yield number, dict(zip(header, cells, strict=True))


def _filled(values) -> bool:
    """Whether any of the cells holds something: ``any(read_cell(v) for v in values)``,
    without reading each cell as text (only None and blank text read as "")."""
    return any(v is not None and (v.__class__ is not str or v.strip()) for v in values)


def _import(data: bytes, *, dry_run: bool) -> _Importer:
    """Read, check and write the workbook sheet by sheet, the file bounded by file_limits
    before and while reading (read ahead by sheet_reader); roll everything back on any
    error, or for a dry run."""
    try:
        with sheet_reader.read_sheets(data, [spec.name for spec in SHEETS]) as book:
            return _import_book(book, dry_run=dry_run)
    except file_limits.FileLimitError as exc:  # the file itself, before any sheet is read
        raise PlanImportError([("-", 0, str(exc))]) from exc


def _import_book(book, *, dry_run: bool) -> _Importer:
    errors: list[tuple[str, int, str]] = []
    sheets = {}
    for spec in SHEETS:
        try:
            sheets[spec.name] = _read_rows(book, spec, errors)
        except file_limits.FileLimitError as exc:
            raise PlanImportError([(spec.name, 0, str(exc))]) from exc
    if errors:
        raise PlanImportError(errors)
    importer = _Importer(sheets, errors)
    with transaction.atomic(), bulk.immediate_constraint_checks():
        try:
            importer.run()
        except file_limits.FileLimitError as exc:  # met while reading a sheet's rows
            errors.append((importer.sheet, 0, str(exc)))
        if errors or dry_run:
            transaction.set_rollback(True)
        else:
            refresh_plan_judgements(importer.plan.pk)
            bump_public_cache()  # a new plan (with its published figures) is public
    if errors:
        raise PlanImportError(errors)
    return importer


def import_plan(data: bytes) -> Plan:
    """Create a plan from a workbook made by export_plan (or by hand in its format)."""
    return Plan.objects.get(pk=_import(data, dry_run=False).plan.pk)


def check_plan(data: bytes) -> dict[str, int]:
    """Rows per sheet that ``import_plan`` would create; raises PlanImportError like it.

    Runs the whole import (every check the real one makes) and rolls it back.
    """
    return _import(data, dry_run=True).counts


def _value_errors(indicator: Indicator, value, memo: dict) -> tuple[str, ...]:
    """``workflow.value_errors``, remembered in ``memo`` for the import: the rules read the
    number (its value and type) and the indicator's unit alone, and a plan's figures
    repeat a few units and many values."""
    key = (indicator.unit, value.__class__, value)
    found = memo.get(key)
    if found is None:
        if len(memo) >= _Column.MEMO:
            memo.clear()
        found = memo[key] = tuple(workflow.value_errors(indicator, value))
    return found


def _relate(obj, name: str, target: models.Model) -> None:
    """``setattr(obj, name, target)`` for a foreign key to an object this import saved,
    without the descriptor's checks (of its type and database), which it cannot fail."""
    field = obj._meta.get_field(name)
    setattr(obj, field.attname, target.pk)
    field.set_cached_value(obj, target)


def _check_actual(actual: Actual, memo: dict) -> None:
    """The entry screen's rules for a value and its notes (workflow.value_errors and
    note_errors): a workbook cannot publish what an officer could not enter."""
    value, published = actual.value, actual.published_value
    messages = [] if value is None else _value_errors(actual.indicator, value, memo)
    problems = [f"value: {message}" for message in messages]
    if published is not None:
        # A published value equal to the working one (as most are) has the same problems.
        if not (published == value and type(published) is type(value)):
            messages = _value_errors(actual.indicator, published, memo)
        problems += [f"published_value: {message}" for message in messages]
    problems += [
        f"{name}: {message}"
        for name in NOTE_FIELDS
        for message in workflow.note_errors(getattr(actual, name))
    ]
    if problems:
        raise _RowError(" ".join(problems))


class _Importer:
    """Checks a sheet's rows in Python (fields, ``clean()``, references, uniqueness within
    the workbook) and writes them in batches of WRITE_BATCH rows with their history, as long as
    no row of the workbook has been refused (the caller rolls everything back if one is).
    The plan is new, so every unique constraint is scoped to rows of this workbook. Rows
    are read, checked and written as they come: only the objects later sheets refer to
    (policies, measures, projects, indicators) are kept."""

    def __init__(self, sheets, errors):
        self.sheets = sheets
        self.errors = errors
        self.counts: dict[str, int] = {}
        self.sheet = "plan"  # the sheet being read
        self.plan = None
        self.policies: dict[str, BasicPolicy] = {}
        self.measures: dict[tuple[str, str], Measure] = {}
        self.projects: dict[str, Project] = {}
        self.indicators: dict[str, Indicator] = {}
        self.departments = {d.name: d for d in Department.objects.all()}
        self.value_errors: dict = {}  # _value_errors' memory

    def run(self):
        self.sheets["plan"] = list(self.sheets["plan"])
        if len(self.sheets["plan"]) != 1:
            self.errors.append(("plan", 2, "計画の行はちょうど 1 行にしてください。"))
            return
        for sheet in SHEETS:
            self.sheet = sheet.name
            try:
                with transaction.atomic():
                    self._load(sheet)
            except IntegrityError as exc:  # a rule the checks below missed: still refused
                self.errors.append((sheet.name, self._first_row, f"保存できません: {exc}"))
                return
            if self.errors:
                return  # later sheets refer to this one: their errors would only echo it

    def _load(self, sheet: Sheet):
        unique = _UniqueCheck(sheet)
        columns = _Columns(sheet.model, sheet.fields)
        built = []  # (row, object, reference texts) not written yet
        self._first_row = None
        count = 0
        for row, record in self.sheets[sheet.name]:
            count += 1
            try:
                built.append((row, *self._build(sheet, record, columns)))
            except _RowError as exc:
                self.errors.append((sheet.name, row, str(exc)))
                continue
            except ValidationError as exc:
                self.errors.append((sheet.name, row, _messages(exc)))
                continue
            unique.add(*built[-1])
            if len(built) == WRITE_BATCH:
                self._flush(sheet, built, unique)
                built = []
        self._flush(sheet, built, unique)
        self.errors += unique.errors()
        self.counts[sheet.name] = count

    def _flush(self, sheet: Sheet, built, unique):
        if built and not self.errors and unique.passed():
            self._first_row = built[0][0]
            self._write(sheet, built)

    def _ref(self, table: dict, key, what: str):
        found = table.get(key)
        if found is None:
            shown = " / ".join(key) if isinstance(key, tuple) else key
            raise _RowError(f"{what}「{shown}」が見つかりません。")
        return found

    def _department(self, name: str) -> Department:
        if name not in self.departments:
            self.departments[name] = Department.objects.create(name=name)
        return self.departments[name]

    def _build(self, sheet: Sheet, record: dict, columns: _Columns):
        obj = columns.new()
        cells = {}
        for name, column in columns.sheet_fields:
            cells[name] = cell = column.read(record[name])
            if cell.problem:
                raise _RowError(cell.problem)
            setattr(obj, column.field.attname, cell.value)
        refs = {name: read_cell(record[name]) for name in sheet.refs}
        if sheet.model is Plan:
            if Plan.objects.filter(slug=obj.slug).exists():
                raise _RowError(f"slug「{obj.slug}」の計画はすでにあります。")
        elif sheet.model in (ReportingYear, BasicPolicy):
            _relate(obj, "plan", self.plan)
        elif sheet.model is Measure:
            _relate(obj, "basic_policy", self._ref(self.policies, refs["basic_policy"], "基本方針"))
        elif sheet.model is Project:
            _relate(obj, "plan", self.plan)
            _relate(obj, "basic_policy", self._ref(self.policies, refs["basic_policy"], "基本方針"))
            if refs["measure"]:
                measure = self._ref(
                    self.measures, (refs["basic_policy"], refs["measure"]), "基本施策"
                )
                _relate(obj, "measure", measure)
            if refs["department"]:
                _relate(obj, "department", self._department(refs["department"]))
        elif sheet.model in (Highlight, Indicator):
            _relate(obj, "project", self._ref(self.projects, refs["project"], "事業番号"))
            if sheet.model is Indicator and not refs["key"]:
                raise _RowError("key が空です。")
        else:
            _relate(obj, "indicator", self._ref(self.indicators, refs["indicator"], "指標 key"))
            if sheet.model is Actual:
                _check_actual(obj, self.value_errors)
        if sheet.model is Plan:
            obj.full_clean()
        else:
            # Without a query per row: references were resolved to objects of this import
            # just above, unique constraints are checked by _UniqueCheck, and the only
            # check constraints (Indicator's) are repeated by its clean().
            columns.full_clean(obj, cells)
        return obj, refs

    def _write(self, sheet: Sheet, built):
        objs = [obj for _row, obj, _refs in built]
        if sheet.model is Plan:
            objs[0].save()
        elif getattr(sheet.model._meta, "simple_history_manager_attribute", None):
            # As bulk_create_with_history without a default user: the request's user.
            bulk.insert_with_history(objs, user=None, reason=None)
        else:
            bulk.insert_objects(objs)
        for _row, obj, refs in built:
            if sheet.model is Plan:
                self.plan = obj
            elif sheet.model is BasicPolicy:
                self.policies[str(obj.number)] = obj
            elif sheet.model is Measure:
                self.measures[(refs["basic_policy"], obj.title)] = obj
            elif sheet.model is Project:
                self.projects[obj.number] = obj
            elif sheet.model is Indicator:
                self.indicators[refs["key"]] = obj


@dataclass(frozen=True)
class _Cell:
    """A cell read for a field: its value (``_from_cell``) or why it cannot be read
    (``problem``), and what ``Field.clean`` makes of the value, or its errors."""

    value: object
    problem: str = ""
    cleaned: object = None
    errors: list | None = None
    skipped: bool = False  # blank and allowed to be: clean_fields does not clean it


class _Column:
    """One field's cells, each distinct cell read and cleaned once: most columns of a plan
    repeat a few values (years, states, units, empty notes) over hundreds of thousands of
    rows. ``Field.clean`` depends on the value alone for the fields of a plan's sheets
    (relations are not cleaned here). Past MEMO distinct cells the memory starts again."""

    MEMO = 20_000

    def __init__(self, field: models.Field, *, from_cell: bool = True):
        self.field = field
        self.from_cell = from_cell
        self.seen: dict[tuple, _Cell] = {}
        self.blank: _Cell | None = None  # what an empty cell (None) reads as

    def read(self, cell) -> _Cell:
        if cell is None:  # the commonest cell, read once
            if self.blank is None:
                self.blank = self._read(None)
            return self.blank
        key = (cell.__class__, cell)
        found = self.seen.get(key)
        if found is None:
            if len(self.seen) >= self.MEMO:
                self.seen.clear()
            found = self.seen[key] = self._read(cell)
        return found

    def _read(self, cell) -> _Cell:
        field = self.field
        try:
            value = _from_cell(field, cell) if self.from_cell else cell
        except _RowError as exc:
            return _Cell(None, problem=str(exc))
        if field.blank and value in field.empty_values:
            return _Cell(value, skipped=True)
        try:
            return _Cell(value, cleaned=field.clean(value, None))
        except ValidationError as exc:
            return _Cell(value, errors=exc.error_list)


class _Columns:
    """A sheet's fields as _Columns; and what cleaning the model's other fields gives (they
    keep their defaults: the importer sets only the sheet's fields and the relations)."""

    def __init__(self, model, names: tuple[str, ...]):
        self.model = model
        self.sheet_fields = [(name, _Column(model._meta.get_field(name))) for name in names]
        fields = model._meta.concrete_fields
        constant = not any(field.has_default() and callable(field.default) for field in fields)
        signals = pre_init.has_listeners(model) or post_init.has_listeners(model)
        # Each object starts as a copy of these defaults, unless a default is callable or
        # something listens to the model's init signals (then model() makes each).
        self.defaults = (
            {field.attname: field.get_default() for field in fields}
            if constant and not signals
            else None
        )
        # What full_clean(exclude=relations) cleans, in its order: every field but the
        # relations, with the outcome of a default's cleaning where it is constant.
        self.cleaned = [
            (
                field,
                field.name in names,
                _Column(field, from_cell=False)._read(self.defaults[field.attname])
                if self.defaults is not None and field.name not in names
                else None,
            )
            for field in model._meta.fields
            if not field.is_relation and not field.generated
        ]

    def new(self):
        """A new object with every field's default, as ``model()`` makes it: without
        Django's per-field lookups of __init__, as unpickling makes an object."""
        if self.defaults is None:
            return self.model()
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self.defaults)
        obj._state = ModelState()
        return obj

    def full_clean(self, obj, cells: dict[str, _Cell]) -> None:
        """``obj.full_clean(exclude=relations, validate_unique=False,
        validate_constraints=False)``, each distinct value of a column cleaned once."""
        errors = {}
        for field, in_sheet, default in self.cleaned:
            if in_sheet:
                cell = cells[field.name]
            else:
                cell = default or _Column(field, from_cell=False)._read(getattr(obj, field.attname))
            if cell.errors is not None:
                errors[field.name] = cell.errors
            elif not cell.skipped:
                setattr(obj, field.attname, cell.cleaned)
        try:
            obj.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _attributes(*names: str):
    """A function of (object, refs) that gives the object's attributes ``names`` as a tuple."""
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj, refs: (get(obj),)
    return lambda obj, refs: get(obj)


class _UniqueCheck:
    """The sheet's unique keys (the indicators' ``key`` and the model's unique
    constraints) seen so far; a repeated key is an error naming the first row."""

    def __init__(self, sheet: Sheet):
        keys = [("key",)] if sheet.model is Indicator else []
        keys += [
            constraint.fields
            for constraint in sheet.model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields
        ]
        self.sheet = sheet
        self.seen: dict[tuple[str, ...], dict[tuple, int]] = {fields: {} for fields in keys}
        self.duplicates: dict[tuple[str, ...], list] = {fields: [] for fields in keys}
        # Each key's values (a tuple), read from the object, or the ``key`` reference.
        self.keys = {
            fields: (
                (lambda obj, refs: (refs["key"],))
                if fields == ("key",)
                else _attributes(*(sheet.model._meta.get_field(f).attname for f in fields))
            )
            for fields in keys
        }

    def add(self, row: int, obj, refs: dict):
        for fields, seen in self.seen.items():
            key = self.keys[fields](obj, refs)
            if key in seen:
                self.duplicates[fields].append(
                    (
                        self.sheet.name,
                        row,
                        f"{seen[key]} 行目と {', '.join(fields)} が重複しています。",
                    )
                )
            else:
                seen[key] = row

    def passed(self) -> bool:
        return not any(self.duplicates.values())

    def errors(self) -> list[tuple[str, int, str]]:
        """Grouped by key, in row order: as they were listed before rows were streamed."""
        return [error for errors in self.duplicates.values() for error in errors]
