"""Text that only travels with its report, kept on disk while a build runs.

A report's quote and link (`SHELVED`) are read by no normalizer and by no matching: grading
reads their ends and hosts, publishing writes them whole. Held in memory from reading to
publishing they were most of a build's peak: a million reports with 2 KB quotes (`make
bench`'s heavy shape) peaked at 3.6 GB, 2.1 GB of it the quotes. On the shelf, the rows carry
each report's position (`POSITION`) instead, and a step that needs the text reads the
batches it needs back: a build holds the text of a few batches at a time, not all of it.

The shelf is a folder of Arrow IPC files, one per raw file read, written a batch at a time
as the file is parsed, and read back by plain reads (not memory-mapped: mapped pages count in
a process's resident memory as they are touched). It lives for one build (`open_shelf`).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import OutputError

SHELVED = ("quote", "source_url")
POSITION = "shelf_row"  # a row's position on the shelf
PREFIX = ".shelf-"  # the folder's name in the output folder: .shelf-<pid>-<random>
_SCHEMA = pa.schema([(c, pa.large_string()) for c in SHELVED])


class ShelfPart:
    """The shelved columns of one raw file, appended a batch at a time (`put`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self.starts: list[int] = []  # each batch's first row
        self.lengths: dict[str, list[np.ndarray]] = {c: [] for c in SHELVED}
        self._writer: pa.ipc.RecordBatchFileWriter | None = None

    def put(self, columns: dict[str, pa.Array | pa.ChunkedArray], rows: int) -> np.ndarray:
        """Append `rows` rows of the shelved columns (one absent: null) → their positions in
        this part."""
        arrays = []
        for name in SHELVED:
            column = columns.get(name)
            column = pa.nulls(rows, pa.large_string()) if column is None else column
            if isinstance(column, pa.ChunkedArray):
                column = column.combine_chunks()
            column = column.cast(pa.large_string())
            self.lengths[name].append(
                pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False)
                .astype(np.int64))
            arrays.append(column)
        with self._writing():
            if self._writer is None:
                self._writer = pa.ipc.new_file(str(self.path), _SCHEMA)
            self._writer.write_batch(pa.record_batch(arrays, schema=_SCHEMA))
        self.starts.append(self.rows)
        first, self.rows = self.rows, self.rows + rows
        return np.arange(first, self.rows, dtype=np.int64)

    def close(self) -> None:
        with self._writing():
            if self._writer is None:  # a file of no rows: an empty part all the same
                self._writer = pa.ipc.new_file(str(self.path), _SCHEMA)
            self._writer.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A shelf that cannot be written (a full disk) stops the build as an output folder
        that cannot be written does: not as a raw file that cannot be read."""
        try:
            yield
        except OSError as exc:
            raise OutputError.writing(self.path.parent.parent, exc) from None

    def discard(self) -> None:
        """Forget what was put (a file read again another way)."""
        if self._writer is not None:
            self._writer.close()
        self.path.unlink(missing_ok=True)


class Shelf:
    """The shelved text of a build's rows: parts made by the file readers (`part`, from any
    thread), then added in the order their rows are concatenated (`add`), which gives every
    row its position."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._names = itertools.count()
        self._lock = threading.Lock()
        self._parts: list[ShelfPart] = []
        self._batch_starts: list[int] = []  # every batch's first position
        self._batch_of: list[tuple[int, int]] = []  # every batch's (part, batch in the part)
        self.rows = 0

    def part(self) -> ShelfPart:
        with self._lock:
            return ShelfPart(self.folder / f"{next(self._names)}.arrow")

    def add(self, part: ShelfPart) -> int:
        """Register a closed part after those added before: → the position of its first row."""
        offset = self.rows
        index = len(self._parts)
        self._parts.append(part)
        self._batch_starts += [offset + s for s in part.starts]
        self._batch_of += [(index, i) for i in range(len(part.starts))]
        self.rows += part.rows
        return offset

    def lengths(self, name: str, positions: np.ndarray) -> np.ndarray:
        """The UTF-8 bytes of a shelved column's values at `positions` (a null: 0)."""
        every = np.concatenate([a for p in self._parts for a in p.lengths[name]]
                               or [np.zeros(0, np.int64)])
        return every[np.asarray(positions, dtype=np.int64)]

    def take(self, positions: np.ndarray | pd.Series, names: tuple[str, ...] = SHELVED
             ) -> pa.Table:
        """The shelved columns (`names`) of the rows at `positions`, in that order, read back
        batch by batch: only the batches that hold them, each once."""
        positions = np.asarray(positions, dtype=np.int64)
        schema = pa.schema([_SCHEMA.field(n) for n in names])
        if not len(positions):
            return schema.empty_table()
        ascending = bool((np.diff(positions) >= 0).all())
        order = None if ascending else np.argsort(positions, kind="stable")
        wanted = positions if order is None else positions[order]
        batch = np.searchsorted(np.asarray(self._batch_starts, dtype=np.int64), wanted,
                                side="right") - 1
        cut = np.flatnonzero(np.r_[True, np.diff(batch) != 0, True])
        pieces = []
        files: dict[int, pa.OSFile] = {}  # opened per call: calls may run in several threads
        readers: dict[int, pa.ipc.RecordBatchFileReader] = {}
        try:
            for a, b in zip(cut[:-1], cut[1:], strict=False):
                part, i = self._batch_of[batch[a]]
                if part not in readers:
                    files[part] = pa.OSFile(str(self._parts[part].path))
                    readers[part] = pa.ipc.open_file(files[part])
                rows = readers[part].get_batch(i).select(list(names))
                pieces.append(rows.take(pa.array(wanted[a:b] - self._batch_starts[batch[a]])))
        finally:
            for file in files.values():
                file.close()
        table = pa.Table.from_batches(pieces, schema=schema)
        if order is not None:  # back to the order asked for
            table = table.take(pa.array(np.argsort(order, kind="stable")))
        return table


@contextmanager
def open_shelf(out: Path | str) -> Iterator[Shelf]:
    """A shelf for one build, in a folder of the output folder (the disk the user chose for
    the data, not a temporary folder that may be held in memory), removed when the build
    ends; one that a killed build left is removed by the next publication (`stale`)."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    try:
        yield Shelf(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stale(root: Path) -> list[Path]:
    """Shelves in `root` whose build is no longer running (its process is gone)."""
    import psutil  # dask.distributed's dependency: a process looked up on any system

    found = []
    for folder in root.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            found.append(folder)
    return found


@dataclass
class ShelvedTable:
    """A published table whose shelved columns are on the shelf: `table` holds the other
    columns and `POSITION`; `slice` gives rows with every column of `schema`, in its order.
    The writer asks for a row group at a time (`publish._write_parquet`)."""

    table: pa.Table
    schema: pa.Schema
    shelf: Shelf

    @property
    def num_rows(self) -> int:
        return self.table.num_rows

    def slice(self, start: int, length: int) -> pa.Table:
        part = self.table.slice(start, length)
        text = self.shelf.take(part[POSITION].to_numpy())
        return pa.Table.from_arrays(
            [text[f.name].cast(f.type) if f.name in SHELVED else part[f.name]
             for f in self.schema], schema=self.schema)

    def shelved_bytes(self) -> int:
        """The UTF-8 bytes of the shelved columns' values."""
        positions = self.table[POSITION].to_numpy()
        return sum(int(self.shelf.lengths(c, positions).sum()) for c in SHELVED)
