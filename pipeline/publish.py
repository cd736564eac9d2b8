"""Versioned, atomic, reproducible releases (SPEC §7) and the notebook API that reads them.

A version is written in a hidden temporary folder beside `versions/`, fsynced, renamed into
place, and only then named in `LATEST` (itself replaced atomically). A crash at any moment
leaves `LATEST` and every earlier version as they were; the next build removes leftovers.
Parquet files hold no wall-clock values and rows are sorted, so equal inputs give equal bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .config import DEFAULT_OUT, EXPECTATIONS, PACKAGE_DATA
from .errors import OUTPUT_ADVICE, BuildLocked, IntegrityError, OutputError, UsageError
from .geo import GEOMETRY, with_geometry
from .memory import release
from .read import InputFile
from .schema import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    GEO_PRECISIONS,
    GRADES,
    LINEAGE,
    PRIMARY_KEYS,
    REASONS,
    RELATIONS,
    TABLES,
)
from .shelf import POSITION, SHELVED, Shelf, ShelvedTable, stale
from .validate import Failure, ValidationReport, validate_tables

LOCK_TIMEOUT_S = 30.0
ENUMS = {"event_type": EVENT_TYPES, "date_precision": DATE_PRECISIONS,
         "geo_precision": GEO_PRECISIONS, "reason": REASONS, "grade": GRADES,
         "relation": RELATIONS}
REQUIRED = {"events": ("incident_id", "event_type", "date", "date_start", "date_end", "iso3"),
            "reports": ("report_id", "incident_id", "source", "published", "event_type", "date",
                        "iso3"),
            "quarantine": ("input_file", "reason", "message", "raw"),
            "lineage": ("relation",)}


# --- tables ----------------------------------------------------------------------------------


def to_arrow(frames: dict[str, pd.DataFrame], consume: bool = False,
             shelf: Shelf | None = None) -> dict[str, pa.Table | ShelvedTable]:
    """Frames → Arrow tables with exactly the published schemas and no pandas metadata; the
    tables with a point get their WKB `geometry` and GeoParquet `geo` metadata from it.

    `consume`: the frames are the caller's to give up (it holds no other reference to them):
    each column leaves its frame as it is converted, so that a build never holds every
    report twice, once in pandas and once in Arrow. A frame that holds its rows' POSITION on
    `shelf` becomes a `ShelvedTable`, its shelved columns read back as it is written."""
    return {name: arrow_table(name, frames.pop(name) if consume else frames[name], consume,
                              shelf) for name in TABLES}


def arrow_table(name: str, frame: pd.DataFrame, consume: bool = False,
                shelf: Shelf | None = None) -> pa.Table | ShelvedTable:
    """One frame of `to_arrow`: the published table `name`. A build has `publish` make each
    when it is written (`Later`), so the workers check one table while the next is made."""
    schema = TABLES[name]
    derived = GEOMETRY in schema.names
    if derived:  # never taken from the frame: always what latitude/longitude say
        schema = schema.remove(schema.get_field_index(GEOMETRY))
    published, on = schema, shelf if POSITION in frame else None
    if on is not None:
        schema = pa.schema([f for f in schema if f.name not in SHELVED]
                           + [pa.field(POSITION, pa.int64())])
    if frame.empty:
        table = pa.Table.from_pylist([], schema=schema)
    else:
        if consume:  # what is not published goes first
            for column in [c for c in frame.columns if c not in schema.names]:
                del frame[column]
        take = frame.pop if consume else frame.__getitem__
        table = pa.Table.from_arrays(
            [pa.array(take(f.name), type=f.type, from_pandas=True) for f in schema],
            schema=schema)
    del frame
    table = with_geometry(table) if derived else table.replace_schema_metadata(None)
    return table if on is None else ShelvedTable(table, _with_geometry_field(published, table), on)


Later: TypeAlias = Callable[[], "pa.Table | ShelvedTable"]  # makes a table (`arrow_table`)
ToWrite: TypeAlias = "pa.Table | ShelvedTable | Later"  # a table, or what makes it when written


def _with_geometry_field(schema: pa.Schema, table: pa.Table) -> pa.Schema:
    """The published schema of a shelved table: its fields, then the geometry (last, as
    `with_geometry` appends it) and the metadata of `table`, as converted."""
    if GEOMETRY in table.schema.names:
        schema = schema.append(table.schema.field(GEOMETRY))
    return schema.with_metadata(table.schema.metadata)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def code_version() -> str:
    """Package version plus a digest of the code, data tables and suites that shape the output."""
    from . import __version__

    h = hashlib.sha256()
    here = Path(__file__).parent
    files = sorted([*here.glob("*.py"), *PACKAGE_DATA.glob("*.csv"), *EXPECTATIONS.glob("*.json")])
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def _field(f: pa.Field, table: str) -> dict:
    t = f.type
    # Table Schema has no binary type: WKB is "any" (a "string" would be text, and
    # `frictionless validate` reports every WKB value as a type error), described for readers.
    # A list column is "any" (described as a list): Frictionless hands Parquet lists over as
    # numpy arrays, which its "array" type rejects on every row.
    kind = ("integer" if pa.types.is_integer(t) else "number" if pa.types.is_floating(t)
            else "date" if pa.types.is_date(t) else "datetime" if pa.types.is_timestamp(t)
            else "any" if pa.types.is_list(t) or pa.types.is_binary(t) else "string")
    spec: dict = {"name": f.name, "type": kind}
    if pa.types.is_list(t):
        spec["description"] = "a list of strings (Arrow list<string>)"
    if f.name == GEOMETRY:
        spec["description"] = ("the point as WKB (little-endian, x longitude, y latitude, "
                               "OGC:CRS84); GeoParquet 1.0.0 `geo` file metadata names it")
    constraints: dict = {}
    if f.name in REQUIRED[table]:
        constraints["required"] = True
    if f.name in ENUMS:
        constraints["enum"] = list(ENUMS[f.name])
    if constraints:
        spec["constraints"] = constraints
    return spec


# --- the output folder -----------------------------------------------------------------------


def _root(out: Path | str | None) -> Path:
    return Path(out) if out is not None else DEFAULT_OUT


def latest(out: Path | str | None = None) -> str | None:
    """The current version id, or None before the first build."""
    path = _root(out) / "LATEST"
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip() if path.exists() else None
    except OSError:
        return ""


def _version_ids(root: Path) -> list[str]:
    """Every version folder, published or not (a killed build may leave one LATEST never named)."""
    vdir = root / "versions"
    found = [p.name for p in vdir.iterdir() if re.fullmatch(r"v\d+", p.name)] if vdir.exists() \
        else []
    return sorted(found, key=lambda v: int(v[1:]))


def _latest_valid(root: Path) -> str | None:
    """LATEST when it names a version folder with a descriptor, else None."""
    vid = latest(root)
    if vid and re.fullmatch(r"v\d+", vid) and (root / "versions" / vid / "datapackage.json").exists():
        return vid
    return None


def _published_ids(root: Path) -> list[str]:
    """The published versions: those up to the one LATEST names. A folder numbered after it was
    never published (a build killed before writing LATEST) and is never listed or loaded."""
    current = _latest_valid(root)
    if current is None:
        return []
    return [v for v in _version_ids(root) if int(v[1:]) <= int(current[1:])]


def resolve_version(version: str | None, out: Path | str | None = None) -> Path:
    """A version id (or "latest") → its folder; UsageError when it does not exist."""
    root = _root(out)
    vid = latest(root) if version in (None, "latest") else version
    if vid is None:
        raise UsageError(f"no published version in {root}: run `conflict-timeline build` first")
    if version in (None, "latest") and _latest_valid(root) is None:
        raise UsageError(f"{root / 'LATEST'} names {vid!r}, which is not a published version; "
                         "run `conflict-timeline build` to recover the newest complete version")
    path = root / "versions" / vid
    if vid not in _published_ids(root) or not (path / "datapackage.json").exists():
        known = ", ".join(_published_ids(root)) or "none"
        raise UsageError(f"no version {vid!r} in {root} (versions: {known})")
    return path


def descriptor(version: str | None = None, out: Path | str | None = None) -> dict:
    """The datapackage.json of a version."""
    path = resolve_version(version, out) / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8"))


@contextmanager
def locked(out: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the output folder's lock: two builds never interleave."""
    from filelock import FileLock, Timeout

    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / ".lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise BuildLocked(f"another build is writing to {out} (waited {timeout:g} s for its "
                          "lock); run again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync(path.parent)


def _cleanup(root: Path) -> None:
    """Remove what a killed build left behind: temporary version folders and files."""
    for leftover in (root / "versions").glob(".tmp-*") if (root / "versions").exists() else []:
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in root.glob(".LATEST.*.tmp"):
        leftover.unlink(missing_ok=True)
    for leftover in root.glob(".probe-*"):
        leftover.unlink(missing_ok=True)
    for leftover in stale(root):  # a killed build's shelf (a running one's stays)
        shutil.rmtree(leftover, ignore_errors=True)


def _complete(folder: Path) -> dict | None:
    """A version folder's descriptor when every resource it lists is there with its sha256."""
    try:
        d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        names = {r["name"] for r in d["resources"]}
        if not set(TABLES) <= names or not d.get("validation", {}).get("success"):
            return None
        for r in d["resources"]:
            if f"sha256:{_sha256(folder / r['path'])}" != r["hash"]:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return d


def _recover(root: Path) -> list[str]:
    """Make LATEST and versions/ agree again after a killed build or a damaged LATEST; return
    what was done, one sentence each. A version written completely but never named in LATEST
    is adopted when its parent is the current LATEST, and removed otherwise; a LATEST that
    names no complete version is pointed at the newest complete one."""
    notes: list[str] = []
    ids = _version_ids(root)
    named = latest(root)
    current = _latest_valid(root)
    if named is not None and current is None:
        good = [v for v in ids if _complete(root / "versions" / v)]
        current = good[-1] if good else None
        what = f"names {named!r}, which is not a complete version" if named else "was empty"
        if current:
            _write_atomic(root / "LATEST", current + "\n")
            notes.append(f"LATEST {what}; recovered {current}, the newest complete version")
        else:
            (root / "LATEST").unlink(missing_ok=True)
            notes.append(f"LATEST {what} and no complete version exists; removed it")
    number = int(current[1:]) if current else 0
    for vid in ids:
        if int(vid[1:]) <= number:
            continue
        folder = root / "versions" / vid
        d = _complete(folder)
        if d is not None and d.get("parent") == current and int(vid[1:]) == number + 1:
            _write_atomic(root / "LATEST", vid + "\n")
            notes.append(f"adopted {vid}: a build wrote it completely but was stopped before "
                         "naming it in LATEST")
            current, number = vid, number + 1
        else:
            shutil.rmtree(folder)
            _fsync(root / "versions")
            notes.append(f"removed {vid}: an unpublished version a stopped build left behind")
    return notes


# Bytes the write probe writes: enough that a disk with no room fails it, not the build later.
PROBE_BYTES = 1 << 20


def check_writable(out: Path | str) -> None:
    """Write and remove a probe file in the output folder, so that a read-only folder or a full
    disk stops the build before any work, with one clear line."""
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise OutputError(f"cannot write to {root}: it is a file, not a folder; choose another "
                          "--out")
    probe = root / f".probe-{os.getpid()}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as fh:
            fh.write(bytes(PROBE_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError.writing(root, exc) from None
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass


# --- publishing ------------------------------------------------------------------------------


def publish(out: Path | str, tables: dict[str, ToWrite], inputs: list[InputFile],
            validate: Callable[[dict[str, Path]], ValidationReport],
            notes: list[str] | None = None, consume: bool = False,
            written: Callable[[str, Path], None] | None = None
            ) -> tuple[str, str, ValidationReport | None]:
    """Write a new version unless it equals the latest; return (status, version id, report).

    `validate` is given the staged Parquet file of each table, and runs only when something
    changed; it raises to stop the publication. Everything after writing reads those files,
    so with `consume` (the caller holds no other reference to the tables) each table leaves
    `tables` once written, and a build never holds a million reports while it validates
    them. `written` is told each staged file as soon as it is written when the version
    cannot be the latest's (there is none, or its inputs differ): a build starts checking
    one table while it writes the next. A table given as what makes it (`Later`) is made
    when its turn to be written comes: a build converts the reports while the workers check
    the events. What recovering from a stopped build did is appended to `notes`.
    """
    root = Path(out)
    try:
        with locked(root):
            return _publish(root, tables, inputs, validate, notes if notes is not None else [],
                            consume, written)
    except OSError as exc:
        if exc.errno in OUTPUT_ADVICE:  # the folder's problem, not the build's
            raise OutputError.writing(root, exc) from None
        raise


def _publish(root: Path, tables: dict[str, ToWrite], inputs: list[InputFile],
             validate: Callable[[dict[str, Path]], ValidationReport], notes: list[str],
             consume: bool, written: Callable[[str, Path], None] | None
             ) -> tuple[str, str, ValidationReport | None]:
    _cleanup(root)
    notes.extend(_recover(root))
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    ids = _version_ids(root)
    parent = latest(root)
    vid = f"v{int(ids[-1][1:]) + 1 if ids else 1}"
    tmp = versions / f".tmp-{vid}-{os.getpid()}"
    tmp.mkdir()
    try:
        resources = []
        staged = {name: tmp / f"{name}.parquet" for name in tables}
        input_list = [{"path": f.path, "sha256": f.sha256, "rows": f.rows} for f in inputs]
        previous = _package(root / "versions" / parent) if parent else None
        new = previous is None or previous.get("inputs") != input_list  # cannot be unchanged
        for name, path in staged.items():
            table = tables.pop(name) if consume else tables[name]
            table = table() if callable(table) else table
            _write_parquet(table, path)
            resources.append(_resource(name, path, table))
            del table
            if written is not None and new:
                written(name, path)
        release()  # a consumed table's memory, before validating
        if parent and previous is not None and _same(previous, resources, input_list):
            shutil.rmtree(tmp)
            return "unchanged", parent, None
        validation = validate(staged)
        events = pq.read_table(staged["events"])  # for the changes and the quality report
        changes = _changes(root, parent, events)
        if parent:  # where every incident of the parent went
            ids = ["report_id", "incident_id"]
            moves = lineage(pq.read_table(versions / parent / "reports.parquet", columns=ids),
                            pq.read_table(staged["reports"], columns=ids))
            changes.update(_moves(moves))
            path = tmp / "lineage.parquet"
            pq.write_table(moves, path, compression="zstd")
            resources.append(_resource("lineage", path, moves))
        _write_validation(tmp / "validation", validation, f"Conflict Timeline {vid}",
                          report_frames(staged, events), changes)
        del events
        package = {
            "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
            "name": "conflict-timeline",
            "title": "Conflict Timeline",
            "version": vid,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            .replace("+00:00", "Z"),
            "parent": parent,
            "code_version": code_version(),
            "inputs": input_list,
            "validation": validation.summary(),
            "changes": changes,
            "resources": resources,
        }
        (tmp / "datapackage.json").write_text(
            json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for path in tmp.rglob("*"):
            if path.is_file():
                _fsync(path)
        os.rename(tmp, versions / vid)
        _fsync(versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_atomic(root / "LATEST", vid + "\n")
    return "published", vid, validation


ROW_GROUP_ROWS = 65_536  # 64 of the Parquet writer's batches of 1,024 rows
ROW_GROUP_BYTES = 64 << 20  # and about 64 MiB of values: a row group is held whole in writing


def _group_rows(table: pa.Table | ShelvedTable) -> int:
    """Rows per row group: `ROW_GROUP_ROWS`, or fewer when they hold over `ROW_GROUP_BYTES`
    (a multiple of 1,024, at least 1,024). The writer encodes a whole group before it writes
    it, besides the copy that makes it contiguous, so 65,536 rows of 6 KB quotes held 800 MB
    at once: publishing's memory grew with the text's width, not with one group's. Counted
    from the values (text lengths, 8 bytes a value of any other type), not from the buffers,
    so that a table's groups do not depend on how it is chunked."""
    if not table.num_rows:
        return ROW_GROUP_ROWS
    size = 0
    if isinstance(table, ShelvedTable):  # its shelved columns' text, then the others
        size, table = table.shelved_bytes(), table.table.drop_columns([POSITION])
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            size += pc.sum(pc.binary_length(column)).as_py() or 0
        else:
            size += 8 * table.num_rows
    rows = ROW_GROUP_BYTES * table.num_rows // max(1, size) // 1024 * 1024
    return max(1024, min(ROW_GROUP_ROWS, rows))


def _write_parquet(table: pa.Table | ShelvedTable, path: Path) -> None:
    """A table as Parquet (zstd) in row groups of `_group_rows` rows, each made one chunk
    per column just before it is written.

    The writer cuts pages where a chunk ends, so the bytes would depend on how an engine's
    parts came back (at 100,000 reports they did) unless every row group is contiguous.
    Making the whole table contiguous at once copied it: for 200,000 reports with 2 KB quotes
    publishing peaked at 1,537 MiB, and at 1,229 MiB written group by group
    (`python -m benchmarks.stage_memory heavy 200000`). A table of one group is written as it
    always was, byte for byte. A shelved table's groups have their text read back one at a
    time (`ShelvedTable.slice`).

    The next group is made in a thread while the writer compresses this one (both let go
    of the interpreter): 200,000 `heavy` reports' groups took 0.29 s to read back from the
    shelf, beside 0.65 s to write (cProfile, a throwaway run)."""
    rows = _group_rows(table)
    if table.num_rows <= rows:
        pq.write_table(table.slice(0, table.num_rows).combine_chunks(), path, compression="zstd")
        return
    starts = range(0, table.num_rows, rows)

    def group(i: int) -> pa.Table:
        return table.slice(starts[i], rows).combine_chunks()

    with (pq.ParquetWriter(path, table.schema, compression="zstd") as writer,
          ThreadPoolExecutor(1) as ahead):
        coming = ahead.submit(group, 0)
        for i in range(len(starts)):
            current = coming.result()
            if i + 1 < len(starts):
                coming = ahead.submit(group, i + 1)
            writer.write_table(current, row_group_size=rows)
            del current  # freed before the next group is taken


# How a null reaches a Frictionless reader: it reads Parquet through pandas, where a null
# integer or number is NaN and a null timestamp NaT, and it compares missing values as text.
MISSING_VALUES = ["", "nan", "NaT"]


def _resource(name: str, path: Path, table: pa.Table | ShelvedTable) -> dict:
    """The Data Package resource of one written table. Its size is `file_bytes`, not the
    standard `bytes`: Frictionless reads Parquet through pyarrow, never as a byte stream, so
    `frictionless validate` could only ever report a declared `bytes` as mismatched."""
    schema: dict = {"fields": [_field(f, name) for f in table.schema],
                    "missingValues": MISSING_VALUES}
    if name in PRIMARY_KEYS:
        schema["primaryKey"] = PRIMARY_KEYS[name]
    return {"name": name, "path": path.name, "type": "table", "format": "parquet",
            "mediatype": "application/vnd.apache.parquet", "file_bytes": path.stat().st_size,
            "hash": f"sha256:{_sha256(path)}", "rows": table.num_rows, "schema": schema}


def _package(folder: Path) -> dict | None:
    """A version's datapackage.json, or None when it cannot be read."""
    try:
        return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _same(old: dict, resources: list[dict], inputs: list[dict]) -> bool:
    hashes = {r["name"]: r["hash"] for r in old.get("resources", []) if r["name"] in TABLES}
    return old.get("inputs") == inputs and hashes == {r["name"]: r["hash"] for r in resources}


def _changes(root: Path, parent: str | None, events: pa.Table) -> dict:
    if parent is None:
        return {"added": events.num_rows, "removed": 0, "changed": 0, "absorbed": 0, "split": 0}
    old = pq.read_table(root / "versions" / parent / "events.parquet")
    d = diff_tables(old, events)
    return {k: len(v) for k, v in d.items()}


def lineage(old: pa.Table, new: pa.Table) -> pa.Table:
    """Where the incidents of `old` went in `new` (both reports tables, report_id and
    incident_id read), as rows (old_id, new_id, relation):

    - `kept`: the id lives on (its reports, maybe with others, are still its incident);
    - `absorbed`: the id is gone and all its reports joined one other incident;
    - `split`: its reports went to several incidents (one row for each, itself included);
    - `removed`: none of its reports is left (new_id null);
    - `added`: an incident none of whose reports was in `old` (old_id null).

    Incident ids come from an incident's earliest report, so an id lives on exactly when that
    report is still the earliest of its incident."""
    a = old.select(["report_id", "incident_id"]).rename_columns(["report_id", "old_id"])
    b = new.select(["report_id", "incident_id"]).rename_columns(["report_id", "new_id"])
    # Arrow's hash join and grouping: a million report ids in about a second, not seven
    pairs = a.join(b, "report_id", join_type="full outer").group_by(
        ["old_id", "new_id"]).aggregate([]).to_pandas().astype(object)  # isin by hash
    went = pairs.dropna(subset=["old_id"])
    fan = went.dropna(subset=["new_id"]).groupby("old_id")["new_id"].transform("size")
    moved = went.dropna(subset=["new_id"]).assign(relation=np.where(
        fan > 1, "split", "absorbed"))
    moved.loc[(fan == 1) & (moved["old_id"] == moved["new_id"]), "relation"] = "kept"
    kept_old = set(moved["old_id"])
    gone = went.loc[~went["old_id"].isin(kept_old), ["old_id"]].drop_duplicates().assign(
        new_id=None, relation="removed")
    known_new = set(moved["new_id"])
    added = pairs.loc[pairs["old_id"].isna() & ~pairs["new_id"].isin(known_new), ["new_id"]
                      ].drop_duplicates().assign(old_id=None, relation="added")
    out = pd.concat([moved, gone, added], ignore_index=True)[["old_id", "new_id", "relation"]]
    out = out.sort_values(["old_id", "new_id"], na_position="last", kind="stable")
    return pa.Table.from_pandas(out, schema=LINEAGE, preserve_index=False
                                ).replace_schema_metadata(None)


def _moves(moves: pa.Table) -> dict[str, int]:
    """Counts of old incidents absorbed into another and split into several."""
    relation = moves.column("relation").to_pandas()
    olds = moves.column("old_id").to_pandas()
    return {"absorbed": int((relation == "absorbed").sum()),
            "split": int(olds[relation == "split"].nunique())}


def report_frames(files: dict[str, Path], events: pa.Table | None = None
                  ) -> dict[str, pd.DataFrame]:
    """What the quality report draws, from a version's files: every incident and quarantine
    row, the columns it draws (`report.DRAWN`); of the reports, only their number (a million
    reports need not be read to count them). `events`: the events file, when it is already
    read."""
    from .report import DRAWN

    events = pq.read_table(files["events"]) if events is None else events
    reports = pq.ParquetFile(files["reports"]).metadata.num_rows
    return {"events": events.select(DRAWN["events"]).to_pandas(),
            "quarantine": pq.read_table(files["quarantine"], columns=DRAWN["quarantine"]
                                        ).to_pandas(),
            "reports": pd.DataFrame(index=pd.RangeIndex(reports))}


def _write_validation(folder: Path, report: ValidationReport, title: str,
                      tables: dict[str, pd.DataFrame], changes: dict | None = None) -> None:
    """results.json (the whole report) and index.html (the quality report)."""
    from .report import render

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(
        json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str) + "\n",
        encoding="utf-8")
    (folder / "index.html").write_text(render(title, report, tables, changes), encoding="utf-8")


def record_failure(out: Path | str, report: ValidationReport,
                   tables: dict[str, pd.DataFrame]) -> Path:
    """Keep a failed build's results beside versions/ (never in a version)."""
    root = Path(out)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = root / "failed" / stamp
    _write_validation(folder, report, f"Conflict Timeline: failed build {stamp}", tables)
    return folder


_NULLABLE = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype()}  # counts stay integers


# --- reading ---------------------------------------------------------------------------------


def read_verified(folder: Path, table: str) -> pa.Table:
    """One table of a version, read only when its bytes match the sha256 its datapackage.json
    records: a changed or damaged file raises IntegrityError instead of loading other data."""
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next((r for r in d.get("resources", []) if r.get("name") == table), None)
    where = f"{folder.name}/{table}.parquet"
    if resource is None:
        raise IntegrityError(f"{where}: not listed in {folder.name}/datapackage.json; the version "
                             f"was changed after publication (`conflict-timeline validate "
                             f"{folder.name}` says what else differs)")
    path = folder / resource["path"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IntegrityError(f"{where}: cannot read the published file ({exc.strerror})") from None
    if f"sha256:{hashlib.sha256(data).hexdigest()}" != resource["hash"]:
        raise IntegrityError(f"{where}: sha256 does not match datapackage.json; the published file "
                             f"was changed or damaged (`conflict-timeline validate {folder.name}` "
                             "checks every file; rebuild or restore it)")
    return pq.read_table(pa.BufferReader(data))


# Every table a version may publish, with its Arrow schema: lineage only after the first.
SCHEMAS = {**TABLES, "lineage": LINEAGE}


def load(table: str = "events", version: str = "latest",
         root: Path | str | None = None) -> pd.DataFrame:
    """One published table as a DataFrame: `pipeline.load("events")` in a notebook."""
    if table not in TABLES and table != "lineage":
        raise UsageError(f"no table {table!r}: choose one of {', '.join(TABLES)}, lineage")
    folder = resolve_version(version, root)
    if table == "lineage" and not (folder / "lineage.parquet").exists():
        raise UsageError(f"{folder.name} is a first version: it has no lineage")
    return read_verified(folder, table).to_pandas(types_mapper=_NULLABLE.get)


# A version's change summary against its parent (datapackage.json `changes`): incidents added,
# removed, changed, and of the removed, absorbed into another and split into several.
CHANGES = ("added", "removed", "changed", "absorbed", "split")


def versions(root: Path | str | None = None) -> pd.DataFrame:
    """Every published version: id, created, parent, rows per table, validation, changes."""
    base = _root(root)
    rows = []
    for vid in _published_ids(base):
        try:
            d = descriptor(vid, base)
        except UsageError:
            continue
        counts = {r["name"]: r["rows"] for r in d["resources"]}
        rows.append({"version": vid, "created": d["created"], "parent": d.get("parent"),
                     "events": counts.get("events"), "reports": counts.get("reports"),
                     "quarantine": counts.get("quarantine"),
                     "validation": "passed" if d["validation"]["success"] else "failed",
                     **{k: d["changes"].get(k) for k in CHANGES},
                     "latest": vid == latest(base)})
    return pd.DataFrame(rows, columns=["version", "created", "parent", "events", "reports",
                                       "quarantine", "validation", *CHANGES, "latest"])


def _fields_changed(old: dict, new: dict) -> dict[str, list]:
    """One incident's fields that differ (field → [old, new]); `geometry` never, since a moved
    point already shows as latitude/longitude."""
    return {k: [old.get(k), v] for k, v in new.items() if k != GEOMETRY and old.get(k) != v}


def diff_tables(old: pa.Table, new: pa.Table) -> dict[str, dict]:
    """Incidents added, removed and changed (field → [old, new]) between two events tables;
    `geometry` is never listed, since a moved point already shows as latitude/longitude."""
    a = {r["incident_id"]: r for r in old.to_pylist()}
    b = {r["incident_id"]: r for r in new.to_pylist()}
    changed = {}
    for iid in sorted(a.keys() & b.keys()):
        fields = _fields_changed(a[iid], b[iid])
        if fields:
            changed[iid] = fields
    return {"added": {i: {} for i in sorted(b.keys() - a.keys())},
            "removed": {i: {} for i in sorted(a.keys() - b.keys())},
            "changed": changed}


def diff(a: str, b: str, root: Path | str | None = None) -> dict[str, dict]:
    """Incidents added, removed and changed from version `a` to version `b`, and which of the
    removed ones were absorbed into another incident or split into several (their reports
    moved: `lineage`)."""
    fa, fb = resolve_version(a, root), resolve_version(b, root)
    out = diff_tables(read_verified(fa, "events"), read_verified(fb, "events"))
    moves = lineage(read_verified(fa, "reports"), read_verified(fb, "reports")).to_pandas()
    absorbed = moves[moves["relation"] == "absorbed"]
    split = moves[moves["relation"] == "split"]
    out["absorbed"] = dict(zip(absorbed["old_id"], absorbed["new_id"], strict=True))
    out["split"] = {k: sorted(v) for k, v in split.groupby("old_id")["new_id"]}
    return out


def _first_with(iid: str, root: Path, ids: list[str]) -> int | None:
    for k, vid in enumerate(ids):
        events = pq.read_table(root / "versions" / vid / "events.parquet", columns=["incident_id"])
        if iid in set(events.column("incident_id").to_pylist()):
            return k
    return None


def history(iid: str, root: Path | str | None = None) -> list[dict]:
    """The incident in every version from the first that has it: per version, the ids it
    lives under there, how it got there (`kept`, `absorbed`, `split`, `removed`) and the
    fields of its row that changed since the version before."""
    base = _root(root)
    ids = _published_ids(base)
    first = _first_with(iid, base, ids)
    if first is None:
        raise UsageError(f"no incident {iid!r} in any version of {base}")
    out: list[dict] = []
    current: set[str] = {iid}
    previous: dict[str, dict] = {}
    for vid in ids[first:]:
        folder = base / "versions" / vid
        relation = "kept"
        if out:
            moves = read_verified(folder, "lineage").to_pandas()
            moves = moves[moves["old_id"].isin(current)]
            current = set(moves["new_id"].dropna())
            relations = set(moves["relation"])
            relation = next((r for r in ("split", "absorbed", "removed") if r in relations), "kept")
        rows = {r["incident_id"]: r for r in read_verified(folder, "events").to_pylist()
                if r["incident_id"] in current}
        changes = {}
        if len(rows) == 1 and len(previous) == 1:
            (old,), (new,) = previous.values(), rows.values()
            changes = _fields_changed(old, new)
        out.append({"version": vid, "incident_ids": sorted(current), "relation": relation,
                    "changes": changes})
        previous = rows
        if not current:
            break
    return out


def resolve_id(iid: str, version: str = "latest", root: Path | str | None = None) -> list[str]:
    """Where an incident id of any version lives in `version`: the ids its reports are under
    there (one when kept or absorbed, several when split, none when removed).

    `pipeline.resolve_id("ct-0123456789ab")` answers for the latest version."""
    base = _root(root)
    target = resolve_version(version, base).name
    steps = history(iid, base)
    for step in steps:
        if step["version"] == target:
            return step["incident_ids"]
    ids = _published_ids(base)
    if ids.index(target) < ids.index(steps[0]["version"]):
        raise UsageError(f"{iid} first appears in {steps[0]['version']}, after {target}")
    return []  # removed before `target`


def validate_version(version: str | None = None, root: Path | str | None = None) -> ValidationReport:
    """Re-check a published version: every file's sha256, then every expectation suite."""
    folder = resolve_version(version, root)
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    mismatches = []
    listed = {r["name"] for r in d["resources"]}
    for name in TABLES:
        if name not in listed:
            mismatches.append(Failure(name, "resource listed in datapackage.json", None,
                                      "a version publishes every table of SPEC §7", 1,
                                      [f"{name}.parquet"]))
    for r in d["resources"]:
        path = folder / r["path"]
        actual = f"sha256:{_sha256(path)}" if path.exists() else "missing"
        if actual != r["hash"]:
            mismatches.append(Failure(r["name"], "sha256 matches datapackage.json", r["path"],
                                      "published files are immutable", 1,
                                      [f"expected {r['hash'][7:19]}…, found {actual[7:19]}…"]))
        elif pq.read_metadata(path).num_rows != r.get("rows"):
            mismatches.append(Failure(r["name"], "row count matches datapackage.json", r["path"],
                                      "the descriptor's rows describe the file", 1,
                                      [f"recorded {r.get('rows')}, "
                                       f"found {pq.read_metadata(path).num_rows}"]))
        elif r["name"] in SCHEMAS and not pq.read_schema(path).remove_metadata().equals(
                SCHEMAS[r["name"]]):
            mismatches.append(Failure(r["name"], "Arrow schema matches SPEC §7", r["path"],
                                      "column names, order and types are the contract", 1,
                                      [str(pq.read_schema(path).names)]))
    if mismatches:
        return ValidationReport(False, len(set(TABLES) | listed), len(mismatches), {}, mismatches)
    # the expectation suites are the SPEC §7 tables'; lineage is checked by its schema above
    return validate_tables({r["name"]: folder / r["path"] for r in d["resources"]
                            if r["name"] in TABLES})
