//! A stored trace as the user reads it: jitlens's verdict beside each function, the ranked
//! table, the JSON.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use jitlens_analyzer::protocol::{ObservedValue, Trace, TraceStatus};
use jitlens_analyzer::{Observations, Report};

/// Fills each function's `verdict` from the analyzer's report on its file as it is now, told
/// what the trace saw each function called with: the best verdict, as `numba high`.
pub(crate) fn add_verdicts(trace: &mut Trace) {
    let root = Path::new(&trace.root);
    let mut observed: HashMap<String, Observations> = HashMap::new();
    for function in &trace.functions {
        observed
            .entry(function.file.clone())
            .or_default()
            .insert(function.name.clone(), function.observed.clone());
    }
    let mut reports: HashMap<String, Option<Report>> = HashMap::new();
    for function in &mut trace.functions {
        let report = reports.entry(function.file.clone()).or_insert_with(|| {
            let source = std::fs::read_to_string(root.join(&function.file)).ok()?;
            let observations = observed.get(&function.file)?;
            Some(jitlens_analyzer::analyze_observed(&source, observations))
        });
        function.verdict = report.as_ref().and_then(|report| {
            let found = report.functions.iter().find(|f| f.name == function.name)?;
            let best = found.verdicts.first()?;
            Some(format!("{} {}", best.framework, best.benefit))
        });
    }
}

/// The ranked table: the functions by own time with their shares, calls, signatures, samples
/// and verdicts, then what the trace holds.
pub(crate) fn table(trace: &Trace) -> String {
    let mut out = String::new();
    let rows: Vec<[String; 8]> = trace
        .functions
        .iter()
        .map(|f| {
            [
                f.name.clone(),
                format!("{}:{}", f.file, f.line),
                f.calls.to_string(),
                percent(f.share),
                percent(if trace.traced_s > 0.0 {
                    f.cumulative_s / trace.traced_s
                } else {
                    0.0
                }),
                f.signatures.to_string(),
                f.samples.to_string(),
                f.verdict.clone().unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    let header = [
        "function",
        "where",
        "calls",
        "own",
        "cumul.",
        "signatures",
        "samples",
        "verdict",
    ];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            // Names and places read left to right; figures line up on the right.
            if (2..=6).contains(&index) {
                let _ = write!(text, "{cell:>width$}  ");
            } else {
                let _ = write!(text, "{cell:<width$}  ");
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(&header.map(str::to_owned));
    for row in &rows {
        line(row);
    }
    let _ = writeln!(
        out,
        "\ntrace {}: {} of {} function(s), {:.3} s wall, {:.3} s in the project's own functions{}",
        trace.id,
        status_words(trace.status),
        trace.functions.len(),
        trace.wall_s,
        trace.traced_s,
        jits_off(&trace.jit_disabled),
    );
    if let Some(error) = &trace.error {
        let _ = writeln!(
            out,
            "the program ended with {error}; what ran before is kept"
        );
    }
    if let Some(varying) = trace.functions.iter().find(|f| f.signatures > 1) {
        let _ = writeln!(
            out,
            "{} was called with {} signatures: {}",
            varying.name,
            varying.signatures,
            varying
                .observed
                .iter()
                .map(|s| s
                    .params
                    .values()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join(", "))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn status_words(status: TraceStatus) -> &'static str {
    match status {
        TraceStatus::Running => "still running or cut short",
        TraceStatus::Complete => "complete",
        TraceStatus::Failed => "the program failed",
        TraceStatus::Killed => "the program was killed",
    }
}

fn jits_off(jits: &[String]) -> String {
    match jits {
        [] => String::new(),
        jits => format!("; JIT off for {}", jits.join(", ")),
    }
}

/// `float64[150, 3] (numpy)`, `int`, `list[3]`.
fn describe(value: &ObservedValue) -> String {
    match (&value.shape, &value.len) {
        (Some(shape), _) => format!(
            "{}[{}]{}",
            value.dtype.as_deref().unwrap_or(&value.type_name),
            shape
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            value
                .library
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default()
        ),
        (None, Some(len)) => format!("{}[{len}]", value.type_name),
        (None, None) => value.type_name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitlens_analyzer::protocol::{ObservedSignature, TracedFunction};

    fn array(shape: &[i64]) -> ObservedValue {
        ObservedValue {
            type_name: "ndarray".to_owned(),
            library: Some("numpy".to_owned()),
            dtype: Some("float64".to_owned()),
            shape: Some(shape.to_vec()),
            ..ObservedValue::default()
        }
    }

    #[test]
    fn the_table_ranks_and_names_the_varying_shapes() {
        let signature = |n| ObservedSignature {
            params: [("X".to_owned(), array(&[n, 3]))].into_iter().collect(),
            calls: 1,
        };
        let trace = Trace {
            id: "abc".to_owned(),
            command: vec!["python".to_owned(), "main.py".to_owned()],
            root: "/nowhere".to_owned(),
            created_at: 0.0,
            status: TraceStatus::Complete,
            wall_s: 1.0,
            traced_s: 0.8,
            exit_code: Some(0),
            error: None,
            jit_disabled: vec!["numba".to_owned()],
            functions: vec![TracedFunction {
                name: "pairwise".to_owned(),
                file: "kernels.py".to_owned(),
                line: 4,
                calls: 2,
                own_s: 0.6,
                cumulative_s: 0.7,
                share: 0.75,
                signatures: 2,
                samples: 2,
                verdict: Some("numba high".to_owned()),
                observed: vec![signature(150), signature(200)],
            }],
        };
        let text = table(&trace);
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("pairwise  kernels.py:4"), "{text}");
        assert!(
            row.contains("75.0%") && row.contains("87.5%") && row.ends_with("numba high"),
            "{text}"
        );
        assert!(text.contains("JIT off for numba"), "{text}");
        assert!(
            text.contains("float64[150, 3] (numpy) | float64[200, 3] (numpy)"),
            "{text}"
        );
    }
}
