//! Every rewrite offered for a large real corpus (Numba's own Python sources and a sample of
//! torch's, `torch/distributions`) parses with
//! rustpython-parser and with CPython's `ast`, and its re-analysis shows no error of its
//! framework in the function it compiles.

use std::path::PathBuf;
use std::process::Command;

mod common;

use common::{python, python_files};
use jitlens_analyzer::report::Severity;
use jitlens_analyzer::{analyze, analyze_without_strategies};
use rustpython_parser::{ast, Parse};

fn family(framework: &str) -> &'static str {
    match framework {
        "numba" => "NB",
        "torch" => "PT",
        "jax" => "JX",
        _ => "TF",
    }
}

#[test]
fn rewrites_of_numba_sources_parse_in_both_parsers_and_carry_no_blocking_diagnostic() {
    let output = Command::new(python())
        .args([
            "-c",
            "import numba, torch, os; print(os.path.dirname(numba.__file__)); print(os.path.dirname(torch.__file__))",
        ])
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut roots = stdout.lines().map(PathBuf::from);
    let (numba, torch) = (roots.next().unwrap(), roots.next().unwrap());
    let mut files = Vec::new();
    python_files(&mut files, &numba);
    assert!(
        files.len() > 300,
        "{} files under {}",
        files.len(),
        numba.display()
    );
    python_files(&mut files, &torch.join("distributions"));

    let out_dir =
        std::env::temp_dir().join(format!("jitlens-corpus-rewrites-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    // Files are spread over threads; each returns its rewrites' sources and slugs.
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let chunks: Vec<Vec<PathBuf>> = (0..threads)
        .map(|t| files.iter().skip(t).step_by(threads).cloned().collect())
        .collect();
    let results: Vec<Vec<(String, String)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| scope.spawn(|| check_files(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic in a checker thread"))
            .collect()
    });
    let mut count = 0;
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for (slug, source) in results.into_iter().flatten() {
        std::fs::write(out_dir.join(format!("{count}.py")), source).unwrap();
        *kinds.entry(slug).or_default() += 1;
        count += 1;
    }
    assert!(
        count >= 30,
        "only {count} rewrites over {} files: {kinds:?}",
        files.len()
    );

    // CPython's own parser, once for every rewrite.
    let check = "import ast, os, sys\nd = sys.argv[1]\nbad = []\nfor name in sorted(os.listdir(d)):\n    try:\n        ast.parse(open(os.path.join(d, name), encoding='utf-8').read())\n    except SyntaxError as e:\n        bad.append(f'{name}: {e}')\nprint(len(os.listdir(d)), 'checked')\nprint('\\n'.join(bad))\nsys.exit(1 if bad else 0)\n";
    let output = Command::new(python())
        .args(["-c", check])
        .arg(&out_dir)
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "CPython rejects rewrites: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.starts_with(&format!("{count} checked")), "{text}");
    let _ = std::fs::remove_dir_all(&out_dir);
    eprintln!("{count} rewrites checked: {kinds:?}");
}

/// Checks every rewrite of `files` in Rust; returns `(slug, rewritten source)` for each.
fn check_files(files: &[PathBuf]) -> Vec<(String, String)> {
    let mut rewrites = Vec::new();
    for file in files {
        let Ok(source) = std::fs::read_to_string(file) else {
            continue;
        };
        let report = analyze(&source);
        for strategy in report.functions.iter().flat_map(|f| &f.strategies) {
            let where_ = format!("{} {}", file.display(), strategy.id);
            assert!(
                ast::Suite::parse(&strategy.source, "<rewrite>").is_ok(),
                "does not parse: {where_}"
            );
            let (function, slug) = strategy.id.split_once(':').unwrap();
            let checked = if slug == "numba-split" {
                format!("_{function}_kernel")
            } else {
                function.to_owned()
            };
            let again = analyze_without_strategies(&strategy.source);
            let blocking: Vec<_> = again
                .diagnostics
                .iter()
                .filter(|d| d.code.starts_with(family(&strategy.framework)))
                // Errors, and 0xx rules reported as warnings on functions not yet compiled.
                .filter(|d| d.severity == Severity::Error || d.code[2..].starts_with('0'))
                .filter(|d| d.function.as_deref() == Some(checked.as_str()))
                .map(|d| &d.code)
                .collect();
            assert!(blocking.is_empty(), "{where_}: {blocking:?}");
            rewrites.push((slug.to_owned(), strategy.source.clone()));
        }
    }
    rewrites
}
