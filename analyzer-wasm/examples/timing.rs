//! Times `analyze()` on a file (default: the golden fixtures joined into one module).
//!
//! Run with: `cargo run --release -p jitlens-analyzer --example timing [FILE.py]`

use std::path::Path;
use std::time::Instant;

fn main() {
    let source = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path).expect("could not read the file"),
        None => {
            let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
            let mut parts: Vec<_> = std::fs::read_dir(folder)
                .expect("fixtures")
                .map(|entry| entry.expect("entry").path())
                .filter(|path| path.extension().is_some_and(|e| e == "py"))
                .collect();
            parts.sort();
            parts
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("fixture"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let runs = 50;
    let start = Instant::now();
    let mut diagnostics = 0;
    for _ in 0..runs {
        diagnostics = jitlens_analyzer::analyze(&source).diagnostics.len();
    }
    let per_run = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    println!(
        "{} lines, {diagnostics} diagnostics: {per_run:.3} ms per analyze()",
        source.lines().count()
    );
}
