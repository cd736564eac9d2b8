"""Raw files → one frame of report rows plus quarantine rows. Raw files are never modified.

A file that cannot be read at all raises `InputError` naming the file and line; a row that
cannot be used becomes a quarantine row with a reason code, so nothing is lost silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engines import in_threads
from .errors import InputError, InputErrors, shown
from .schema import RAW_COLUMNS, RAW_REQUIRED
from .shelf import POSITION, SHELVED, Shelf, ShelfPart

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


INPUT_SUFFIXES = (".csv", ".jsonl")


def discover(raw_dir: Path) -> list[Path]:
    """Every *.csv and *.jsonl under `raw_dir`, recursively, in a stable order.

    Nothing outside the raw folder is ever read: a symbolic link that leads out of it stops
    the build (InputError naming the link), and so does a folder with no input file at all.
    Nothing inside it is skipped silently either: a subfolder that cannot be listed (no
    permission), an input name that cannot be opened (a broken symbolic link, a loop of
    links) or is no file (a pipe, a device) stops the build naming each, as an unreadable
    file does: their rows would be lost without a word (`Path.rglob` and `is_file` pass
    over all of these in silence). A linked folder is not followed, as before."""
    if not raw_dir.is_dir():
        if raw_dir.exists():
            raise InputError(str(raw_dir), None, "is not a folder: give the folder that holds "
                                                 "the raw *.csv and *.jsonl files")
        raise InputError(str(raw_dir), None, "raw folder does not exist")
    root = raw_dir.resolve()
    found: list[Path] = []
    problems: list[InputError] = []

    def unlisted(exc: OSError) -> None:  # os.walk's word on a folder it cannot list
        folder = Path(os.fsdecode(exc.filename)) if exc.filename else raw_dir
        inside = folder != raw_dir and folder.is_relative_to(raw_dir)
        name = folder.relative_to(raw_dir).as_posix() if inside else str(folder)
        problems.append(InputError(name, None,
                                   f"folder cannot be read ({exc.strerror or exc})"))

    for top, _, names in os.walk(raw_dir, onerror=unlisted):
        for entry in names:
            path = Path(top, entry)
            if path.suffix.lower() not in INPUT_SUFFIXES:
                continue
            name = path.relative_to(raw_dir).as_posix()
            try:
                mode = path.stat().st_mode  # through a link: what would be read
            except OSError as exc:
                why = exc.strerror or str(exc)
                if path.is_symlink() and isinstance(exc, FileNotFoundError):
                    why = f"a symbolic link to a file that does not exist: {why}"
                problems.append(InputError(name, None, f"cannot be read ({why})"))
                continue
            if stat.S_ISDIR(mode):  # a link to a folder: not followed
                continue
            if not stat.S_ISREG(mode):
                problems.append(InputError(name, None, "cannot be read (not a regular file: "
                                                       "a pipe, socket or device)"))
                continue
            if not path.resolve().is_relative_to(root):
                problems.append(InputError(name, None,
                                           "is a symbolic link to a file outside the raw folder; "
                                           "copy the file into the raw folder instead"))
                continue
            found.append(path)
    if problems:
        problems.sort(key=lambda e: e.path)
        raise problems[0] if len(problems) == 1 else InputErrors(problems)
    if not found:
        raise InputError("", None, f"no input files in {shown(str(raw_dir))} "
                                   "(looked for *.csv and *.jsonl)")
    return sorted(found, key=lambda p: p.relative_to(raw_dir).as_posix())


def _file_name(path: Path, raw_dir: Path) -> str:
    """The name a raw file is recorded under (`input_file`, the datapackage's input files):
    its path in the raw folder. A name that is not UTF-8 (`caf\\xe9.csv` written in
    Latin-1) cannot be stored as text: its stray bytes are written `\\xe9`."""
    name = path.relative_to(raw_dir).as_posix()
    return os.fsencode(name).decode("utf-8", "backslashreplace")


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


def decode(data: bytes, name: str) -> str:
    """A CSV or JSON Lines file's text, or the InputError naming the line of its first byte
    that is not UTF-8 (`import` reads ACLED and UCDP exports so too)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        if name.lower().endswith(".csv"):  # a lone CR ends a CSV line too (`_read_csv`)
            line += before.count(b"\r") - before.count(b"\r\n")
        raise InputError(name, line, f"not UTF-8 (byte 0x{data[exc.start]:02x})") from None


def _clean(value: object) -> str | None:
    """Values are text as reported; blank means absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    value = value.strip()
    return value or None


def check_header(header: list[str], name: str, required: tuple[str, ...] = RAW_REQUIRED,
                 what: str = "required") -> list[str]:
    """A CSV header → its column keys (trimmed, lower case), or the InputError saying why the
    file cannot be read: a column named twice, a `required` column missing (`import` checks
    an ACLED or UCDP export's header so too, `what` naming the dataset).

    A column with no name (a header ending `,,`) is still a column whose values are rows'
    text: SPEC §3 keeps unknown columns in `extra`, "never dropped silently", and an unnamed
    column does not make the file unreadable (SPEC §5's reasons to stop a build are the
    encoding, the format and the required columns). So it is kept, under the one name that
    is stable for it, its position: `column_16` for the 16th."""
    keys = [h.strip().lower() or f"column_{i}" for i, h in enumerate(header, start=1)]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise InputError(name, 1, f"duplicate column(s) {', '.join(map(shown, dupes))}")
    missing = [c for c in required if c not in keys]
    if missing:
        raise InputError(name, 1, f"missing {what} column(s) {', '.join(missing)}"
                                  + _hidden_characters(keys, missing))
    return keys


def _hidden_characters(keys: list[str], missing: list[str]) -> str:
    """Why a required column that looks present is missing: its name holds an invisible
    character (a second byte order mark, a zero-width space), which no one sees in an
    editor. The build does not guess the name without it: the file is fixed, not read."""
    hints = []
    for number, key in enumerate(keys, start=1):
        hidden = [c for c in key if unicodedata.category(c) == "Cf"]
        if hidden and "".join(c for c in key if c not in hidden).strip() in missing:
            what = ", ".join(dict.fromkeys(
                f"U+{ord(c):04X} " + ("(a byte order mark)" if c == "\ufeff"
                                      else f"({unicodedata.name(c, 'format character').lower()})")
                for c in hidden))
            hints.append(f"column {number} is {shown(key)}, with the invisible {what} in its name")
    return f" ({'; '.join(hints)})" if hints else ""


def _read_csv(text: str, name: str) -> tuple[list[str], list[tuple[int, list]], list[dict]]:
    """The strict reader of every CSV file the fast path does not take, and the judge of its
    syntax. A row's line is the line its first field starts on; a line ends at a LF, a CRLF
    or a lone CR (as the csv module and Python's universal newlines count, and as a file
    written with CR alone, old Mac style, is seen in an editor that shows it as lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(name, 1, "empty file: no header row") from None
    except csv.Error as exc:
        raise InputError(name, 1, f"not a CSV header ({exc})") from None
    keys = check_header(header, name)
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


def _read_csv_fast(source: bytes | Path, name: str, lines: int, part: ShelfPart | None = None
                   ) -> tuple[list[str], dict[str, Any], list[int], np.ndarray | None] | None:
    """The common case read by Arrow's CSV parser, ~10× faster than the csv module: a
    well-formed file whose every line is one record, so that record i sits on line i + 2.
    Anything else (a quoted newline, a short row, a header with quotes) returns None and
    the csv-module reader, which knows line numbers and quarantines bad rows, reads it.
    Only a file `_Scan` found plain comes here: Arrow reads malformed quoting (`"Reu"ters`,
    a quote never closed) without a word, and counts a lone CR as a line end, so that its
    row count can match the file's lines while its rows do not.

    `source` is the file's bytes or its path (`lines`: its line count, `_digest`); Arrow
    reads it a block at a time, so that its text is not held twice, as bytes and as columns.
    With a shelf `part`, each block's shelved columns go to it as the block is read, and
    their positions on it come back instead (last): a file's quotes are never all in
    memory."""
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
    keys = check_header(names, name)
    shelved = [i for i, k in enumerate(keys) if part is not None and k in SHELVED]
    kept: list[list] = [[] for _ in keys]  # per column, its blocks' arrays
    positions: list[np.ndarray] = []
    line_numbers: list = []
    rows = 0
    # the path as bytes: a file name that is not UTF-8 (surrogate escapes) cannot be str'd
    with pa.BufferReader(source) if isinstance(source, bytes) else pa.OSFile(os.fsencode(source)) as data:
        data.seek(start)
        try:
            reader = pacsv.open_csv(
                data, read_options=pacsv.ReadOptions(block_size=CSV_BLOCK),
                parse_options=pacsv.ParseOptions(newlines_in_values=False,
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                    quoted_strings_can_be_null=False))
            for block in reader:
                if block.num_columns != len(keys):
                    return None
                columns = [_cleaned(c) for c in block.columns]
                numbers = pa.array(range(rows + 2, rows + 2 + block.num_rows), pa.int64())
                rows += block.num_rows
                # rows of empty fields are skipped, as the csv-module reader skips them
                blank = columns[0].is_null() if columns else None
                for column in columns[1:]:
                    blank = pc.and_(blank, column.is_null())
                if blank is not None and pc.any(blank).as_py():
                    keep = pc.invert(blank)
                    columns = [c.filter(keep) for c in columns]
                    numbers = numbers.filter(keep)
                line_numbers.append(numbers)
                if part is not None:
                    positions.append(part.put({keys[i]: columns[i] for i in shelved},
                                              len(numbers)))
                for i, column in enumerate(columns):
                    if i not in shelved:
                        kept[i].append(column)
        except (pa.ArrowInvalid, ValueError):
            return None
    if rows != lines - 1:
        return None
    out: dict[str, Any] = {k: pa.chunked_array(c, pa.string()).to_pandas()  # Arrow-backed
                           for i, (k, c) in enumerate(zip(keys, kept, strict=True))
                           if i not in shelved}
    return (keys, out, pa.chunked_array(line_numbers, pa.int64()).to_pylist(),
            None if part is None else np.concatenate(positions or [np.zeros(0, np.int64)]))


# Bytes of a raw CSV parsed at once: a block's quotes, not a file's. Arrow's streaming reader
# parses blocks ahead of the one handed over, so memory grows with the block: reading 1M heavy
# reports peaked at 1,078-1,084 MiB with 8 MiB blocks, 746-752 with 4 and 677-691 with 2, in
# 6.4-6.9, 6.6-6.8 and 7.7-7.9 s (a throwaway script, two runs each); 4 MiB changed neither
# the peak nor the time of the long tail and today.
CSV_BLOCK = 4 << 20


# A character `utf8_trim_whitespace` trims (Unicode White_Space).
_PADDING = r"[\s\pZ\x{0B}\x{1C}-\x{1F}\x{85}]"


def _cleaned(column):  # noqa: ANN001, ANN202
    """A raw text column trimmed, blank values null. Copied only when some value needs it:
    a column of kilobyte quotes is not duplicated to change nothing."""
    import pyarrow.compute as pc

    # only the first and last characters can be padding: each matched by a pattern anchored
    # at its end of the value, which RE2 reads from that end (one pattern for both ends took
    # seconds over a column of kilobyte quotes; cutting out each value's last character
    # read every quote whole: 0.27 s for 200,000 heavy quotes, against 0.07 s for these
    # two, a throwaway timing)
    padded = pc.or_(pc.match_substring_regex(column, "^" + _PADDING),
                    pc.match_substring_regex(column, _PADDING + "$"))
    if pc.any(padded).as_py():
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
        # a key "" is kept as written (in `extra`): JSON can hold it, and an object has one
        names = [str(k).strip().lower() for k in getattr(obj, "keys_read", obj)]
        dupes = sorted(k for k, n in Counter(names).items() if n > 1)
        if dupes:  # as a CSV header with two such columns: which one is meant?
            raise InputError(name, number, f"duplicate key(s) {', '.join(map(shown, dupes))} "
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


def _assemble(keys: list[str], data: dict[str, Any], lines: list[int], name: str,
              positions: np.ndarray | None = None) -> pd.DataFrame:
    """Known columns by name (absent optional ones as null), unknown ones folded into `extra`;
    with the rows' `positions` on a shelf, its columns are not among them (`POSITION` is).

    Text is held in Arrow-backed string columns (missing = NaN): a million reports' raw
    text takes a third of the memory it takes as Python strings."""
    n = len(lines)
    raw = [c for c in RAW_COLUMNS if positions is None or c not in SHELVED]
    frame = pd.DataFrame({c: pd.Series(data[c], dtype="str") if c in data
                          else _nulls(n) for c in raw})
    if positions is not None:
        frame[POSITION] = positions
    unknown = [k for k in keys if k not in RAW_COLUMNS]  # an empty JSON key "" too: kept
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


def quarantine_rows(rows: pd.DataFrame, reasons: Iterable[str], messages: Iterable[str],
                    shelf: Shelf | None = None) -> list[dict]:
    """`quarantine_row` of each row of the frame, its raw the row as it was read (its text
    columns, known and extra; shelved ones read back from `shelf`). Read column by column:
    row by row (`iterrows`, `loc`), the rejected sixth of a million long-tail reports
    (village names several places bear) took ten times as long."""
    shelved = shelf.take(rows[POSITION]) if shelf is not None and POSITION in rows else None

    def read(column: str) -> list:
        return rows[column].tolist() if shelved is None or column not in SHELVED else (
            shelved[column].to_pylist())

    columns = [c for c in RAW_COLUMNS if c in rows or shelved is not None and c in SHELVED]
    cells = zip(*(read(c) for c in columns), strict=True) if columns else (
        () for _ in range(len(rows)))
    extras = rows["extra"].tolist() if "extra" in rows else [None] * len(rows)
    out = []
    for file, line, rid, reason, message, values, extra in zip(
            rows["input_file"].tolist(), rows["input_line"].tolist(), rows["report_id"].tolist(),
            reasons, messages, cells, extras, strict=True):
        record = {c: v for c, v in zip(columns, values, strict=True) if isinstance(v, str)}
        if isinstance(extra, str):
            record.update(json.loads(extra))
        out.append(quarantine_row(file, int(line), rid, reason, message, record))
    return out


def read_raw(raw_dir: Path | str, mapper: Callable[[Callable, list], Iterable] | None = None,
             threads: int = 1, shelf: Shelf | None = None) -> RawBatch:
    """Read every raw file under `raw_dir` into one frame; row problems go to quarantine.

    `mapper` (an engine's map) parses the files in parallel. Their bytes are read here and
    sent along, so workers need no access to the raw folder; read here, a file is parsed from
    its path, by up to `threads` threads at once: a file's digest and the clean-up of its
    columns run in this thread while Arrow parses another (a million heavy reports in four
    files: 11.9 s one after another, 5.6 s two at a time, 96 MiB more at the peak).

    `shelf` (read here only): the rows' `SHELVED` text goes to it as each file is read, and
    the rows hold their `POSITION` on it instead; a quarantined row's raw has it back."""
    raw_dir = Path(raw_dir)
    paths = [(_file_name(p, raw_dir), p) for p in discover(raw_dir)]
    shelf = None if mapper else shelf
    items = [(name, _file_bytes(name, p) if mapper else p, shelf) for name, p in paths]
    parsed = mapper(_read_file, items) if mapper else in_threads(_read_file, items, threads)
    frames: list[pd.DataFrame] = []
    batch = RawBatch(rows=pd.DataFrame())
    errors: list[InputError] = []
    for result in parsed:
        if isinstance(result, InputError):
            errors.append(result)
            continue
        frame, bad, file, part = result
        if shelf is not None and part is not None:  # positions in the files' order
            frame[POSITION] += shelf.add(part)
        frames.append(frame)
        batch.quarantine.extend(bad)
        batch.files.append(file)
    if errors:  # every file that cannot be read, not only the first
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    if frames:
        rows_frame = pd.concat(frames, ignore_index=True)
    else:
        rows_frame = _frame(list(RAW_COLUMNS), [], "")
    batch.rows = _reject(rows_frame, batch.quarantine, shelf)
    return batch


Parsed = tuple[pd.DataFrame, list[dict], InputFile, ShelfPart | None]


def _read_file(item: tuple[str, bytes | Path, Shelf | None]) -> Parsed | InputError:
    """One raw file, its bytes or its path (and the shelf, if any) → (rows, unreadable rows as
    quarantine, the file's record, its part of the shelf), or the InputError naming why the
    file cannot be read (its encoding, its header, or the system: gone since it was listed,
    not permitted), returned so that the other files are still read and every bad one is
    named."""
    name, source, shelf = item
    part = shelf.part() if shelf is not None else None
    try:
        return _parse_file(name, source, part)
    except OSError as exc:
        error: InputError = _unreadable(name, exc)
    except InputError as exc:
        error = exc
    if part is not None:
        part.discard()
    return error


def _unreadable(name: str, exc: OSError) -> InputError:
    return InputError(name, None, f"cannot be read ({exc.strerror or exc})")


def _file_bytes(name: str, path: Path) -> bytes:
    """A raw file's bytes, for an engine's workers."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(name, exc) from None


def _parse_file(name: str, source: bytes | Path, part: ShelfPart | None = None) -> Parsed:
    """`_read_file`'s work: Arrow's parser for a well-formed CSV, else the csv module or JSON.
    With a shelf `part`, the rows' shelved text goes to it (`_read_csv_fast`, `shelve`)."""
    csv_file = name.lower().endswith(".csv")
    if csv_file:
        seen = _version(source)
        scan = _digest(source)
        # Arrow checks the UTF-8; `_Scan` the quoting and line ends Arrow does not check
        fast = _read_csv_fast(source, name, scan.lines, part) if scan.plain else None
        digest = scan.sha256
        if fast is not None and _version(source) == seen:  # what was parsed is what was hashed
            keys, columns, line_numbers, positions = fast
            if part is not None:
                part.close()
            return (_assemble(keys, columns, line_numbers, name, positions), [],
                    InputFile(name, digest, len(line_numbers)), part)
        if part is not None:  # read again, another way: its text put again
            part.discard()
            part = ShelfPart(part.path)
    data = source if isinstance(source, bytes) else source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    text = decode(data, name)  # a file's text as Python str only when Arrow cannot read it
    keys, rows, bad = (_read_csv if csv_file else _read_jsonl)(text, name)
    frame = _frame(keys, rows, name)
    return (frame if part is None else shelve(frame, part), bad,
            InputFile(name, digest, len(rows) + len(bad)), part)


SHELF_ROWS = 65_536  # rows put on the shelf at once by `shelve`


def shelve(frame: pd.DataFrame, part: ShelfPart) -> pd.DataFrame:
    """A frame's shelved columns put on the shelf (`part`, closed after), their positions in
    their place (`POSITION`)."""
    import pyarrow as pa

    positions = [np.zeros(0, np.int64)]
    for start in range(0, len(frame), SHELF_ROWS):
        rows = frame.iloc[start:start + SHELF_ROWS]
        positions.append(part.put({c: pa.array(rows[c], type=pa.large_string(), from_pandas=True)
                                   for c in SHELVED}, len(rows)))
    part.close()
    frame = frame.drop(columns=list(SHELVED))
    frame[POSITION] = np.concatenate(positions)
    return frame


def _version(source: bytes | Path) -> tuple[int, int] | None:
    """A file's size and modification time (None for bytes in hand): a file written to while
    it was read is read again, whole, so that its digest is of the rows the build used."""
    if isinstance(source, bytes):
        return None
    stat = source.stat()
    return stat.st_size, stat.st_mtime_ns


def _digest(source: bytes | Path, block: int = 1 << 24) -> _Scan:
    """A CSV file's `_Scan` (its SHA-256, its line count, whether Arrow may read it), from its
    bytes or read from its path 16 MiB at a time."""
    scan = _Scan()
    if isinstance(source, bytes):
        scan.feed(source)
    else:
        with open(source, "rb") as fh:
            while chunk := fh.read(block):
                scan.feed(chunk)
    return scan


# Bytes that may stand next to a quote in well-formed CSV: before an opening quote, a field's
# start (a comma, a line end, the other quote of a doubled ""); after a closing one, the same.
_QUOTE_NEIGHBOURS = np.frombuffer(b',\r\n"', np.uint8)


class _Scan:
    """One pass over a CSV file's bytes, a block at a time, beside its digest: what Arrow's
    fast path needs to know and does not check itself.

    The verdict on a file must not depend on which parser read it, and the strict csv
    module's is the one: it stops at a quote closed before its field ends (`"Reu"ters`) and
    at a quote never closed, where Arrow reads on and publishes the rows. So the fast path
    takes only files whose every quote is where well-formed CSV has it: counting quotes from
    the file's start, each even-numbered one (an opening, or the second of a doubled "")
    follows a comma, a line end or a quote, each odd-numbered one (a closing, or the first of
    a "") is followed by a comma, a line end, a quote or the file's end, and there is an
    even number of them. Then the quotes pair as the csv module pairs them and it would
    read the file without an error (a quote inside an unquoted field, `ab"c`, fails the test
    though both parsers accept it: the csv module reads that file, as it reads every other).

    A lone CR (not before a LF) is a line end to both parsers but not to a line count of
    LFs: with a quoted newline elsewhere Arrow's rows can number exactly the file's lines
    less one and every row after the CR be recorded a line too early. With no lone CR, rows
    = lines - 1 holds only when no value spans lines, and row i is on line i + 2.

    The cost on a clean file is nil: the line count moved from `bytes.count` to NumPy pays
    for the quotes' comparison (both a few ms a 16 MiB block, against Arrow's full parse)."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self.newlines = 0
        self._cr = self._crlf = 0
        self.quotes = 0
        self.quoting_ok = True
        self._last = ord("\n")  # the byte before the file: a line start
        self._closing_at_end = False  # the last block ended with a closing quote
        self._empty = True

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    @property
    def lines(self) -> int:
        """Its line count: a last line without a newline counts."""
        return self.newlines + (self._empty or self._last != ord("\n"))

    @property
    def plain(self) -> bool:
        """Quoted as well-formed CSV is, and no lone CR: Arrow may read it."""
        return self.quoting_ok and self.quotes % 2 == 0 and self._cr == self._crlf

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self._sha.update(chunk)
        # counted by NumPy: 3× faster than bytes.count, which pays for the quote check
        data = np.frombuffer(chunk, np.uint8)
        self.newlines += int(np.count_nonzero(data == ord("\n")))
        if b"\r" in chunk or self._last == ord("\r"):  # `in` stops at the first: most have none
            self._cr += int(np.count_nonzero(data == ord("\r")))
            self._crlf += chunk.count(b"\r\n") + (self._last == ord("\r") and chunk[:1] == b"\n")
        if self.quoting_ok:
            self._check_quotes(data)
        self._last, self._empty = chunk[-1], False

    def _check_quotes(self, data: np.ndarray) -> None:
        if self._closing_at_end and data[0] not in _QUOTE_NEIGHBOURS:
            self.quoting_ok = False
            return
        self._closing_at_end = False
        at = np.flatnonzero(data == ord('"'))
        if not len(at):
            return
        first = self.quotes % 2  # 0: the block's first quote is an even-numbered one
        self.quotes += len(at)
        opening, closing = at[first::2], at[1 - first::2]
        before = data[opening - 1]
        if len(opening) and opening[0] == 0:
            before[0] = self._last
        if len(closing) and closing[-1] == len(data) - 1:
            self._closing_at_end, closing = True, closing[:-1]
        after = data[closing + 1]
        self.quoting_ok = bool(np.isin(before, _QUOTE_NEIGHBOURS).all()
                               and np.isin(after, _QUOTE_NEIGHBOURS).all())


def _too_long(frame: pd.DataFrame, quarantine: list[dict], shelf: Shelf | None = None
              ) -> pd.DataFrame:
    """Quarantine rows with a field longer than its cap (FIELD_CAPS) as malformed_row.

    A value has at least as many bytes as characters, so a column whose longest value in
    bytes is within the cap is within it in characters: only other columns are counted (a
    shelved one: only its values longer in bytes, read back)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    over = pd.Series(False, index=frame.index)
    lengths = {}
    for column, cap in FIELD_CAPS.items():
        if column not in frame:  # on the shelf
            assert shelf is not None, f"{column}: not read, and no shelf to read it from"
            size = shelf.lengths(column, frame[POSITION].to_numpy())
            long = np.flatnonzero(size > cap)
            if not len(long):
                continue
            text = shelf.take(frame[POSITION].to_numpy()[long], (column,))[column]
            n = pd.Series(0, index=frame.index, dtype="int64")
            n.iloc[long] = pc.utf8_length(text).to_numpy(zero_copy_only=False)
        else:
            longest = pc.max(pc.binary_length(pa.array(frame[column], from_pandas=True))).as_py()
            if longest is None or longest <= cap:
                continue
            n = frame[column].str.len().fillna(0).astype("int64")
        lengths[column] = n
        over |= n > cap
    if not over.any():  # the common case: no copy of a million rows
        return frame
    messages = []
    for idx in frame.index[over]:
        column = next(c for c, cap in FIELD_CAPS.items() if c in lengths and lengths[c][idx] > cap)
        messages.append(f"{column} is {lengths[column][idx]:,} characters long "
                        f"(limit {FIELD_CAPS[column]:,})")
    quarantine += quarantine_rows(frame[over], ["malformed_row"] * len(messages), messages,
                                  shelf)
    return frame[~over]


def _reject(frame: pd.DataFrame, quarantine: list[dict], shelf: Shelf | None = None
            ) -> pd.DataFrame:
    """Quarantine rows with an over-long field, then rows missing a required value, then later
    copies of a report_id (a shelved row's text read back for its record)."""
    frame = _too_long(frame, quarantine, shelf)
    missing = frame[list(RAW_REQUIRED)].isna()
    bad = missing.any(axis=1)
    if bad.any():
        empty = [", ".join(c for c, m in zip(RAW_REQUIRED, flags, strict=True) if m)
                 for flags in missing[bad].to_numpy().tolist()]
        quarantine += quarantine_rows(frame[bad], ["missing_field"] * len(empty),
                                      [f"required field(s) empty: {cols}" for cols in empty],
                                      shelf)
    frame = frame[~bad]
    dup = frame["report_id"].duplicated(keep="first")
    if dup.any():
        again = frame[dup]
        first = frame[~dup].set_index("report_id").loc[again["report_id"]]
        quarantine += quarantine_rows(again, ["duplicate_report_id"] * len(again), [
            f"report_id {rid} already read at {file}:{line}" for rid, file, line in zip(
                again["report_id"].tolist(), first["input_file"].tolist(),
                first["input_line"].tolist(), strict=True)], shelf)
    return frame[~dup].reset_index(drop=True)


def iter_quarantine(rows: Iterable[dict]) -> pd.DataFrame:
    """Quarantine records as a frame in a deterministic order (file, line)."""
    frame = pd.DataFrame(list(rows), columns=["input_file", "input_line", "report_id", "reason",
                                             "message", "raw"])
    return frame.sort_values(["input_file", "input_line"], kind="stable").reset_index(drop=True)
