"""Raw files → one frame of report rows plus quarantine rows. Raw files are never modified.

A file that cannot be read at all raises `InputError` naming the file and line; a row that
cannot be used becomes a quarantine row with a reason code, so nothing is lost silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError, InputErrors
from .schema import RAW_COLUMNS, RAW_REQUIRED

# No field is too long to *read*: one long field is that row's problem (FIELD_CAPS), never the
# whole file's.
csv.field_size_limit(2**31 - 1)

# Longest value a raw field may hold (characters, after trimming); a longer one sends its row to
# quarantine as malformed_row before any normalizer sees it. A real date, place or event type is
# under 200 characters and a quote a few sentences; megabytes are an extraction gone wrong and
# would cost every normalizer time (a 5 MB place took a build from 5 s to 67 s).
FIELD_CAP = 10_000
QUOTE_CAP = 100_000
FIELD_CAPS = {c: QUOTE_CAP if c in ("quote", "extra") else FIELD_CAP for c in (*RAW_COLUMNS, "extra")}


@dataclass(frozen=True)
class InputFile:
    """One raw file as the build saw it: its path relative to the raw folder, digest and row count."""

    path: str
    sha256: str
    rows: int


@dataclass
class RawBatch:
    """What reading produced: usable rows (raw text columns), quarantine rows, and the files read."""

    rows: pd.DataFrame
    quarantine: list[dict] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)

    @property
    def raw_count(self) -> int:
        """Rows in the input: the left side of `raw rows = reports + quarantine`."""
        return sum(f.rows for f in self.files)

    def take_rows(self) -> pd.DataFrame:
        """The rows, handed over: the batch keeps an empty frame (not a slice: an Arrow slice
        of zero rows still holds every buffer of its columns), so that the raw text lives on
        only in what is made from it."""
        rows, self.rows = self.rows, pd.DataFrame(columns=self.rows.columns)
        return rows


def discover(raw_dir: Path) -> list[Path]:
    """Every *.csv and *.jsonl under `raw_dir`, recursively, in a stable order.

    Nothing outside the raw folder is ever read: a symbolic link that leads out of it stops
    the build (InputError naming the link), and so does a folder with no input file at all."""
    if not raw_dir.is_dir():
        raise InputError(str(raw_dir), None, "raw folder does not exist")
    root = raw_dir.resolve()
    found = []
    for path in raw_dir.rglob("*"):
        if path.suffix.lower() not in (".csv", ".jsonl") or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root):
            raise InputError(path.relative_to(raw_dir).as_posix(), None,
                             "is a symbolic link to a file outside the raw folder; "
                             "copy the file into the raw folder instead")
        found.append(path)
    if not found:
        raise InputError("", None, f"no input files in {raw_dir} (looked for *.csv and *.jsonl)")
    return sorted(found, key=lambda p: p.relative_to(raw_dir).as_posix())


def raw_bytes(raw_dir: Path | str) -> int:
    """The bytes of the files `read_raw` reads (0 when it would refuse the folder: it says why)."""
    try:
        return sum(path.stat().st_size for path in discover(Path(raw_dir)))
    except (InputError, OSError):
        return 0


def quarantine_row(file: str, line: int, report_id: object, reason: str, message: str,
                   raw: dict | str) -> dict:
    """One quarantine record in the shape of the published table."""
    raw_text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
    rid = report_id if isinstance(report_id, str) and report_id else None
    return {"input_file": file, "input_line": line, "report_id": rid, "reason": reason,
            "message": message, "raw": raw_text}


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(name, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})") from None


def _clean(value: object) -> str | None:
    """Values are text as reported; blank means absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    value = value.strip()
    return value or None


def _check_header(header: list[str], name: str) -> list[str]:
    keys = [h.strip().lower() for h in header]
    dupes = sorted({k for k in keys if keys.count(k) > 1 and k})
    if dupes:
        raise InputError(name, 1, f"duplicate column(s) {', '.join(dupes)}")
    missing = [c for c in RAW_REQUIRED if c not in keys]
    if missing:
        raise InputError(name, 1, f"missing required column(s) {', '.join(missing)}")
    return keys


