"""One exception family: a failure to *run* is an exception; bad rows are quarantine, not errors."""

from __future__ import annotations

import errno


def shown(text: str) -> str:
    """`text` (a file or column name) as one line of a message: as it is when every character
    is printable, else quoted with its control and invisible characters escaped, as Python
    writes a string (`'x\\nError: fake.csv'`): a newline in a file's name must not print a
    second `Error:` line of its own. Bytes that are not UTF-8 (a file name read as
    surrogate escapes) show as `\\xe9`."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if "\udc80" <= char <= "\udcff":  # os.fsdecode's escape of a byte that is not UTF-8
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif char in "\\'":
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "'" + "".join(out) + "'"


class PipelineError(Exception):
    """Base of every error the library raises on purpose; the CLI prints it as one line."""

    exit_code = 2


class InputError(PipelineError):
    """A raw file cannot be read at all (encoding, format, required columns); nothing is published."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{shown(path)}:{line}" if line is not None else shown(path)
        super().__init__(f"{where}: {problem}" if where else problem)
        self.path, self.line, self.problem = path, line, problem

    def __reduce__(self):  # noqa: ANN204 — rebuilt from its fields when it crosses processes
        return type(self), (self.path, self.line, self.problem)


class InputErrors(InputError):
    """Several raw files cannot be read: each named with its line, so that one build shows
    every file to fix, not the first alone."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.path, first.line, first.problem)
        self.errors = list(errors)
        self.args = (f"{len(errors)} raw files cannot be read:\n"
                     + "\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self):  # noqa: ANN204
        return type(self), (self.errors,)


class RowError(ValueError):
    """A value a normalizer cannot use: the row goes to quarantine under `reason` (SPEC §5)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class UsageError(PipelineError):
    """The caller asked for something that does not exist (a version, an incident, an engine)."""


class ValidationFailed(PipelineError):
    """A published or candidate version failed its expectation suites."""

    exit_code = 1

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class BuildLocked(PipelineError):
    """Another build holds the output folder's lock."""


# What to do when the output folder cannot be written, by the system's reason.
OUTPUT_ADVICE = {errno.ENOSPC: "free some space or choose another --out",
                 errno.EDQUOT: "free some space or choose another --out",
                 errno.EROFS: "choose a writable --out", errno.EACCES: "choose a writable --out",
                 errno.EPERM: "choose a writable --out"}


class OutputError(PipelineError):
    """The output folder cannot be written (read-only, full disk): found before any work."""

    @classmethod
    def writing(cls, root: object, exc: OSError) -> OutputError:
        """`root` (the output folder) could not be written: the system's reason and what to
        do about it, which depends on the reason (a full disk is not a read-only folder)."""
        advice = OUTPUT_ADVICE.get(exc.errno or 0, "choose another --out")
        return cls(f"cannot write to {root}: {exc.strerror or exc}; {advice}")


class IntegrityError(PipelineError):
    """A published file no longer matches the sha256 its version recorded: never read silently."""
