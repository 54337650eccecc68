//! The report as Markdown: the headline numbers in the first lines (readable in five
//! seconds), then the context notes, then one table per question. Incident ids are listed
//! where a time could not be computed; people are never named or counted.

use std::fmt::Write as _;

use crate::Report;

/// A duration in milliseconds as a person reads it: `45s`, `12m`, `1h 20m`, `2d 3h`.
pub fn duration(ms: i64) -> String {
    let s = ms / 1000;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => match (s / 3600, (s % 3600) / 60) {
            (h, 0) => format!("{h}h"),
            (h, m) => format!("{h}h {m}m"),
        },
        s => match (s / 86_400, (s % 86_400) / 3600) {
            (d, 0) => format!("{d}d"),
            (d, h) => format!("{d}d {h}h"),
        },
    }
}

fn opt(ms: Option<i64>) -> String {
    ms.map_or_else(|| "–".to_string(), duration)
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "n/a".to_string(), |r| format!("{:.0}%", r * 100.0))
}

/// A table cell: pipes and line breaks would break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A Markdown table with a fixed set of columns: the header, the alignment row, one line per
/// row. The first `left` columns (names) are left-aligned, the rest (counts, durations)
/// right-aligned. The report's tables are all written here, so their layout cannot drift.
fn table<const N: usize>(
    out: &mut String,
    header: [&str; N],
    left: usize,
    rows: impl IntoIterator<Item = [String; N]>,
) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: String = (0..N)
        .map(|column| if column < left { "---|" } else { "---:|" })
        .collect();
    let _ = writeln!(out, "|{align}");
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let w = &report.window;
    let c = &report.context;
    let _ = writeln!(
        out,
        "# Incident report, {} to {}\n",
        &w.from[..10.min(w.from.len())],
        &w.to[..10.min(w.to.len())]
    );
    headline(&mut out, report);
    if !c.notes.is_empty() {
        out.push('\n');
        for note in &c.notes {
            let _ = writeln!(out, "> {note}");
        }
    }
    times(&mut out, report);
    volume(&mut out, report);
    actions(&mut out, report);
    nudges(&mut out, report);
    let _ = writeln!(
        out,
        "\n---\nWindow: {} to {} ({} days); incidents count in the window they started in. \
         This report counts incidents, times and promises, never people: it names no one \
         and ranks no one.",
        w.from, w.to, w.days
    );
    out
}

fn headline(out: &mut String, report: &Report) {
    let c = &report.context;
    let resolve = &report.times[3].summary;
    let a = &report.actions;
    let fired: usize = report.nudges.iter().map(|n| n.incidents).sum();
    let ignored: usize = report.nudges.iter().map(|n| n.ignored).sum();
    let _ = writeln!(
        out,
        "- **{}** (the window before: {})",
        plural(c.current.incidents, "incident", "incidents"),
        c.previous.incidents
    );
    let _ = writeln!(
        out,
        "- median time to resolve **{}** over {}",
        opt(resolve.median_ms),
        plural(resolve.n, "incident", "incidents")
    );
    let _ = writeln!(
        out,
        "- action items: **{}** done or verified, **{} overdue**, {} open",
        percent(a.completion_rate),
        a.overdue,
        a.open_by_age.iter().map(|(_, n)| n).sum::<usize>()
    );
    let _ = writeln!(
        out,
        "- nudges: fired on {}, **{} left unanswered**",
        plural(fired, "incident and pattern", "incidents and patterns"),
        ignored
    );
}