def _read_csv(text: str, name: str) -> tuple[list[str], list[tuple[int, list]], list[dict]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(name, 1, "empty file: no header row") from None
    except csv.Error as exc:
        raise InputError(name, 1, f"not a CSV header ({exc})") from None
    keys = _check_header(header, name)
    rows: list[tuple[int, list[str]]] = []
    bad: list[dict] = []
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(name, reader.line_num, f"not valid CSV ({exc})") from None
        line, start = start, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(keys):
            raw: dict | str = (dict(zip(keys, fields, strict=False)) if len(fields) < len(keys)
                               else json.dumps(fields, ensure_ascii=False))
            bad.append(quarantine_row(
                name, line, fields[0] if fields else None, "malformed_row",
                f"expected {len(keys)} fields, found {len(fields)}", raw))
            continue
        rows.append((line, fields))
    return keys, rows, bad


def _read_csv_fast(source: bytes | Path, name: str, lines: int
                   ) -> tuple[list[str], dict[str, list], list[int]] | None:
    """The common case read by Arrow's CSV parser, ~10× faster than the csv module: a
    well-formed file whose every line is one record, so that record i sits on line i + 2.
    Anything else (a quoted newline, a blank line, a short row, odd quoting) returns None and
    the csv-module reader, which knows line numbers and quarantines bad rows, reads it.

    `source` is the file's bytes or its path (`lines`: its line count, `_digest`); from a
    path Arrow reads it in blocks, so that its text is not held twice, as bytes and as
    columns."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as head:
        start = 3 if head.read(3) == b"\xef\xbb\xbf" else 0
        head.seek(start)
        first_line = head.readline()
    try:
        first = first_line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None  # the csv-module reader names the line
    if '"' in first or not first.strip():
        return None
    names = first.split(",")
    keys = _check_header(names, name)
    with pa.BufferReader(source) if isinstance(source, bytes) else pa.OSFile(str(source)) as data:
        data.seek(start)
        try:
            table = pacsv.read_csv(
                data,
                parse_options=pacsv.ParseOptions(newlines_in_values=False,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
        except (pa.ArrowInvalid, ValueError):
            return None
    if table.num_rows != lines - 1 or table.num_columns != len(keys):
        return None
    trimmed = []
    rows, columns = table.num_rows, table.columns
    del table  # each raw column is let go once its cleaned copy exists
    while columns:
        trimmed.append(_cleaned(columns.pop(0)))
    line_numbers = pa.array(range(2, rows + 2), pa.int64())
    if rows:  # rows of empty fields are skipped, as the csv-module reader skips them
        blank = trimmed[0].is_null()
        for column in trimmed[1:]:
            blank = pc.and_(blank, column.is_null())
        if pc.any(blank).as_py():
            keep = pc.invert(blank)
            trimmed = [c.filter(keep) for c in trimmed]
            line_numbers = line_numbers.filter(keep)
    columns = {k: c.to_pandas() for k, c in zip(keys, trimmed, strict=True)}  # Arrow-backed
    return keys, columns, line_numbers.to_pylist()


# A value that starts or ends with what `utf8_trim_whitespace` trims (Unicode White_Space).
_PADDED = r"^[\s\pZ\x{0B}\x{1C}-\x{1F}\x{85}]|[\s\pZ\x{0B}\x{1C}-\x{1F}\x{85}]$"


def _cleaned(column):  # noqa: ANN001, ANN202
    """A raw text column trimmed, blank values null. Copied only when some value needs it:
    a column of kilobyte quotes is not duplicated to change nothing."""
    import pyarrow.compute as pc

    # only the first and last characters can be padding: matched on them alone (a regex
    # over a column of kilobyte quotes took seconds to find the end of each)
    ends = pc.binary_join_element_wise(pc.utf8_slice_codeunits(column, 0, 1),
                                       pc.utf8_slice_codeunits(column, -1), "")
    if pc.any(pc.match_substring_regex(ends, _PADDED)).as_py():
        column = pc.utf8_trim_whitespace(column)
    if pc.any(pc.equal(column, "")).as_py():
        column = pc.if_else(pc.equal(column, ""), None, column)
    return column


class _Object(dict):
    """A JSON object that remembers its keys in order, duplicates included."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.keys_read = [k for k, _ in pairs]


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unencodable(value: object) -> bool:
    """A string (anywhere inside `value`) holding a lone surrogate: not Unicode text."""
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_unencodable(k) or _unencodable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unencodable(v) for v in value)
    return False


