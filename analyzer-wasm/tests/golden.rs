//! Golden fixtures: every Python file under `tests/fixtures/` marks the diagnostics it must
//! produce, ruff style, as a trailing comment on the line where each starts: `# PT001` or
//! `# PT006, PT301`; `# OK` marks a line that must stay clean. Unmarked lines must stay clean
//! too. One test runs the whole folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use jitlens_analyzer::analyze;

/// The codes a marker comment lists, if the comment is a marker.
fn marker(line: &str) -> Option<Vec<String>> {
    let comment = line.rsplit_once("# ")?.1.trim();
    if comment == "OK" {
        return Some(Vec::new());
    }
    let codes: Vec<String> = comment.split(',').map(|c| c.trim().to_owned()).collect();
    let is_code = |c: &String| {
        let letters = c.chars().take_while(char::is_ascii_uppercase).count();
        (2..=3).contains(&letters)
            && c.len() == letters + 3
            && c[letters..].chars().all(|d| d.is_ascii_digit())
    };
    codes.iter().all(is_code).then_some(codes)
}

#[test]
fn fixtures_produce_exactly_their_marked_diagnostics() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    let mut files = 0;
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "py") {
            continue;
        }
        files += 1;
        let source = fs::read_to_string(&path).unwrap();
        let report = analyze(&source);
        assert!(
            report.parse_errors.is_empty(),
            "{}: {:?}",
            path.display(),
            report.parse_errors
        );
        let mut expected: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (number, line) in source.lines().enumerate() {
            if let Some(codes) = marker(line) {
                expected.insert(number + 1, codes);
            }
        }
        let mut actual: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for diagnostic in &report.diagnostics {
            actual
                .entry(diagnostic.range.start.line)
                .or_default()
                .push(diagnostic.code.clone());
        }
        let lines: std::collections::BTreeSet<usize> =
            expected.keys().chain(actual.keys()).copied().collect();
        for line in lines {
            let mut want = expected.get(&line).cloned().unwrap_or_default();
            let mut got = actual.get(&line).cloned().unwrap_or_default();
            want.sort();
            got.sort();
            got.dedup();
            if want != got {
                let messages: Vec<String> = report
                    .diagnostics
                    .iter()
                    .filter(|d| d.range.start.line == line)
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect();
                failures.push(format!(
                    "{}:{line}: expected {want:?}, got {got:?} {messages:?}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(files >= 5, "fixtures missing");
}
