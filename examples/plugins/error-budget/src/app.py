"""The error-budget plugin: pages when an error-ratio series burns its SLO's budget too fast.

On every metric series whose name the settings declare an error ratio, it applies the
multiwindow burn-rate rules (burn.py) and reports the most severe one that fired, with when it
started, how fast the budget went and the windows of the series that show it.
"""

from datetime import datetime, timezone
import gc

from componentize_py_types import Err
import wit_world
from wit_world.imports import config, log, types

import burn
import rhyme_guest

NAME, VERSION = "error-budget", "0.1.0"
DESCRIPTION = "Pages when an error-ratio series burns its SLO's error budget too fast"
TITLE = {"fast-burn": "Fast burn", "slow-burn": "Slow burn"}
NO_OUTPUT = types.Output(findings=[], proposals=[])

rhyme_guest.route_output_to_log(log.write, log.Level.INFO, log.Level.WARN)


class WitWorld(wit_world.WitWorld):
    @rhyme_guest.handler
    def describe(self):
        return types.PluginInfo(NAME, VERSION, DESCRIPTION, [types.Trigger.METRIC_SERIES], ["log"])

    @rhyme_guest.handler
    def on_series(self, incident, series):
        try:
            settings = burn.parse_settings(config.get())
        except burn.SettingsError as e:
            raise Err(str(e)) from None
        return judge(settings, series, lambda why_not: log.write(log.Level.INFO, f"skipping `{series.name}`: {why_not}"))

    def on_event(self, incident, event):
        return NO_OUTPUT

    def on_tick(self, incident, now):
        return NO_OUTPUT

    def on_query(self, query):
        return NO_OUTPUT


def judge(settings, series, skipping):
    """The output for one series; `skipping(why)` hears why a declared series is not judged."""
    if not burn.matches(settings, series.name) or not series.points:
        return NO_OUTPUT
    values, why_not = burn.ratios(series.unit, [p.value for p in series.points])
    if values is None:
        skipping(why_not)
        return NO_OUTPUT
    times = [p.at for p in series.points]
    fired = burn.evaluate(times, values, settings)
    if not fired:
        return NO_OUTPUT
    return types.Output(findings=[finding(series.name, times, values, settings, fired)], proposals=[])


def finding(name, times, values, settings, fired):
    """The most severe rule that fired (a page before a ticket, then the earliest)."""
    fired.sort(key=lambda b: (b.rule.name != "fast-burn", b.first))
    top, others = fired[0], fired[1:]
    days = settings.window_days
    detail = [
        f"SLO {percent(settings.slo)} over {days:g} days, so the error budget is {percent(settings.budget)} of requests.",
        f"Errors went over {percent(top.rule.burn_rate * settings.budget)} at {clock(top.onset)}; by {clock(top.first)} "
        f"the last {burn.duration(top.rule.long_minutes)} averaged {percent(top.long_ratio)} and the last "
        f"{burn.duration(top.rule.short_minutes)} {percent(top.short_ratio)}: "
        f"{top.long_ratio / settings.budget:.1f}x and {top.short_ratio / settings.budget:.1f}x the sustainable rate, "
        f"over the {top.rule.burn_rate:g}x this rule {burn.SEVERITY[top.rule.name]}s at.",
        f"Peak {top.peak_burn:.1f}x at {clock(top.peak_at)}: at that rate the {days:g}-day budget lasts "
        f"{lasts(days / top.peak_burn)}. "
        + ("Still burning at the end of the series." if top.until_end else f"Below the threshold again after {clock(top.last)}."),
        f"This series alone used {burn.budget_spent(times, values, settings) * 100:.1f}% of the budget.",
    ]
    if others:
        detail.append("Also over: " + "; ".join(f"{b.rule.label()} ({b.rule.name}) from {clock(b.first)}" for b in others) + ".")
    detail.append("First check: what changed shortly before the errors rose, and whether they come from one route, zone or client.")
    long_start = top.first - int(top.rule.long_minutes * burn.MINUTE_MS)
    evidence = [
        types.Evidence_Window(types.SeriesWindow(name, top.onset, top.last)),
        types.Evidence_Window(types.SeriesWindow(name, max(times[0], long_start), top.first)),
    ]
    title = f"{TITLE[top.rule.name]}: {{}} burns its error budget {top.peak_burn:.0f}x too fast"
    room = 80 - len(title.format(""))
    short_name = name if len(name) <= room else name[: room - 1] + "…"
    return types.Finding(
        kind=types.FindingKind.NOTE,
        subject=f"error-budget-{top.rule.name}",
        title=title.format(short_name),
        detail=" ".join(detail),
        evidence=evidence,
        confidence=round(0.5 + 0.45 * top.coverage, 2),
        at=top.first,
    )


def percent(fraction):
    return f"{fraction * 100:.3g}%"


def clock(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def lasts(days):
    return f"{days * 24:.0f} hours" if days < 2 else f"{days:.1f} days"


def _warm_up():
    """Judge a made-up burning series at import time, which componentize-py snapshots.

    Every call runs in a fresh instance of that snapshot, so whatever the interpreter learns on
    its first pass through the code is lost after each call: CPython's adaptive interpreter
    rewrites each instruction it runs into a specialised form (for these types) and fills the
    type and attribute caches, all by writing into the snapshot's heap. Done here once, the
    call finds the code already specialised and writes to fewer of the snapshot's pages,
    each of which costs the call a copy-on-write fault (`rhyme bench python`).
    """
    start = 1_714_521_600_000
    points = [types.Point(start + m * burn.MINUTE_MS, 0.03 if m >= 120 else 0.0005) for m in range(180)]
    settings = burn.parse_settings("{}")
    for name in ("warm_up_error_ratio", "warm_up_latency"):
        for _ in range(3):
            judge(settings, types.MetricSeries(name, "", points), lambda why_not: None)


_warm_up()
# The snapshot's objects outlive every call: the collector need not visit (and write to) them.
# No `gc.collect()` first: the blocks it would free lie all over the snapshot's heap, and the
# call's allocations would reuse them, dirtying more of its pages (447 faults per call instead
# of 314 in `rhyme bench python`).
gc.freeze()