def _json_problem(obj: dict) -> str | None:
    """Why a JSON object cannot be a report row, or None. Values of the contract's columns are
    text or numbers; an object, array or boolean there is a malformed row, not text to guess at."""
    for key in RAW_COLUMNS:
        value = obj.get(key)
        if isinstance(value, bool | dict | list):
            kind = ("a boolean" if isinstance(value, bool) else "an object" if isinstance(value, dict)
                    else "an array")
            return f"{key} is {kind}, not text or a number"
    return None


def _json_line(line: str) -> dict | str:
    """One JSON Lines line → its object, or why it is not one. Numbers keep the text they were
    written as (`1e9`, `99999999999999999999`, `NaN`): counts are parsed from text, later."""
    try:
        obj = json.loads(line, object_pairs_hook=_Object, parse_int=str, parse_float=str,
                         parse_constant=str)
    except json.JSONDecodeError as exc:
        return f"not a JSON object ({exc.msg})"
    except RecursionError:
        return "not a JSON object (nested too deeply)"
    if not isinstance(obj, dict):
        return "line is JSON but not an object"
    return obj


def _read_jsonl(text: str, name: str) -> tuple[list[str], list[tuple[int, list]], list[dict]]:
    records: list[tuple[int, dict]] = []
    bad: list[dict] = []
    # JSON Lines ends lines with \n (or \r\n) only; U+2028 and other breaks splitlines() knows
    # may stand unescaped inside a JSON string.
    lines = text.split("\n")
    objects = 0
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("["):
        number = next(i for i, line in enumerate(lines, start=1) if line.strip())
        raise InputError(name, number, "not JSON Lines: the file is a JSON array; "
                                       "write one JSON object a line")
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        obj = _json_line(line)
        if isinstance(obj, str):
            bad.append(quarantine_row(name, number, None, "malformed_row", obj, line))
            continue
        names = [str(k).strip().lower() for k in getattr(obj, "keys_read", obj)]
        dupes = sorted(k for k, n in Counter(names).items() if n > 1)
        if dupes:  # as a CSV header with two such columns: which one is meant?
            raise InputError(name, number, f"duplicate key(s) {', '.join(dupes)} "
                                           "(keys match case-insensitively after trimming)")
        objects += 1
        obj = {k: v for k, v in zip(names, obj.values(), strict=True)}
        problem = _json_problem(obj)
        if problem is None and _SURROGATE_ESCAPE.search(line) and _unencodable(obj):
            where = next((k if not _unencodable(k) else "a key" for k, v in obj.items()
                          if _unencodable(k) or _unencodable(v)), "a text")
            problem = f"{where} holds a lone surrogate (\\ud800-\\udfff), which is not Unicode"
        if problem:
            rid = obj.get("report_id")
            rid = rid if isinstance(rid, str) and not _unencodable(rid) else None
            bad.append(quarantine_row(name, number, rid,
                                      "malformed_row", problem, line))
            continue
        records.append((number, obj))
    if bad and not objects:  # not one object: this is not a JSON Lines file at all
        raise InputError(name, bad[0]["input_line"], f"not JSON Lines: {bad[0]['message']}")
    keys: list[str] = list(RAW_REQUIRED)
    for _, obj in records:
        keys.extend(k for k in obj if k not in keys)
    rows = [(n, [obj.get(k) for k in keys]) for n, obj in records]
    return keys, rows, bad


def _frame(keys: list[str], rows: list[tuple[int, list]], name: str) -> pd.DataFrame:
    """Rows as read by the csv module or from JSON Lines → `_assemble`."""
    columns = list(zip(*(r[1] for r in rows), strict=True)) if rows else [()] * len(keys)
    data = {k: [v.strip() or None for v in col] if all(isinstance(v, str) for v in col)
            else [_clean(v) for v in col] for k, col in zip(keys, columns, strict=True)}
    return _assemble(keys, data, [r[0] for r in rows], name)


