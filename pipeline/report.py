"""The quality report: one self-contained HTML page per version a person reads in a minute.

Charts are inline SVG drawn here, styles are inline CSS: the page loads nothing from a CDN
and renders the same offline, in a browser or attached to a CI run.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pandas as pd

from .schema import EVENT_TYPES
from .validate import ValidationReport

# One color per event type (Tableau 10 and two more), stable across versions.
COLORS = dict(zip(EVENT_TYPES, (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79"), strict=True))
EXAMPLES = 3
# The columns `render` draws, all that a version's tables are read for: an incident's sources
# and report ids, converted to Python lists, were most of the second that reading the 289,358
# incidents of a million long-tail reports took (a throwaway measurement).
DRAWN = {"events": ["date", "event_type", "latitude", "longitude", "place", "source_count",
                    "date_precision", "geo_precision", "country", "grade"],
         "quarantine": ["reason", "input_file", "input_line", "message"]}


def _esc(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and value != value)
                       else str(value))


def _table(frame: pd.DataFrame, cls: str = "") -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table class='{cls}'><tr>{head}</tr>{rows}</table>"


def _counts(series: pd.Series, name: str) -> pd.DataFrame:
    counts = series.fillna("(none)").value_counts()
    return pd.DataFrame({name: counts.index, "count": counts.to_numpy()})


def _legend(types: list[str]) -> str:
    return "".join(f"<span class='key'><i style='background:{COLORS.get(t, '#999')}'></i>"
                   f"{_esc(t)}</span>" for t in types)


def timeline_svg(events: pd.DataFrame, width: int = 900, height: int = 220) -> str:
    """Stacked bars: incidents per week (Monday) by event type."""
    if events.empty:
        return "<p>No incidents.</p>"
    dates = pd.to_datetime(events["date"])
    weeks = (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.date
    table = pd.crosstab(weeks, events["event_type"])
    first, last = min(table.index), max(table.index)
    all_weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    table = table.reindex(all_weeks, fill_value=0)
    top = max(int(table.sum(axis=1).max()), 1)
    left, bottom = 36, 24
    bar = (width - left) / len(table)
    parts = [f"<svg id='timeline' xmlns='http://www.w3.org/2000/svg' width='{width}' "
             f"height='{height}' role='img' aria-label='incidents per week by type'>"]
    for frac in (0, 0.5, 1):
        y = height - bottom - frac * (height - bottom - 10)
        parts.append(f"<line x1='{left}' x2='{width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
                     f"<text x='{left - 4}' y='{y + 4:.1f}' font-size='10' text-anchor='end'>"
                     f"{round(top * frac)}</text>")
    for i, (week, row) in enumerate(table.iterrows()):
        y = height - bottom
        for event_type, n in row.items():
            if not n:
                continue
            h = n / top * (height - bottom - 10)
            y -= h
            parts.append(f"<rect x='{left + i * bar + 1:.1f}' y='{y:.1f}' width='{max(bar - 2, 1):.1f}'"
                         f" height='{h:.1f}' fill='{COLORS.get(str(event_type), '#999')}'>"
                         f"<title>{week}: {n} {_esc(event_type)}</title></rect>")
        if i % max(len(table) // 8, 1) == 0:
            parts.append(f"<text x='{left + i * bar:.1f}' y='{height - 6}' font-size='10'>"
                         f"{week:%d %b %Y}</text>")
    parts.append("</svg>")
    return "".join(parts) + f"<div>{_legend(list(table.columns))}</div>"


def map_svg(events: pd.DataFrame, width: int = 520, height: int = 420) -> str:
    """Incident points on an equirectangular frame around them, sized by source count."""
    pts = events.dropna(subset=["latitude", "longitude"])
    if pts.empty:
        return "<p>No points.</p>"
    lat0, lat1 = pts["latitude"].min() - 1, pts["latitude"].max() + 1
    lon0, lon1 = pts["longitude"].min() - 1, pts["longitude"].max() + 1
    scale = min(width / (lon1 - lon0), height / (lat1 - lat0))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - lon0) * scale, height - (lat - lat0) * scale

    parts = [f"<svg id='map' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             "role='img' aria-label='map of incidents' style='background:#f4f7fb'>"]
    for lon in range(int(lon0), int(lon1) + 1):
        x, _ = xy(lat0, lon)
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='0' y2='{height}' stroke='#e3e8ef'/>")
    for lat in range(int(lat0), int(lat1) + 1):
        _, y = xy(lat, lon0)
        parts.append(f"<line x1='0' x2='{width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e3e8ef'/>")
    # One circle per point and type (a million reports make tens of thousands of incidents at
    # a few hundred places), sized by its incidents, titled with their count and dates. The
    # dates are compared as days, not as Python dates: pandas compares those group by group
    # (1.3 s for the 63,330 spots of a million long-tail reports, a throwaway measurement).
    spots = pts.assign(day=pd.to_datetime(pts["date"])).groupby(
        ["latitude", "longitude", "event_type"], sort=True).agg(
        place=("place", "first"), incidents=("place", "size"), first=("day", "min"),
        last=("day", "max")).reset_index()
    spots["first"], spots["last"] = spots["first"].dt.date, spots["last"].dt.date
    for row in spots.itertuples(index=False):
        x, y = xy(row.latitude, row.longitude)
        r = 3 + 1.5 * min(int(row.incidents), 8)
        when = f"{row.first}" if row.first == row.last else f"{row.first} to {row.last}"
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill-opacity='0.6' "
                     f"fill='{COLORS.get(row.event_type, '#999')}'><title>{_esc(row.place)}: "
                     f"{row.incidents} {_esc(row.event_type)}, {when}</title></circle>")
    for row in pts.drop_duplicates("place").nlargest(8, "source_count").itertuples(index=False):
        x, y = xy(row.latitude, row.longitude)
        parts.append(f"<text x='{x + 6:.1f}' y='{y - 6:.1f}' font-size='11'>{_esc(row.place)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _quarantine(quarantine: pd.DataFrame) -> str:
    if quarantine.empty:
        return "<p>No rows were rejected.</p>"
    blocks = []
    for reason, group in quarantine.groupby("reason", sort=True):
        examples = "".join(f"<li><code>{_esc(r.input_file)}:{_esc(r.input_line)}</code> "
                           f"{_esc(r.message)}</li>" for r in group.head(EXAMPLES).itertuples())
        blocks.append(f"<h3>{_esc(reason)} ({len(group)})</h3><ul>{examples}</ul>")
    return "".join(blocks)


def _trust(events: pd.DataFrame, changes: dict | None) -> str:
    """Grade counts (how well incidents are corroborated) and what changed since the parent
    version, merges and splits included."""
    out = ""
    if "grade" in events:
        out += _table(_counts(events["grade"], "grade"))
    if changes:
        rows = pd.DataFrame({"change": list(changes), "incidents": list(changes.values())})
        out += "<h3>Since the parent version</h3>" + _table(rows)
    return f"<div class='row'>{out}</div>" if out else "<p>No incidents.</p>"


def render(title: str, report: ValidationReport, tables: dict[str, pd.DataFrame],
           changes: dict | None = None) -> str:
    """The whole page for one version (or one failed build); `changes` is the version's change
    summary against its parent."""
    events, reports = tables.get("events", pd.DataFrame()), tables.get("reports", pd.DataFrame())
    quarantine = tables.get("quarantine", pd.DataFrame())
    status = "passed" if report.success else "FAILED"
    results = pd.DataFrame(report.results or [], columns=["table", "expectation", "column", "why",
                                                           "success", "unexpected_count"])
    failures = "".join(f"<li>{_esc(f.line())}</li>" for f in report.failures) or "<li>none</li>"
    overview = (f"<p class='big'><b>{len(events)}</b> incidents from <b>{len(reports)}</b> reports; "
                f"<b>{len(quarantine)}</b> rows in quarantine. Validation <b class='{status}'>"
                f"{status}</b>: {report.evaluated} expectations, {report.failed} failed.</p>")
    if not events.empty:
        mix = pd.concat([_counts(events["date_precision"], "value").assign(field="date_precision"),
                         _counts(events["geo_precision"], "value").assign(field="geo_precision")])
        counts = (f"<div class='row'><div>{_table(_counts(events['event_type'], 'event type'))}</div>"
                  f"<div>{_table(_counts(events['country'], 'country'))}</div>"
                  f"<div>{_table(mix[['field', 'value', 'count']])}</div></div>")
    else:
        counts = "<p>No incidents.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>
<style>
body{{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;
  max-width:1000px}}
h1{{font-size:22px}} h2{{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}}
h3{{font-size:14px}} table{{border-collapse:collapse;font-size:13px;margin:6px 0}}
td,th{{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}}
.row{{display:flex;gap:28px;flex-wrap:wrap}} .big{{font-size:15px}}
.passed{{color:#1a7f37}} .FAILED{{color:#c62828}} .key{{margin-right:12px;font-size:12px}}
.key i{{display:inline-block;width:10px;height:10px;margin-right:4px}}
code{{font-size:12px}}
</style></head><body>
<h1>{_esc(title)}</h1>{overview}
<h2>Incidents per week by type</h2>{timeline_svg(events)}
<h2>Counts</h2>{counts}
<h2>Trust and changes</h2>{_trust(events, changes)}
<h2>Where</h2>{map_svg(events)}
<h2>Quarantine by reason</h2>{_quarantine(quarantine)}
<h2>Failed expectations</h2><ul>{failures}</ul>
<h2>All expectations</h2>{_table(results, "results")}
</body></html>
"""
