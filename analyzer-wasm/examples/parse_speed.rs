//! Times the two lexers and the parse with each over every `.py` file under a folder, on one
//! thread: rustpython-parser's own lexer against jitlens' (`jitlens_analyzer::lexer`), then
//! `Suite::parse` against `Suite::parse_tokens` fed by jitlens' lexer, then the whole analysis.
//!
//! Run with: `cargo run --release -p jitlens-analyzer --example parse_speed -- FOLDER`
//! (for example the installed torch package). Each step runs three times; the best is printed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rustpython_parser::{ast, Mode, Parse};

fn main() {
    let Some(folder) = std::env::args().nth(1) else {
        eprintln!("usage: parse_speed FOLDER");
        std::process::exit(2);
    };
    let mut paths = Vec::new();
    python_files(&mut paths, Path::new(&folder));
    let sources: Vec<String> = paths
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect();
    let n_bytes: usize = sources.iter().map(String::len).sum();
    println!(
        "{} files, {:.1} MB, one thread, best of 3",
        sources.len(),
        n_bytes as f64 / 1e6
    );
    let upstream_lex = best_of_3(|| {
        sources
            .iter()
            .map(|source| rustpython_parser::lexer::lex(source, Mode::Module).count())
            .sum()
    });
    let our_lex = best_of_3(|| {
        sources
            .iter()
            .map(|source| jitlens_analyzer::lexer::tokens(source).count())
            .sum()
    });
    let upstream_parse = best_of_3(|| {
        sources
            .iter()
            .map(|source| usize::from(ast::Suite::parse(source, "<input>").is_ok()))
            .sum()
    });
    let our_parse = best_of_3(|| {
        sources
            .iter()
            .map(|source| {
                let tokens = jitlens_analyzer::lexer::tokens(source);
                usize::from(ast::Suite::parse_tokens(tokens, "<input>").is_ok())
            })
            .sum()
    });
    let analysis = best_of_3(|| {
        sources
            .iter()
            .map(|source| {
                jitlens_analyzer::analyze_without_strategies(source)
                    .diagnostics
                    .len()
            })
            .sum()
    });
    let seconds = |duration: Duration| duration.as_secs_f64();
    println!("lex, rustpython-parser   {:8.3} s", seconds(upstream_lex));
    println!(
        "lex, jitlens             {:8.3} s  ({:.1}x faster)",
        seconds(our_lex),
        seconds(upstream_lex) / seconds(our_lex)
    );
    println!("parse, rustpython lexer  {:8.3} s", seconds(upstream_parse));
    println!(
        "parse, jitlens lexer     {:8.3} s  ({:.2}x faster)",
        seconds(our_parse),
        seconds(upstream_parse) / seconds(our_parse)
    );
    println!(
        "analyze_without_strategies {:6.3} s  (parse is {:.0}% of it)",
        seconds(analysis),
        100.0 * seconds(our_parse) / seconds(analysis)
    );
}

/// The shortest of three runs of `step` (which returns a count, printed so the work is kept).
fn best_of_3(step: impl Fn() -> usize) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(step());
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn python_files(acc: &mut Vec<PathBuf>, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(acc, &path);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            acc.push(path);
        }
    }
}
