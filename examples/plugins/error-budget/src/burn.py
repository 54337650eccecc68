"""Multiwindow burn-rate alerting on an error-ratio series, as SRE teams page on SLOs.

The error budget is what the objective leaves over: 0.1% of requests for a 99.9% SLO. The burn
rate is the error ratio divided by that budget: at 1x the budget lasts exactly the SLO's
period, at 14.4x a 30-day budget loses 2% in an hour. A rule fires when the mean error ratio
over both a long and a short trailing window is above its burn rate: the long window keeps a
brief blip from paging, the short one stops the page soon after the errors stop.

The series holds ratio samples, not request counts, so a window's ratio is the mean of its
samples: exact for evenly spaced samples under steady traffic, an approximation otherwise.

Pure Python without I/O, so it runs (and is unit-tested) anywhere.
"""

import bisect
from dataclasses import dataclass
import fnmatch
import json
import math

MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Rule:
    """Fire when both trailing windows burn faster than `burn_rate`."""

    name: str  # "fast-burn" (page) or "slow-burn" (ticket)
    long_minutes: int
    short_minutes: int
    burn_rate: float

    def label(self):
        return f"{duration(self.long_minutes)}/{duration(self.short_minutes)} at {self.burn_rate:g}x"


# The usual four rules for a 30-day objective: 2% and 5% of the budget gone in 1 h and 6 h
# page; 10% gone in 1 day and 3 days makes a ticket.
DEFAULT_RULES = (
    Rule("fast-burn", 60, 5, 14.4),
    Rule("fast-burn", 360, 30, 6.0),
    Rule("slow-burn", 1440, 120, 3.0),
    Rule("slow-burn", 4320, 360, 1.0),
)
SEVERITY = {"fast-burn": "page", "slow-burn": "ticket"}


@dataclass(frozen=True)
class Settings:
    slo: float  # the objective as a fraction, 0.999
    window_days: float
    series: tuple  # glob patterns of error-ratio series names
    rules: tuple

    @property
    def budget(self):
        return 1.0 - self.slo


def parse_settings(text):
    """Settings from the plugin's JSON config, defaults for missing keys."""
    try:
        raw = json.loads(text or "{}")
    except ValueError as e:
        raise SettingsError(f"settings are not JSON: {e}") from None
    if not isinstance(raw, dict):
        raise SettingsError("settings must be a table of keys")
    known = {"slo", "window-days", "series", "rules"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(f"settings.{unknown[0]}: unknown key (known: {', '.join(sorted(known))})")
    return Settings(
        slo=_slo(raw.get("slo", 0.999)),
        window_days=_positive(raw.get("window-days", 30), "window-days"),
        series=_patterns(raw.get("series", ["*error*", "*5xx*", "*fail*"])),
        rules=_rules(raw["rules"]) if "rules" in raw else DEFAULT_RULES,
    )


def _slo(value):
    if not _is_number(value):
        raise SettingsError(f"settings.slo: {value!r} is not a number")
    if 0 < value < 1:
        return float(value)
    if 50 <= value < 100:
        return value / 100.0
    raise SettingsError(f"settings.slo: {value} is neither a fraction below 1 (0.999) nor a percentage from 50 to below 100 (99.9)")


def _positive(value, key):
    if not _is_number(value) or value <= 0:
        raise SettingsError(f"settings.{key}: {value!r} must be a positive number")
    return float(value)


def _patterns(value):
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p for p in value):
        raise SettingsError("settings.series: must be a non-empty list of name patterns, e.g. [\"*error*\"]")
    return tuple(p.lower() for p in value)


def _rules(value):
    if not isinstance(value, list) or not value:
        raise SettingsError("settings.rules: must be a non-empty list of rules")
    rules = []
    for i, raw in enumerate(value):
        where = f"settings.rules[{i}]"
        if not isinstance(raw, dict):
            raise SettingsError(f"{where}: must be a table")
        name = raw.get("name")
        if name not in SEVERITY:
            raise SettingsError(f"{where}.name: {name!r} must be one of {', '.join(SEVERITY)}")
        long_m = _positive(raw.get("long-minutes"), f"rules[{i}].long-minutes")
        short_m = _positive(raw.get("short-minutes"), f"rules[{i}].short-minutes")
        if short_m >= long_m:
            raise SettingsError(f"{where}: short-minutes ({short_m:g}) must be below long-minutes ({long_m:g})")
        rules.append(Rule(name, long_m, short_m, _positive(raw.get("burn-rate"), f"rules[{i}].burn-rate")))
    return tuple(rules)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def matches(settings, name):
    """Whether the series is one the operator declared an error ratio."""
    return any(fnmatch.fnmatchcase(name.lower(), p) for p in settings.series)


