//! `optimize --apply`: the verified rewrites written into the user's files, and nothing else; a
//! file edited since the trace is refused.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::store::{traces, Store};

/// One verified rewrite to write: its file, its function and its framework.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    /// The file, relative to the trace's root.
    pub(crate) file: String,
    /// The function.
    pub(crate) function: String,
    /// The kept rewrite's strategy id.
    pub(crate) strategy: String,
}

/// Writes each verified rewrite into its file (functions of one file one after another, each on
/// the result of the one before) and returns the unified diff of every file changed.
pub(crate) fn apply(
    store: &Store,
    trace: &str,
    root: &Path,
    verified: &[Verified],
) -> anyhow::Result<String> {
    let files: Vec<&str> = verified.iter().map(|v| v.file.as_str()).collect();
    // Every file is checked before any is written: all or nothing.
    let sources = check_unchanged(store, trace, root, &files)?;
    let mut diff = String::new();
    for (file, path, source) in sources {
        let mut current = source.clone();
        for rewrite in verified.iter().filter(|v| v.file == *file) {
            current = rewritten(&current, rewrite)?;
        }
        std::fs::write(&path, &current)
            .with_context(|| format!("could not write {}", path.display()))?;
        diff.push_str(&crate::fix_cmd::unified_diff(&source, &current, file));
    }
    Ok(diff)
}

/// The files, each with its path and text, when none changed since trace `trace` was stored;
/// else an error naming the first that did.
pub(crate) fn check_unchanged<'f>(
    store: &Store,
    trace: &str,
    root: &Path,
    files: &[&'f str],
) -> anyhow::Result<Vec<(&'f str, PathBuf, String)>> {
    let mut files = files.to_vec();
    files.sort_unstable();
    files.dedup();
    let mut sources = Vec::new();
    for file in files {
        let path = root.join(file);
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let then = store.run_here(|connection| traces::file_digest(connection, trace, file))?;
        if then.as_deref() != Some(traces::digest(source.as_bytes()).as_str()) {
            bail!(
                "{file} changed since trace {trace}: nothing was written. Trace the program \
                 again (`jitlens trace -- ...`) and optimize that trace."
            )
        }
        sources.push((file, path, source));
    }
    Ok(sources)
}

/// `source` with the rewrite `verified.strategy` of `verified.function`, made on the text as it
/// is now (an earlier rewrite of the same file may have moved it).
fn rewritten(source: &str, verified: &Verified) -> anyhow::Result<String> {
    let report = jitlens_analyzer::analyze(source);
    let function = report
        .functions
        .iter()
        .find(|f| f.name == verified.function)
        .with_context(|| format!("`{}` is gone from its file", verified.function))?;
    let strategy = function
        .strategies
        .iter()
        .find(|s| s.id == verified.strategy)
        .with_context(|| {
            format!(
                "the rewrite {} of `{}` is no longer on offer after the other rewrites",
                verified.strategy, verified.function
            )
        })?;
    Ok(strategy.source.clone())
}
