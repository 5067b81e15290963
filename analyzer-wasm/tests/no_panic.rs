//! `analyze()` never panics: it runs over truncated and mutated copies of the real fixture
//! files (a small deterministic mutation loop), over pathological nesting, and refuses a 10 MB
//! input quickly with a clear "too large".

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use jitlens_analyzer::analyze;

/// A small deterministic generator (xorshift64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ":",
    "\n",
    "\n    ",
    "\n        ",
    "x[i - 1]",
    "@njit(parallel=True)\n",
    "for i in prange(n):\n",
    "if x.sum() > 0:\n",
    "'",
    "\"\"\"",
    "**",
    "lambda: ",
    "yield ",
    ".item()",
    "global g\n",
    "def f(*a, **k):\n",
    "class C:\n",
    "é𝄞",
    "\t",
    " = ",
    " += ",
    "@",
    "np.",
    "torch.",
    "jnp.",
    "tf.",
    "x[x > 0]",
    "with open(p) as f:\n",
    "except ValueError as e:\n",
    "f\"{x:.2f}\"",
];

fn fixtures() -> Vec<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut sources: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "py"))
        .map(|path| fs::read_to_string(path).unwrap())
        .collect();
    sources.sort();
    sources
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn truncated_fixtures_never_panic() {
    for source in fixtures() {
        let step = (source.len() / 97).max(1);
        for cut in (0..source.len()).step_by(step) {
            let _ = analyze(&source[..floor_boundary(&source, cut)]);
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    for source in fixtures() {
        for _ in 0..150 {
            let mut text = source.clone();
            for _ in 0..1 + rng.below(4) {
                let at = floor_boundary(&text, rng.below(text.len() + 1));
                match rng.below(3) {
                    0 => text.insert_str(at, SNIPPETS[rng.below(SNIPPETS.len())]),
                    1 => {
                        let end = floor_boundary(&text, at + rng.below(40));
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let end = floor_boundary(&text, at + rng.below(80));
                        let copy = text[at..end].to_owned();
                        text.insert_str(end, &copy);
                    }
                }
            }
            let _ = analyze(&text);
        }
    }
}

#[test]
fn pathological_nesting_is_refused_or_analyzed_never_a_crash() {
    let too_deep = [
        format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000)),
        format!(
            "import numpy as np\ndef f(x):\n    return x{}\n",
            " + x".repeat(20_000)
        ),
        (0..300)
            .map(|depth| format!("{}if x:\n", "    ".repeat(depth)))
            .collect::<String>()
            + &"    ".repeat(300)
            + "pass\n",
    ];
    for source in &too_deep {
        let report = analyze(source);
        assert!(
            report.parse_errors[0].message.contains("to analyze"),
            "{:?}",
            report.parse_errors
        );
    }
    // Just inside the limits, the analysis runs to the end.
    let at_limits = [
        format!(
            "import torch\ndef f(x):\n    return {}x{}\n",
            "torch.sin(".repeat(49),
            ")".repeat(49)
        ),
        format!(
            "import numpy as np\ndef f(x):\n    return x{}\n",
            " + x".repeat(999)
        ),
        "def f(x):\n".to_owned()
            + &(1..99)
                .map(|depth| format!("{}if x:\n", "    ".repeat(depth)))
                .collect::<String>()
            + &"    ".repeat(99)
            + "pass\n",
    ];
    for source in &at_limits {
        let report = analyze(source);
        assert!(report.parse_errors.is_empty(), "{:?}", report.parse_errors);
        assert_eq!(report.functions.len(), 1);
    }
}

#[test]
fn ten_megabytes_end_quickly_with_too_large() {
    let source = "x = 1\n".repeat(10 * 1024 * 1024 / 6);
    let start = Instant::now();
    let report = analyze(&source);
    assert!(report.parse_errors[0].message.contains("too large"));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
}