def ratios(unit, values):
    """The samples as fractions, or why the series is not an error ratio."""
    unit = unit.strip().lower()
    if unit in ("%", "percent"):
        scale = 0.01
    elif unit in ("", "1", "ratio", "fraction"):
        scale = 1.0
    else:
        return None, f"its unit `{unit}` is not a ratio"
    scaled = [v * scale for v in values]
    outside = [v for v in scaled if not math.isnan(v) and not 0.0 <= v <= 1.0]
    if outside:
        return None, f"{len(outside)} of its values are outside 0..1 (e.g. {outside[0] / scale:g}), so it is not a ratio"
    return scaled, None


@dataclass
class Burn:
    """One rule that fired on the series."""

    rule: Rule
    first: int  # when both windows first burned too fast (ms)
    onset: int  # when the samples leading to it first went over the rule's ratio
    last: int  # the last time both windows still burned too fast
    long_ratio: float  # at `first`
    short_ratio: float
    peak_burn: float  # the short window's highest burn while the rule held
    peak_at: int
    coverage: float  # share of the long window at `first` holding samples
    until_end: bool  # still firing at the last sample


def evaluate(times, values, settings):
    """Every rule that fired on the series (times in ms, ascending; values fractions, NaN gaps)."""
    step = _typical_step(times)
    sums = _PrefixSums(values)
    burns = []
    for rule in settings.rules:
        burn = _evaluate_rule(times, values, sums, step, rule, settings.budget)
        if burn:
            burns.append(burn)
    return burns


def _evaluate_rule(times, values, sums, step, rule, budget):
    long_ms, short_ms = rule.long_minutes * MINUTE_MS, rule.short_minutes * MINUTE_MS
    threshold = rule.burn_rate * budget
    burn = None
    # A window the series does not reach back to cannot be judged: start where it does (none
    # of them, for a rule whose long window is longer than the series).
    for i in range(bisect.bisect_left(times, times[0] + long_ms - step), len(times)):
        long_mean, long_n = sums.trailing_mean(times, i, long_ms)
        if long_mean is None or long_mean <= threshold:
            continue
        short_mean, _ = sums.trailing_mean(times, i, short_ms)
        if short_mean is None or short_mean <= threshold:
            continue
        t = times[i]
        if burn is None:
            burn = Burn(rule, t, _onset(times, values, i, threshold), t, long_mean, short_mean, 0.0, t,
                        min(1.0, long_n * step / long_ms), False)
        burn.last = t
        if short_mean / budget > burn.peak_burn:
            burn.peak_burn, burn.peak_at = short_mean / budget, t
    if burn:
        burn.until_end = burn.last == times[-1]
    return burn


class _PrefixSums:
    """Running totals of the samples (NaN samples left out), so that the mean of any window is
    two subtractions instead of a pass over the window: every rule asks for two windows at each
    sample, and this runs inside the call, in the sandbox's interpreter."""

    def __init__(self, values):
        self.sums, self.counts = [0.0], [0]
        total, count = 0.0, 0
        for v in values:
            if not math.isnan(v):
                total, count = total + v, count + 1
            self.sums.append(total)
            self.counts.append(count)

    def trailing_mean(self, times, i, window_ms):
        """(mean of the samples in (times[i] - window, times[i]], their count); None if none."""
        start = bisect.bisect_right(times, times[i] - window_ms, 0, i)
        count = self.counts[i + 1] - self.counts[start]
        return ((self.sums[i + 1] - self.sums[start]) / count if count else None), count


def _onset(times, values, i, threshold):
    """The start of the run of samples over `threshold` that ends at sample `i`."""
    j = i
    while j > 0 and (math.isnan(values[j - 1]) or values[j - 1] > threshold):
        j -= 1
    return times[j]


def _typical_step(times):
    gaps = sorted(b - a for a, b in zip(times, times[1:]) if b > a)
    return gaps[len(gaps) // 2] if gaps else MINUTE_MS


def budget_spent(times, values, settings):
    """The share of the whole period's error budget the series' errors used up."""
    step = _typical_step(times)
    spent = 0.0
    for i, v in enumerate(values):
        if math.isnan(v):
            continue
        held = (times[i + 1] - times[i]) if i + 1 < len(times) else step
        spent += v * min(held, 10 * step)
    return spent / (settings.budget * settings.window_days * DAY_MS)


def duration(minutes):
    if minutes % 1440 == 0:
        return f"{minutes // 1440:g}d"
    if minutes % 60 == 0:
        return f"{minutes // 60:g}h"
    return f"{minutes:g}m"
