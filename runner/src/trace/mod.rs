//! `jitlens trace`: run the user's own program with every JIT off, record where the time goes in
//! the project's functions and the real arguments they are called with, and keep them in the
//! store; `trace list` and `trace show ID` read them back.
//!
//! The steps, each in its own module: the command split where the tracer goes ([`command`]); the
//! run under `runner/python/jl_trace.py` and the import of what it spooled ([`record`],
//! [`spool`]); the table and the verdicts beside it ([`report`]). The store's side is
//! `store::traces`.

mod command;
mod record;
mod report;
pub(crate) mod spool;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use jitlens_analyzer::protocol::Trace;

use crate::store::{traces, Store};

pub(crate) use report::add_verdicts;

/// The arguments of `jitlens trace`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct TraceArgs {
    /// List or show stored traces instead of tracing.
    #[command(subcommand)]
    action: Option<TraceAction>,
    /// Argument sets kept per function to replay: the first call and each new signature
    /// first.
    #[arg(long, default_value_t = 8, value_name = "N")]
    samples: u32,
    /// The largest pickle of one argument set kept, in MB; larger ones are left out and named.
    #[arg(long, default_value_t = 16, value_name = "MB")]
    max_sample_mb: u32,
    /// The project: only functions in files under it are recorded (default: the current folder).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Where traces are kept (shared with `jitlens serve` and `bench`).
    #[arg(long, env = "JITLENS_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print the trace as JSON after the program's own output (the last JSON object on stdout).
    #[arg(long)]
    json: bool,
    /// The program, interpreter first: `-- python script.py ARGS`, `-- python -m pytest tests/`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// `trace list` and `trace show`.
#[derive(Debug, Subcommand)]
enum TraceAction {
    /// The stored traces, newest first.
    List {
        /// Where traces are kept.
        #[arg(long, env = "JITLENS_DATA_DIR")]
        data_dir: Option<PathBuf>,
    },
    /// One trace: its functions by own time, with their signatures and jitlens's verdicts.
    Show {
        /// The trace's id (`latest` for the newest).
        id: String,
        /// Where traces are kept.
        #[arg(long, env = "JITLENS_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `jitlens trace`; the exit code is the traced program's (128 + N for signal N).
pub(crate) fn run(args: &TraceArgs) -> anyhow::Result<ExitCode> {
    match &args.action {
        Some(TraceAction::List { data_dir }) => {
            let store = open_store(data_dir.as_ref())?;
            print!("{}", list_text(&store)?);
            Ok(ExitCode::SUCCESS)
        }
        Some(TraceAction::Show { id, data_dir, json }) => {
            let store = open_store(data_dir.as_ref())?;
            let trace = load(&store, id)?;
            print_trace(&trace, *json)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let command = command::parse(&args.command)?;
            let cwd = std::env::current_dir().context("could not read the current folder")?;
            let root = args.root.clone().unwrap_or(cwd);
            let root = root
                .canonicalize()
                .with_context(|| format!("no project folder {}", root.display()))?;
            let data_dir = data_dir_of(args.data_dir.as_ref());
            let store = Store::open(&data_dir)?;
            let limits = record::Limits {
                samples: args.samples,
                max_sample_mb: args.max_sample_mb,
            };
            let recorded =
                record::record(&command, &args.command, &root, limits, &store, &data_dir)?;
            let trace = load(&store, &recorded.id)?;
            eprintln!(
                "jitlens trace: stored as {} (`jitlens trace show {}`)",
                recorded.id, recorded.id
            );
            print_trace(&trace, args.json)?;
            let code = u8::try_from(recorded.exit_code).unwrap_or(1);
            Ok(ExitCode::from(code))
        }
    }
}

fn data_dir_of(data_dir: Option<&PathBuf>) -> PathBuf {
    data_dir
        .cloned()
        .unwrap_or_else(crate::server::default_data_dir)
}

fn open_store(data_dir: Option<&PathBuf>) -> anyhow::Result<Store> {
    Store::open(&data_dir_of(data_dir))
}

/// The trace `id` (or the newest for `latest`) with its verdicts.
pub(crate) fn load(store: &Store, id: &str) -> anyhow::Result<Trace> {
    let id = match id {
        "latest" => match store.run_here(traces::latest)? {
            Some(id) => id,
            None => bail!("no traces yet: run `jitlens trace -- python your_program.py`"),
        },
        id => id.to_owned(),
    };
    let Some(mut trace) = store.run_here(|connection| traces::get(connection, &id))? else {
        bail!("no trace {id}: `jitlens trace list` shows the stored ones")
    };
    add_verdicts(&mut trace);
    Ok(trace)
}

fn print_trace(trace: &Trace, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(trace)?);
    } else {
        print!("{}", report::table(trace));
    }
    Ok(())
}

fn list_text(store: &Store) -> anyhow::Result<String> {
    let traces = store.run_here(|connection| traces::list(connection, 100))?;
    if traces.is_empty() {
        return Ok("no traces yet: run `jitlens trace -- python your_program.py`\n".to_owned());
    }
    let mut out = String::new();
    for trace in traces {
        out.push_str(&format!(
            "{}  {:>8.3} s  {:>4} function(s)  {:<8}  {}\n",
            trace.id,
            trace.wall_s,
            trace.functions,
            serde_json::to_value(trace.status)?
                .as_str()
                .unwrap_or_default(),
            trace.command.join(" ")
        ));
    }
    Ok(out)
}
