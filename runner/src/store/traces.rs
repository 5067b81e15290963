//! Traces in the store: a row per traced run, its functions, the argument sets kept to
//! replay (pickles, as BLOBs), and the newest `jitlens optimize` result of each.

use std::path::Path;

use anyhow::Context;
use jitlens_analyzer::protocol::{
    ObservedSignature, Optimized, Trace, TraceStatus, TraceSummary, TracedFunction,
};
use rusqlite::{params, Connection, OptionalExtension};

use super::{now, parse_status, status_text};
use crate::trace::spool::SpoolTrace;

/// One kept argument set of a traced function.
#[derive(Debug, Clone)]
struct StoredSample {
    /// Its number among the function's samples.
    k: u32,
    /// Which of the function's signatures it has.
    signature: u32,
    /// Which call it was (1: the first).
    call: i64,
    /// False when an argument could not be kept.
    complete: bool,
    /// The arguments left out, with why (JSON object).
    omitted: String,
    /// The pickled `{"args": [...], "kwargs": {...}}`.
    args: Vec<u8>,
}

/// Records that a trace of `command` started.
pub(crate) fn insert_running(
    connection: &Connection,
    id: &str,
    command: &[String],
    root: &str,
    python: &str,
) -> anyhow::Result<()> {
    connection
        .execute(
            "INSERT INTO traces (id, created_at, command, root, python, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                now(),
                serde_json::to_string(command)?,
                root,
                python,
                status_text(TraceStatus::Running)?
            ],
        )
        .context("could not add the trace to the store")?;
    Ok(())
}

/// Stores what the tracer left in `spool` for trace `id`, with how the run ended; one
/// transaction, so a trace is either whole or still `running`.
pub(crate) fn finish(
    connection: &Connection,
    id: &str,
    status: TraceStatus,
    trace: &SpoolTrace,
    spool: &Path,
    root: &Path,
) -> anyhow::Result<()> {
    let transaction = connection.unchecked_transaction()?;
    transaction.execute(
        "UPDATE traces SET status = ?2, wall_s = ?3, traced_s = ?4, exit_code = ?5, error = ?6,
             jit_disabled = ?7, python = CASE WHEN ?8 = '' THEN python ELSE ?8 END
         WHERE id = ?1",
        params![
            id,
            status_text(status)?,
            trace.wall_s,
            trace.traced_s,
            trace.exit_code,
            trace.error,
            serde_json::to_string(&trace.jit_disabled)?,
            trace.python,
        ],
    )?;
    for (idx, function) in (0i64..).zip(&trace.functions) {
        transaction.execute(
            "INSERT INTO trace_functions
                 (trace_id, idx, name, file, line, calls, own_s, cumulative_s, observed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                idx,
                function.name,
                function.file,
                function.line,
                i64::try_from(function.calls).unwrap_or(i64::MAX),
                function.own_s,
                function.cumulative_s,
                serde_json::to_string(&function.signatures)?,
            ],
        )?;
        for (k, sample) in (0i64..).zip(&function.samples) {
            // A sample whose pickle did not make it to disk (killed mid-write) is dropped.
            let Ok(args) = std::fs::read(spool.join(&sample.file)) else {
                continue;
            };
            transaction.execute(
                "INSERT INTO trace_samples
                     (trace_id, function_idx, k, signature, call, complete, omitted, args)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    idx,
                    k,
                    sample.signature,
                    i64::try_from(sample.call).unwrap_or(i64::MAX),
                    sample.complete,
                    serde_json::to_string(&sample.omitted)?,
                    args,
                ],
            )?;
        }
    }
    // What each traced file held, so that `optimize --apply` can refuse one edited since.
    let mut files: Vec<&str> = trace.functions.iter().map(|f| f.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    for file in files {
        if let Ok(bytes) = std::fs::read(root.join(file)) {
            transaction.execute(
                "INSERT INTO trace_files (trace_id, file, digest) VALUES (?1, ?2, ?3)",
                params![id, file, digest(&bytes)],
            )?;
        }
    }
    transaction
        .commit()
        .context("could not store the trace's functions")
}

/// A file's fingerprint: 64-bit FNV-1a of its bytes, in hex (a change check, not security).
pub(crate) fn digest(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The fingerprint `file` had when trace `id` was stored.
pub(crate) fn file_digest(
    connection: &Connection,
    id: &str,
    file: &str,
) -> anyhow::Result<Option<String>> {
    connection
        .query_row(
            "SELECT digest FROM trace_files WHERE trace_id = ?1 AND file = ?2",
            params![id, file],
            |row| row.get(0),
        )
        .optional()
        .context("could not read the trace's files")
}

/// Keeps `result` as its trace's optimize result, replacing an older one.
pub(crate) fn put_optimized(connection: &Connection, result: &Optimized) -> anyhow::Result<()> {
    connection
        .execute(
            "INSERT OR REPLACE INTO trace_optimized (trace_id, created_at, result)
             VALUES (?1, ?2, ?3)",
            params![result.trace, now(), serde_json::to_string(result)?],
        )
        .context("could not store the optimize result")?;
    Ok(())
}

/// The newest optimize result of trace `id`, when optimize ran on it.
pub(crate) fn optimized(connection: &Connection, id: &str) -> anyhow::Result<Option<Optimized>> {
    let text: Option<String> = connection
        .query_row(
            "SELECT result FROM trace_optimized WHERE trace_id = ?1",
            params![id],
            |row| row.get(0),
        )
        .optional()
        .context("could not read the optimize result")?;
    text.map(|text| {
        serde_json::from_str(&text).context("the stored optimize result does not parse")
    })
    .transpose()
}

/// The traces, newest first.
pub(crate) fn list(connection: &Connection, limit: u32) -> anyhow::Result<Vec<TraceSummary>> {
    let mut statement = connection.prepare(
        "SELECT id, command, created_at, status, wall_s,
                (SELECT COUNT(*) FROM trace_functions f WHERE f.trace_id = t.id)
         FROM traces t ORDER BY created_at DESC LIMIT ?1",
    )?;
    let rows = statement.query_map(params![limit], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, f64>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, f64>(4)?,
            row.get::<_, u32>(5)?,
        ))
    })?;
    let mut traces = Vec::new();
    for row in rows {
        let (id, command, created_at, status, wall_s, functions) = row?;
        traces.push(TraceSummary {
            id,
            command: serde_json::from_str(&command)?,
            created_at,
            status: parse_status(&status)?,
            wall_s,
            functions,
        });
    }
    Ok(traces)
}