fn times(out: &mut String, report: &Report) {
    let _ = writeln!(out, "\n## Response times\n");
    let rows = report.times.iter().map(|m| {
        let p90 = match (m.summary.p90_ms, m.summary.n) {
            (Some(ms), _) => duration(ms),
            (None, 0) => "–".into(),
            (None, _) => format!("n < {}", crate::stats::MIN_FOR_P90),
        };
        [
            m.label.clone(),
            m.summary.n.to_string(),
            opt(m.summary.median_ms),
            p90,
            m.lacking.len().to_string(),
        ]
    });
    table(
        out,
        ["measure", "n", "median", "p90", "lacking the events"],
        1,
        rows,
    );
    let _ = writeln!(out, "\nHow each is read from the timeline:\n");
    for m in &report.times {
        let _ = writeln!(out, "- *{}*: {}", m.label, m.definition);
    }
    if report.times.iter().any(|m| !m.lacking.is_empty()) {
        let _ = writeln!(out, "\nIncidents that lack the events to compute a time:\n");
        for m in report.times.iter().filter(|m| !m.lacking.is_empty()) {
            let listed: Vec<String> = m
                .lacking
                .iter()
                .map(|l| format!("`{}` ({})", l.incident, l.reason))
                .collect();
            let _ = writeln!(out, "- {}: {}", m.label, listed.join(", "));
        }
    }
    if !report.incidents.is_empty() {
        out.push('\n');
        let rows = report.incidents.iter().map(|i| {
            [
                format!("`{}` {}", cell(&i.id), cell(&i.title)),
                cell(&i.severity),
                cell(&i.service),
                i.started.clone(),
                opt(i.detect_ms),
                opt(i.acknowledge_ms),
                opt(i.mitigate_ms),
                opt(i.resolve_ms),
            ]
        });
        let header = [
            "incident",
            "severity",
            "service",
            "started",
            "detect",
            "acknowledge",
            "mitigate",
            "resolve",
        ];
        table(out, header, 4, rows);
    }
}

fn volume(out: &mut String, report: &Report) {
    let v = &report.volume;
    let unit = match v.bucket {
        crate::volume::Bucket::Day => "day",
        crate::volume::Bucket::Week => "week from",
    };
    let header: Vec<String> = v.buckets.iter().map(|b| b[5..].to_string()).collect();
    for (title, rows) in [("severity", &v.by_severity), ("service", &v.by_service)] {
        let _ = writeln!(out, "\n## Incidents by {title}, per {unit}\n");
        if rows.is_empty() {
            let _ = writeln!(out, "No incidents started in the window.");
            continue;
        }
        let _ = writeln!(out, "| {title} | total | {} |", header.join(" | "));
        let _ = writeln!(out, "|---|---:|{}", "---:|".repeat(header.len()));
        for row in rows.iter() {
            let counts: Vec<String> = row.per_bucket.iter().map(usize::to_string).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&row.key),
                row.total,
                counts.join(" | ")
            );
        }
    }
}

fn actions(out: &mut String, report: &Report) {
    let a = &report.actions;
    let _ = writeln!(out, "\n## Action items\n");
    if a.total == 0 {
        let _ = writeln!(out, "No action items are recorded yet.");
        return;
    }
    let statuses: Vec<String> = a
        .by_status
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    let _ = writeln!(
        out,
        "{} in all: {}. Completion (done or verified, dropped items left out): {}; verified: {}. \
         Overdue: {}. Open without a dated deadline (never shown overdue): {}.\n",
        a.total,
        statuses.join(", "),
        percent(a.completion_rate),
        percent(a.verified_rate),
        a.overdue,
        a.open_without_deadline
    );
    let rows = a
        .open_by_age
        .iter()
        .map(|(label, n)| [label.clone(), n.to_string()]);
    table(out, ["open items, age", "count"], 1, rows);
}

fn nudges(out: &mut String, report: &Report) {
    let _ = writeln!(out, "\n## Nudges and how they were answered\n");
    if report.nudges.is_empty() {
        let _ = writeln!(out, "No nudge fired on the window's incidents.");
        return;
    }
    let _ = writeln!(
        out,
        "Counted per incident and pattern; `fired` counts every nudge stored.\n"
    );
    let rows = report.nudges.iter().map(|n| {
        [
            cell(&n.pattern),
            n.fired.to_string(),
            n.incidents.to_string(),
            n.acknowledged.to_string(),
            n.muted.to_string(),
            n.ignored.to_string(),
        ]
    });
    let header = [
        "pattern",
        "fired",
        "incidents",
        "acknowledged",
        "muted",
        "ignored",
    ];
    table(out, header, 1, rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_person_says_them() {
        assert_eq!(duration(45_000), "45s");
        assert_eq!(duration(12 * 60_000), "12m");
        assert_eq!(duration(80 * 60_000), "1h 20m");
        assert_eq!(duration(2 * 3_600_000), "2h");
        assert_eq!(duration(51 * 3_600_000), "2d 3h");
    }
}
