//! `jitlens replay TRACE FUNCTION`: a pytest module that checks a rewrite of a traced function
//! against the original on every argument set the trace captured, and the samples file it reads.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use jitlens_analyzer::testgen::{self, ReplayCase};

use crate::store::traces;
use crate::store::Store;

/// The arguments of `jitlens replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The trace's id (`latest` for the newest).
    trace: String,
    /// The function, by its qualified name in the trace.
    function: String,
    /// Where to write the module (default: `test_replay_FUNCTION.py` here); the samples file
    /// goes beside it.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Whose rewrite: numba, torch, jax, tensorflow, or auto (the one `jitlens fix` picks).
    #[arg(long, value_parser = ["numba", "torch", "jax", "tensorflow", "auto"], default_value = "auto")]
    framework: String,
    /// Check this module's version of the function instead of jitlens's rewrite.
    #[arg(long, conflicts_with = "framework")]
    candidate: Option<PathBuf>,
    /// Where traces are kept.
    #[arg(long, env = "JITLENS_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

/// Writes the module and its samples; `Ok(true)` when both were written.
pub(crate) fn run(args: &ReplayArgs) -> anyhow::Result<bool> {
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(crate::server::default_data_dir);
    let store = Store::open(&data_dir)?;
    let trace = crate::trace::load(&store, &args.trace)?;
    let Some(traced) = trace.functions.iter().find(|f| f.name == args.function) else {
        bail!(
            "trace {} has no function `{}`: `jitlens trace show {}` lists what it holds",
            trace.id,
            args.function,
            trace.id
        )
    };
    let file = Path::new(&trace.root).join(&traced.file);
    let original = std::fs::read_to_string(&file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let (rewrite, label, framework) = rewrite_of(args, &original)?;
    let module_path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("test_replay_{}.py", traced.name)));
    let rewrite = Rewrite {
        original: &original,
        source: &rewrite,
        label: &label,
        framework: &framework,
    };
    let count = write(&store, &trace.id, &traced.name, &rewrite, &module_path)?;
    eprintln!(
        "wrote {} and its samples ({count} argument set(s)): run it with `python -m pytest {}`",
        module_path.display(),
        module_path.display()
    );
    Ok(true)
}

/// A rewrite to check: the module before and after, what it is, its framework.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rewrite<'a> {
    /// The user's module as it is now.
    pub(crate) original: &'a str,
    /// The module with the rewrite.
    pub(crate) source: &'a str,
    /// What the rewrite is, for the module's docstring.
    pub(crate) label: &'a str,
    /// Its framework.
    pub(crate) framework: &'a str,
}

/// Writes the replay module of `function` (module level) at `module_path` and its samples file
/// beside it (`.samples`); returns how many argument sets it holds.
pub(crate) fn write(
    store: &Store,
    trace: &str,
    function: &str,
    rewrite: &Rewrite<'_>,
    module_path: &Path,
) -> anyhow::Result<usize> {
    if function.contains('.') {
        bail!(
            "`{function}` is a method or a nested function: replay modules are written for \
             module-level functions only"
        )
    }
    let (samples, count) =
        store.run_here(|connection| traces::samples_file(connection, trace, function))?;
    let samples_path = module_path.with_extension("samples");
    let file_name = |path: &Path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .map(str::to_owned)
            .with_context(|| format!("{} has no usable file name", path.display()))
    };
    let module = testgen::replay_module(&ReplayCase {
        original: rewrite.original,
        rewrite: rewrite.source,
        rewrite_label: rewrite.label,
        framework: rewrite.framework,
        function,
        trace,
        samples_file: &file_name(&samples_path)?,
        module_file: &file_name(module_path)?,
    });
    std::fs::write(&samples_path, samples)
        .with_context(|| format!("could not write {}", samples_path.display()))?;
    std::fs::write(module_path, module)
        .with_context(|| format!("could not write {}", module_path.display()))?;
    Ok(count)
}

/// The rewritten module, what it is, and its framework: the user's candidate, or the rewrite
/// `jitlens fix` would pick.
fn rewrite_of(args: &ReplayArgs, original: &str) -> anyhow::Result<(String, String, String)> {
    if let Some(candidate) = &args.candidate {
        let source = std::fs::read_to_string(candidate)
            .with_context(|| format!("could not read {}", candidate.display()))?;
        return Ok((
            source,
            format!("your candidate {}", candidate.display()),
            "candidate".to_owned(),
        ));
    }
    let report = jitlens_analyzer::analyze(original);
    let Some(function) = report.functions.iter().find(|f| f.name == args.function) else {
        bail!("`{}` is no longer in its file", args.function)
    };
    match testgen::pick(function, Some(&args.framework)) {
        Some(strategy) => Ok((
            strategy.source.clone(),
            format!(
                "{} ({}: {})",
                strategy.id, strategy.applicability, strategy.title
            ),
            strategy.framework.clone(),
        )),
        None => {
            let why = function
                .verdicts
                .iter()
                .find_map(|v| v.no_rewrite.as_deref())
                .unwrap_or("jitlens offers no rewrite of it");
            bail!(
                "no rewrite of `{}` to replay: {why} (give one with --candidate)",
                args.function
            )
        }
    }
}