def _assemble(keys: list[str], data: dict[str, Any], lines: list[int], name: str) -> pd.DataFrame:
    """Known columns by name (absent optional ones as null), unknown ones folded into `extra`.

    Text is held in Arrow-backed string columns (missing = NaN): a million reports' raw
    text takes a third of the memory it takes as Python strings."""
    n = len(lines)
    frame = pd.DataFrame({c: pd.Series(data[c], dtype="str") if c in data
                          else _nulls(n) for c in RAW_COLUMNS})
    unknown = [k for k in keys if k not in RAW_COLUMNS and k]
    data = {k: data[k].tolist() if isinstance(data[k], pd.Series) else data[k] for k in unknown}
    data = {k: [None if v != v else v for v in values] for k, values in data.items()}
    if unknown:
        extra = [
            {k: data[k][i] for k in unknown if data[k][i] is not None} for i in range(n)
        ]
        frame["extra"] = pd.Series([json.dumps(e, ensure_ascii=False, sort_keys=True) if e else None
                                    for e in extra], dtype="str")
    else:
        frame["extra"] = _nulls(n)
    frame["input_file"] = name
    frame["input_line"] = lines
    return frame


def _nulls(n: int) -> pd.Series:
    """A text column of `n` nulls, made by Arrow (a list of a million Nones took 0.1 s)."""
    import pyarrow as pa

    return pd.Series(pa.nulls(n, pa.large_string()).to_pandas(), dtype="str")


def raw_record(row: pd.Series) -> dict:
    """The row as it was read (known and extra columns), for quarantine's `raw`."""
    record = {c: row[c] for c in RAW_COLUMNS if isinstance(row.get(c), str)}
    if isinstance(row.get("extra"), str):
        record.update(json.loads(row["extra"]))
    return record


def read_raw(raw_dir: Path | str, mapper: Callable[[Callable, list], Iterable] | None = None
             ) -> RawBatch:
    """Read every raw file under `raw_dir` into one frame; row problems go to quarantine.

    `mapper` (an engine's map) parses the files in parallel. Their bytes are read here and
    sent along, so workers need no access to the raw folder; read here, a file is parsed from
    its path."""
    raw_dir = Path(raw_dir)
    paths = [(p.relative_to(raw_dir).as_posix(), p) for p in discover(raw_dir)]
    parsed = (mapper(_read_file, [(name, _file_bytes(name, p)) for name, p in paths]) if mapper
              else map(_read_file, paths))
    frames: list[pd.DataFrame] = []
    batch = RawBatch(rows=pd.DataFrame())
    errors: list[InputError] = []
    for result in parsed:
        if isinstance(result, InputError):
            errors.append(result)
            continue
        frame, bad, file = result
        frames.append(frame)
        batch.quarantine.extend(bad)
        batch.files.append(file)
    if errors:  # every file that cannot be read, not only the first
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    if frames:
        rows_frame = pd.concat(frames, ignore_index=True)
    else:
        rows_frame = _frame(list(RAW_COLUMNS), [], "")
    batch.rows = _reject(rows_frame, batch.quarantine)
    return batch


def _read_file(item: tuple[str, bytes | Path]
               ) -> tuple[pd.DataFrame, list[dict], InputFile] | InputError:
    """One raw file, its bytes or its path → (rows, unreadable rows as quarantine, the file's
    record), or the InputError naming why the file cannot be read (its encoding, its header,
    or the system: gone since it was listed, not permitted), returned so that the other
    files are still read and every bad one is named."""
    name, source = item
    try:
        return _parse_file(name, source)
    except OSError as exc:
        return _unreadable(name, exc)
    except InputError as exc:
        return exc


def _unreadable(name: str, exc: OSError) -> InputError:
    return InputError(name, None, f"cannot be read ({exc.strerror or exc})")


