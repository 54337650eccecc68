//! Wide CSV tables: `timestamp,name1,name2,...`, one row per sample time, one column per
//! metric (the layout of `metrics/multivariate/` and of most exporters' "all series" dumps).
//! Timestamps are read as [`series::parse_timestamp`] reads them; an empty cell is `NaN`.
//!
//! ```
//! use rhyme_core::table::parse;
//! let t = parse("timestamp,cpu,mem\n2020-01-01T00:00:00Z,0.5,0.1\n2020-01-01T00:01:00Z,,0.2\n", "x.csv".as_ref()).unwrap();
//! assert_eq!(t.names, ["cpu", "mem"]);
//! assert_eq!(t.t[1], 1_577_836_860.0);
//! assert!(t.columns[0][1].is_nan());
//! ```

use std::path::Path;

use crate::lines::{LineError, read_text};
use crate::series::parse_timestamp;

/// A table read column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The column names of the header, without `timestamp`.
    pub names: Vec<String>,
    /// The rows' times, Unix seconds.
    pub t: Vec<f64>,
    /// One vector per name, one value per row.
    pub columns: Vec<Vec<f64>>,
}

/// Why a table could not be read; names the file and the line.
pub type TableError = LineError;

/// Reads a table file.
pub fn read(path: &Path) -> Result<Table, TableError> {
    parse(&read_text(path)?, path)
}

/// Parses a table; the first line is the header, its first field the time column.
pub fn parse(text: &str, path: &Path) -> Result<Table, TableError> {
    let fail = |line: usize, reason: String| LineError::at(path, line, reason);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| fail(1, "empty file: no header".into()))?;
    let names: Vec<String> = header
        .split(',')
        .skip(1)
        .map(|n| n.trim().to_string())
        .collect();
    if names.is_empty() {
        return Err(fail(1, "the header names no column after the time".into()));
    }
    let mut table = Table {
        columns: vec![Vec::new(); names.len()],
        names,
        t: Vec::new(),
    };
    for (index, row) in lines {
        let mut fields = row.split(',');
        let stamp = fields.next().unwrap_or_default();
        let t = parse_timestamp(stamp)
            .ok_or_else(|| fail(index + 1, format!("`{stamp}` is not a timestamp")))?;
        let mut count = 0;
        for (column, cell) in table.columns.iter_mut().zip(fields.by_ref()) {
            let cell = cell.trim();
            let v = if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse::<f64>()
                    .map_err(|_| fail(index + 1, format!("`{cell}` is not a number")))?
            };
            column.push(v);
            count += 1;
        }
        if count != table.names.len() || fields.next().is_some() {
            return Err(fail(
                index + 1,
                format!("expected {} values after the time", table.names.len()),
            ));
        }
        table.t.push(t);
    }
    Ok(table)
}