/// The newest trace's id.
pub(crate) fn latest(connection: &Connection) -> anyhow::Result<Option<String>> {
    connection
        .query_row(
            "SELECT id FROM traces ORDER BY created_at DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()
        .context("could not read the traces")
}

/// A whole trace, its functions by own time (verdicts not filled in: the caller reads the files).
pub(crate) fn get(connection: &Connection, id: &str) -> anyhow::Result<Option<Trace>> {
    type Row = (
        String,
        f64,
        String,
        String,
        f64,
        f64,
        Option<i32>,
        Option<String>,
        String,
    );
    let row: Option<Row> = connection
        .query_row(
            "SELECT command, created_at, root, status, wall_s, traced_s, exit_code, error,
                    jit_disabled
             FROM traces WHERE id = ?1",
            params![id],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                    row.get(8)?,
                ))
            },
        )
        .optional()
        .context("could not read the trace")?;
    let Some((command, created_at, root, status, wall_s, traced_s, exit_code, error, jits)) = row
    else {
        return Ok(None);
    };
    let mut statement = connection.prepare(
        "SELECT f.name, f.file, f.line, f.calls, f.own_s, f.cumulative_s, f.observed,
                (SELECT COUNT(*) FROM trace_samples s
                 WHERE s.trace_id = f.trace_id AND s.function_idx = f.idx)
         FROM trace_functions f WHERE f.trace_id = ?1 ORDER BY f.own_s DESC, f.idx",
    )?;
    let rows = statement.query_map(params![id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, u32>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, f64>(4)?,
            row.get::<_, f64>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, u32>(7)?,
        ))
    })?;
    let mut functions = Vec::new();
    for row in rows {
        let (name, file, line, calls, own_s, cumulative_s, observed, samples) = row?;
        let observed: Vec<ObservedSignature> = serde_json::from_str(&observed)?;
        functions.push(TracedFunction {
            name,
            file,
            line,
            calls: u64::try_from(calls).unwrap_or_default(),
            own_s,
            cumulative_s,
            share: if traced_s > 0.0 {
                own_s / traced_s
            } else {
                0.0
            },
            signatures: u32::try_from(observed.len()).unwrap_or(u32::MAX),
            samples,
            verdict: None,
            observed,
        });
    }
    Ok(Some(Trace {
        id: id.to_owned(),
        command: serde_json::from_str(&command)?,
        root,
        created_at,
        status: parse_status(&status)?,
        wall_s,
        traced_s,
        exit_code,
        error,
        jit_disabled: serde_json::from_str(&jits)?,
        functions,
    }))
}

/// The interpreter a trace ran in.
pub(crate) fn python(connection: &Connection, id: &str) -> anyhow::Result<Option<String>> {
    connection
        .query_row(
            "SELECT python FROM traces WHERE id = ?1",
            params![id],
            |row| row.get(0),
        )
        .optional()
        .context("could not read the trace")
}

/// The kept argument sets of the function `name` (qualified) in trace `id`, in capture order.
fn samples(connection: &Connection, id: &str, name: &str) -> anyhow::Result<Vec<StoredSample>> {
    let mut statement = connection.prepare(
        "SELECT s.k, s.signature, s.call, s.complete, s.omitted, s.args
         FROM trace_samples s JOIN trace_functions f
              ON f.trace_id = s.trace_id AND f.idx = s.function_idx
         WHERE s.trace_id = ?1 AND f.name = ?2 ORDER BY s.call, s.k",
    )?;
    let rows = statement.query_map(params![id, name], |row| {
        Ok(StoredSample {
            k: row.get(0)?,
            signature: row.get(1)?,
            call: row.get(2)?,
            complete: row.get(3)?,
            omitted: row.get(4)?,
            args: row.get(5)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
        .context("could not read the trace's samples")
}

/// The samples file of `name` in trace `id` (`testgen::SAMPLES_MAGIC`, then per argument set a
/// JSON line and its pickle), in capture order, with how many sets it holds; an error naming
/// what is missing when the trace or the function kept none.
pub(crate) fn samples_file(
    connection: &Connection,
    id: &str,
    name: &str,
) -> anyhow::Result<(Vec<u8>, usize)> {
    let samples = samples(connection, id, name)?;
    if samples.is_empty() {
        anyhow::bail!(
            "trace {id} kept no argument sets of `{name}` (`jitlens trace show {id}` lists what it holds)"
        );
    }
    let mut out = Vec::new();
    out.extend_from_slice(jitlens_analyzer::testgen::SAMPLES_MAGIC);
    for sample in &samples {
        let meta = serde_json::json!({
            "k": sample.k,
            "call": sample.call,
            "signature": sample.signature,
            "complete": sample.complete,
            "omitted": serde_json::from_str::<serde_json::Value>(&sample.omitted)?,
            "bytes": sample.args.len(),
        });
        out.extend_from_slice(meta.to_string().as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&sample.args);
    }
    Ok((out, samples.len()))
}
