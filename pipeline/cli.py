"""`conflict-timeline`: a thin Typer layer. Each command parses, calls one library function,
renders, and maps `PipelineError` to one `Error: …` line on stderr and its exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .config import DEFAULT_OUT, DEFAULT_RAW
from .engines import cores
from .errors import PipelineError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Build, validate and explore the versioned conflict timeline.")

OutOption = Annotated[Path, typer.Option("--out", help="Published timeline folder.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors become one line each on stderr and the error's exit code."""
    try:
        yield
    except PipelineError as exc:
        for line in str(exc).splitlines():
            typer.echo(f"Error: {line}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # noqa: BLE001 - never a bare traceback for users
        if os.environ.get("CT_DEBUG"):
            raise
        typer.echo(f"Error: internal error: {type(exc).__name__}: {exc} "
                   "(set CT_DEBUG=1 to see the traceback)", err=True)
        raise typer.Exit(2) from None


def _progress(quiet: bool):  # noqa: ANN202
    if quiet or not sys.stderr.isatty():
        return lambda _msg: None
    return lambda msg: typer.echo(f"… {msg}", err=True)


@app.command()
def build(
    raw: Annotated[Path, typer.Option("--raw", help="Folder of raw report files.")] = DEFAULT_RAW,
    out: OutOption = DEFAULT_OUT,
    engine: Annotated[str, typer.Option("--engine", help="pandas or dask.")] = "pandas",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="dask.distributed scheduler address (tcp://host:8786).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Processes of the pandas engine (default: one per core; 1 is this "
                          "process alone). Builds under 100,000 rows run in this process.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Read, normalize, reconcile, validate and publish a new version.

    Example: conflict-timeline build --raw data/raw/incidents --out data/processed/timeline
    """
    from .build import build as run

    if workers is None and engine == "pandas":
        workers = cores()
    with _errors():
        result = run(raw, out, engine=engine, scheduler=scheduler, workers=workers,
                     progress=_progress(quiet))
    for note in result.notes:
        typer.echo(f"Note: {note}", err=True)
    typer.echo(result.line())


@app.command()
def validate(
    version: Annotated[str, typer.Argument(help="Version id such as v3, or latest.")] = "latest",
    out: OutOption = DEFAULT_OUT,
    quiet: QuietOption = False,
) -> None:
    """Re-validate a published version: file hashes and every expectation suite.

    Example: conflict-timeline validate v1
    """
    from .publish import resolve_version, validate_version

    with _errors():
        vid = resolve_version(version, out).name
        _progress(quiet)(f"validating {vid}")
        report = validate_version(vid, out)
    if report.success:
        typer.echo(f"{vid}: valid ({report.evaluated} expectations passed)")
        return
    for failure in report.failures:
        typer.echo(f"Error: {failure.line()}", err=True)
    typer.echo(f"Error: {vid}: {report.failed} of {report.evaluated} expectations failed",
               err=True)
    raise typer.Exit(1)


@app.command()
def versions(out: OutOption = DEFAULT_OUT, as_json: JsonOption = False) -> None:
    """List published versions with their row counts, validation and changes.

    Example: conflict-timeline versions
    """
    from .publish import versions as list_versions

    with _errors():
        table = list_versions(out)
    if as_json:
        typer.echo(table.to_json(orient="records", indent=1))
    elif table.empty:
        typer.echo(f"no versions in {out}")
    else:
        table["latest"] = table["latest"].map({True: "*", False: ""})
        table["parent"] = table["parent"].fillna("")
        typer.echo(table.to_string(index=False))


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="Older version id.")],
    b: Annotated[str, typer.Argument(help="Newer version id, or latest.")] = "latest",
    out: OutOption = DEFAULT_OUT,
    as_json: JsonOption = False,
) -> None:
    """Incidents added, removed and changed between two versions.

    Example: conflict-timeline diff v1 v2
    """
    from .publish import diff as run

    with _errors():
        result = run(a, b, out)
    if as_json:
        typer.echo(json.dumps(result, indent=1, default=str, ensure_ascii=False))
        return
    typer.echo(f"added {len(result['added'])}, removed {len(result['removed'])}, "
               f"changed {len(result['changed'])}, absorbed {len(result['absorbed'])}, "
               f"split {len(result['split'])}")
    for iid in result["added"]:
        typer.echo(f"+ {iid}")
    for iid in result["removed"]:
        typer.echo(f"- {iid}")
    for iid, fields in result["changed"].items():
        for name, (old, new) in fields.items():
            typer.echo(f"~ {iid} {name}: {old} → {new}")
    for old_id, new_id in result["absorbed"].items():
        typer.echo(f"> {new_id} absorbed {old_id} (its reports joined {new_id})")
    for old_id, new_ids in result["split"].items():
        typer.echo(f"< {old_id} split into {' and '.join(new_ids)}")


@app.command()
def show(
    incident_id: Annotated[str, typer.Argument(help="An incident_id such as ct-0123456789ab.")],
    version: Annotated[str, typer.Option("--version", help="Version id or latest.")] = "latest",
    out: OutOption = DEFAULT_OUT,
    with_history: Annotated[bool, typer.Option(
        "--history", help="List the incident in every version where it changed.")] = False,
) -> None:
    """One incident and the reports it was reconciled from (the evidence).

    Example: conflict-timeline show ct-0123456789ab --history
    """
    import pandas as pd

    from .errors import UsageError
    from .publish import history, load

    if with_history:
        with _errors():
            steps = history(incident_id, out)
        for k, step in enumerate(steps):
            ids = " and ".join(step["incident_ids"]) or "nothing (its reports are gone)"
            if k == 0:
                typer.echo(f"{step['version']}: published as {ids}")
            elif step["relation"] != "kept":
                typer.echo(f"{step['version']}: {step['relation']} → {ids}")
            for name, (old, new) in step["changes"].items():
                typer.echo(f"{step['version']}: ~ {name}: {old} → {new}")
        return
    with _errors():
        events = load("events", version, out)
        match = events[events["incident_id"] == incident_id]
        if match.empty:
            raise UsageError(f"no incident {incident_id!r} in version {version}")
        reports = load("reports", version, out)
    event = match.iloc[0]
    for name in ("incident_id", "event_type", "date", "date_start", "date_end", "date_precision",
                 "place", "admin1", "country", "geo_precision", "actor1", "actor2", "killed_low",
                 "killed_best", "killed_high", "injured_low", "injured_best", "injured_high",
                 "troops", "source_count", "independent_sources", "grade", "grade_reasons"):
        value = event[name]
        if name == "grade_reasons":
            value = "; ".join(value)
        typer.echo(f"{name:>19}: {'' if pd.isna(value) else value}")
    evidence = reports[reports["incident_id"] == incident_id].sort_values(["published",
                                                                           "report_id"])
    cols = ["report_id", "source", "published", "raw_date", "raw_place", "raw_killed",
            "raw_injured", "raw_troops"]
    typer.echo("")
    typer.echo(evidence[cols].fillna("").to_string(index=False))


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Plain-text news articles.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON Lines file to write.")],
    published: Annotated[str | None, typer.Option(
        "--published", help="Publication time, when the article has no `published:` line.")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Outlet, when the article has no `source:` line.")] = None,
) -> None:
    """Turn article text into reports that `build` reads (one JSON object a line).

    Example: conflict-timeline extract a.txt --published 2024-01-04 --source AP -o raw/a.jsonl
    """
    from .extract import extract_files, write_jsonl

    with _errors():
        rows, errors = extract_files(files, published=published, source=source)
        write_jsonl(rows, output)  # the good files are written even when some are not
    typer.echo(f"wrote {len(rows)} reports from {len(files) - len(errors)} article(s) to {output}")
    for message in errors:  # one line per file that is not an article
        typer.echo(f"Error: {message}", err=True)
    if errors:
        raise typer.Exit(2)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="acled, ucdp, geojson or csv.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    version: Annotated[str, typer.Option("--version", help="Version id or latest.")] = "latest",
    out: OutOption = DEFAULT_OUT,
) -> None:
    """Write a version's incidents as an ACLED- or UCDP-shaped CSV, GeoJSON or a flat CSV.

    Example: conflict-timeline export --format acled --version v1 -o timeline-acled.csv
    """
    from .exchange import export as run

    with _errors():
        rows = run(fmt, output, version, out)
    typer.echo(f"wrote {rows} incidents as {fmt} to {output}")


@app.command("import")
def import_(
    dataset: Annotated[str, typer.Argument(help="acled or ucdp.")],
    file: Annotated[Path, typer.Argument(help="The dataset's CSV export.")],
    raw: Annotated[Path, typer.Option("--raw", help="Raw folder to write into.")] = DEFAULT_RAW,
) -> None:
    """Turn an ACLED or UCDP GED CSV export into raw reports that `build` reads.

    Example: conflict-timeline import acled acled-yemen-2024.csv --raw data/raw/incidents
    """
    from .exchange import import_file

    with _errors():
        imported = import_file(dataset, file, raw)
    for note in imported.notes:
        typer.echo(f"Note: {note}", err=True)
    typer.echo(f"wrote {imported.rows} reports to {imported.path}")


def main() -> None:
    """Console-script entry point."""
    app()
