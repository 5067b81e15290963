//! Every rule in the code table has a ground-truth probe: a `def test_<CODE>` in one of the
//! pytest modules under `python/probes/`, which run the rule's trigger under the real framework.

use std::fs;
use std::path::Path;

#[test]
fn every_rule_has_a_probe() {
    let probes = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/probes");
    let mut text = String::new();
    for entry in fs::read_dir(&probes).expect("python/probes is missing") {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("test_"))
        {
            text.push_str(&fs::read_to_string(&path).unwrap());
        }
    }
    let missing: Vec<&str> = jitlens_analyzer::rules::all()
        .iter()
        .map(|rule| rule.code)
        .filter(|code| !text.contains(&format!("def test_{code}(")))
        .collect();
    assert!(missing.is_empty(), "rules without a probe: {missing:?}");
}