def _file_bytes(name: str, path: Path) -> bytes:
    """A raw file's bytes, for an engine's workers."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(name, exc) from None


def _parse_file(name: str, source: bytes | Path) -> tuple[pd.DataFrame, list[dict], InputFile]:
    """`_read_file`'s work: Arrow's parser for a well-formed CSV, else the csv module or JSON."""
    csv_file = name.lower().endswith(".csv")
    if csv_file:
        seen = _version(source)
        digest, lines = _digest(source)
        fast = _read_csv_fast(source, name, lines)  # Arrow checks the UTF-8
        if fast is not None and _version(source) == seen:  # what was parsed is what was hashed
            keys, columns, line_numbers = fast
            return (_assemble(keys, columns, line_numbers, name), [],
                    InputFile(name, digest, len(line_numbers)))
    data = source if isinstance(source, bytes) else source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    text = _decode(data, name)  # a file's text as Python str only when Arrow cannot read it
    keys, rows, bad = (_read_csv if csv_file else _read_jsonl)(text, name)
    return _frame(keys, rows, name), bad, InputFile(name, digest, len(rows) + len(bad))


def _version(source: bytes | Path) -> tuple[int, int] | None:
    """A file's size and modification time (None for bytes in hand): a file written to while
    it was read is read again, whole, so that its digest is of the rows the build used."""
    if isinstance(source, bytes):
        return None
    stat = source.stat()
    return stat.st_size, stat.st_mtime_ns


def _digest(source: bytes | Path, block: int = 1 << 24) -> tuple[str, int]:
    """(SHA-256 of a file's bytes, its line count: a last line without a newline counts), from
    its bytes or read from its path 16 MiB at a time."""
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest(), source.count(b"\n") + (
            not source.endswith(b"\n"))
    sha, newlines, last = hashlib.sha256(), 0, b""
    with open(source, "rb") as fh:
        while chunk := fh.read(block):
            sha.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    return sha.hexdigest(), newlines + (last != b"\n")


def _too_long(frame: pd.DataFrame, quarantine: list[dict]) -> pd.DataFrame:
    """Quarantine rows with a field longer than its cap (FIELD_CAPS) as malformed_row.

    A value has at least as many bytes as characters, so a column whose longest value in
    bytes is within the cap is within it in characters: only other columns are counted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    over = pd.Series(False, index=frame.index)
    lengths = {}
    for column, cap in FIELD_CAPS.items():
        longest = pc.max(pc.binary_length(pa.array(frame[column], from_pandas=True))).as_py()
        if longest is None or longest <= cap:
            continue
        n = frame[column].str.len().fillna(0).astype("int64")
        lengths[column] = n
        over |= n > cap
    if not over.any():  # the common case: no copy of a million rows
        return frame
    for idx in frame.index[over]:
        row = frame.loc[idx]
        column = next(c for c, cap in FIELD_CAPS.items() if c in lengths and lengths[c][idx] > cap)
        quarantine.append(quarantine_row(
            row["input_file"], int(row["input_line"]), row["report_id"], "malformed_row",
            f"{column} is {lengths[column][idx]:,} characters long (limit {FIELD_CAPS[column]:,})",
            raw_record(row)))
    return frame[~over]


def _reject(frame: pd.DataFrame, quarantine: list[dict]) -> pd.DataFrame:
    """Quarantine rows with an over-long field, then rows missing a required value, then later
    copies of a report_id."""
    frame = _too_long(frame, quarantine)
    missing = frame[list(RAW_REQUIRED)].isna()
    bad = missing.any(axis=1)
    for idx in frame.index[bad]:
        row = frame.loc[idx]
        cols = [c for c in RAW_REQUIRED if missing.at[idx, c]]
        quarantine.append(quarantine_row(row["input_file"], int(row["input_line"]), row["report_id"],
                                         "missing_field", f"required field(s) empty: {', '.join(cols)}",
                                         raw_record(row)))
    frame = frame[~bad]
    dup = frame["report_id"].duplicated(keep="first")
    if dup.any():
        first = frame[~dup].set_index("report_id")
        for idx in frame.index[dup]:
            row = frame.loc[idx]
            orig = first.loc[row["report_id"]]
            quarantine.append(quarantine_row(
                row["input_file"], int(row["input_line"]), row["report_id"], "duplicate_report_id",
                f"report_id {row['report_id']} already read at {orig['input_file']}:{orig['input_line']}",
                raw_record(row)))
    return frame[~dup].reset_index(drop=True)


def iter_quarantine(rows: Iterable[dict]) -> pd.DataFrame:
    """Quarantine records as a frame in a deterministic order (file, line)."""
    frame = pd.DataFrame(list(rows), columns=["input_file", "input_line", "report_id", "reason",
                                             "message", "raw"])
    return frame.sort_values(["input_file", "input_line"], kind="stable").reset_index(drop=True)
