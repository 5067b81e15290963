//! The strategies offered for the fixtures: what each rewrite is, and that it re-parses.

use jitlens_analyzer::report::{FunctionReport, Strategy};
use jitlens_analyzer::{analyze, testgen};
use rustpython_parser::{ast, Parse};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/rewrites/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn function<'r>(report: &'r jitlens_analyzer::Report, name: &str) -> &'r FunctionReport {
    report
        .functions
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

fn strategy<'r>(function: &'r FunctionReport, slug: &str) -> &'r Strategy {
    let id = format!("{}:{slug}", function.name);
    function
        .strategies
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| {
            panic!(
                "no strategy {id}; have {:?}",
                function
                    .strategies
                    .iter()
                    .map(|s| &s.id)
                    .collect::<Vec<_>>()
            )
        })
}

/// The body of `name` in `source` (from its `def` line to the next top-level statement).
fn body_of<'s>(source: &'s str, name: &str) -> &'s str {
    let start = source.find(&format!("def {name}(")).unwrap();
    let rest = &source[start..];
    let end = rest[1..].find("\ndef ").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn adaptive_processing_goes_branchless_without_item() {
    let source = fixture("brief_torch.py");
    let report = analyze(&source);
    let strategy = strategy(function(&report, "adaptive_processing"), "torch-branchless");
    assert_eq!(strategy.applicability, "review");
    assert!(
        strategy.title.contains("shapes must match"),
        "{}",
        strategy.title
    );
    assert!(
        strategy
            .notes
            .iter()
            .any(|n| n.contains("holds for square x")),
        "{:?}",
        strategy.notes
    );
    let body = body_of(&strategy.source, "adaptive_processing");
    let code: Vec<&str> = body
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .collect();
    assert!(code.iter().all(|line| !line.contains(".item()")), "{body}");
    assert!(!body.contains("    if "), "{body}");
    assert!(
        body.contains("num_large = mask.sum()  # .item() causes graph break"),
        "{body}"
    );
    assert!(
        body.contains("result = torch.where(take_then, result_then, result_else)"),
        "{body}"
    );
    // Minimal edits: the `.item()` removal and the branch, nothing else; comments survive.
    assert_eq!(strategy.edits.len(), 2);
    assert!(body.contains("# Path 2: Few large values - use cheap operation"));
    assert!(strategy
        .source
        .contains("print(adaptive_processing(x).shape)"));
}

#[test]
fn a_loop_counting_with_item_becomes_one_reduction() {
    let source = fixture("brief_torch.py");
    let report = analyze(&source);
    let strategy = strategy(function(&report, "count_large"), "torch-vectorize-count");
    assert_eq!(strategy.applicability, "review");
    let body = body_of(&strategy.source, "count_large");
    assert_eq!(body, "def count_large(x: torch.Tensor, threshold=0.5):\n    count = 0\n    count += 1 * int((x > threshold).sum())\n    return count\n");
}

#[test]
fn complex_activation_gets_torch_compile_as_a_safe_decorator() {
    let source = fixture("brief_torch.py");
    let report = analyze(&source);
    let strategy = strategy(function(&report, "complex_activation"), "torch-compile");
    assert_eq!(strategy.applicability, "safe");
    assert_eq!(strategy.edits.len(), 1);
    assert_eq!(strategy.edits[0].replacement, "@torch.compile\n");
    assert_eq!(strategy.edits[0].range.start.line, 5);
    assert!(strategy
        .source
        .contains("@torch.compile\ndef complex_activation(x):"));
}

#[test]
fn numba_loops_get_njit_and_prange_only_where_independent() {
    let source = fixture("numba_loops.py");
    let report = analyze(&source);
    let pairwise = function(&report, "pairwise_distance");
    let plain = strategy(pairwise, "numba-njit");
    assert_eq!(plain.applicability, "safe");
    assert!(plain.source.contains("import numpy as np\nimport numba\n"));
    assert!(plain
        .source
        .contains("@numba.njit(cache=True)\ndef pairwise_distance(X):"));
    let fast = strategy(pairwise, "numba-njit-parallel");
    assert_eq!(fast.applicability, "review");
    assert!(fast
        .source
        .contains("@numba.njit(cache=True, parallel=True, fastmath=True)"));
    assert!(fast
        .source
        .contains("for i in numba.prange(n):\n        for j in range(n):"));
    // NaN is tested: parallel, but no fastmath.
    let nan = strategy(function(&report, "nan_aware_sum"), "numba-njit-parallel");
    assert!(
        nan.source
            .contains("@numba.njit(cache=True, parallel=True)\n"),
        "{}",
        nan.source
    );
    // A prefix sum carries a dependency: no prange.
    let prefix = strategy(function(&report, "prefix_sum"), "numba-njit-parallel");
    assert!(!prefix.source.contains("prange"));
}

#[test]
fn imports_follow_the_file_alias_style() {
    let source = "import numpy as np\nimport numba as nb\n\ndef f(a):\n    s = 0.0\n    for i in range(a.shape[0]):\n        s += np.sqrt(a[i])\n    return s\n";
    let report = analyze(source);
    assert!(strategy(function(&report, "f"), "numba-njit")
        .source
        .contains("import numba as nb\n\n@nb.njit(cache=True)\ndef f(a):"));
    let fast = strategy(function(&report, "f"), "numba-njit-parallel");
    assert!(fast.source.contains("for i in nb.prange(a.shape[0]):"));
    let source = "import numpy as np\nfrom numba import njit\n\ndef f(a):\n    s = 0.0\n    for i in range(a.shape[0]):\n        s += np.sqrt(a[i])\n    return s\n";
    let report = analyze(source);
    let fast = strategy(function(&report, "f"), "numba-njit-parallel");
    assert!(fast.source.starts_with("import numpy as np\nfrom numba import njit, prange\n\n@njit(cache=True, parallel=True, fastmath=True)\n"), "{}", fast.source);
}

#[test]
fn list_of_dicts_splits_into_kernel_and_wrapper() {
    let source = fixture("records.py");
    let report = analyze(&source);
    let portfolio = function(&report, "portfolio_value");
    assert!(
        portfolio
            .strategies
            .iter()
            .all(|s| s.id != "portfolio_value:numba-njit"),
        "no whole-function njit"
    );
    let split = strategy(portfolio, "numba-split");
    assert!(split.source.contains("@numba.njit(cache=True)\ndef _portfolio_value_kernel(fee, positions_price, positions_qty):"), "{}", split.source);
    assert!(split.source.contains("    for i in range(positions_price.shape[0]):\n        value = positions_price[i] * positions_qty[i]"));
    assert!(split.source.contains("    return exposure, total\n"));
    assert!(split
        .source
        .contains("    positions_price = np.asarray([p[\"price\"] for p in positions])\n"));
    assert!(split.source.contains("    exposure, total = _portfolio_value_kernel(fee, positions_price, positions_qty)\n    log.info("));
}

#[test]
fn jax_stores_become_functional_updates_and_shape_arguments_static() {
    let source = fixture("jax_updates.py");
    let report = analyze(&source);
    let smooth = function(&report, "smooth");
    // Without jit the updates alone fix the stores; the rules may still ask for static_argnames.
    if let Some(updates) = smooth
        .strategies
        .iter()
        .find(|s| s.id == "smooth:jax-functional-updates")
    {
        assert_eq!(updates.applicability, "safe");
    }
    let jitted = strategy(smooth, "jax-jit-functional-updates");
    assert_eq!(jitted.applicability, "safe");
    assert!(jitted
        .source
        .contains("out = out.at[i].set((x[i - 1] + x[i] + x[i + 1]) / 3.0)"));
    assert!(jitted.source.contains("out = out.at[0].add(x[0])"));
    assert!(
        jitted
            .source
            .contains("import jax.numpy as jnp\nimport jax\nimport functools\n"),
        "{}",
        jitted.source
    );
    assert!(jitted
        .source
        .contains("@functools.partial(jax.jit, static_argnames=(\"n\",))\ndef smooth(x, n):"));
    let branchless = strategy(function(&report, "clip_mean"), "jax-branchless");
    assert!(branchless
        .source
        .contains("y = jnp.where(take_then, y_then, y_else)"));
    assert!(branchless.source.contains("m = jnp.mean(x)\n"));
}

#[test]
fn every_rewrite_of_the_fixtures_reparses_and_edits_reproduce_it() {
    for name in [
        "brief_torch.py",
        "numba_loops.py",
        "records.py",
        "jax_updates.py",
    ] {
        let source = fixture(name);
        for strategy in analyze(&source)
            .functions
            .iter()
            .flat_map(|f| &f.strategies)
        {
            assert!(
                ast::Suite::parse(&strategy.source, "<rewrite>").is_ok(),
                "{}",
                strategy.id
            );
            assert_eq!(
                apply_edits(&source, strategy),
                strategy.source,
                "{}",
                strategy.id
            );
        }
    }
}

/// Applies a strategy's edits through their line/column positions, as an editor would.
fn apply_edits(source: &str, strategy: &Strategy) -> String {
    let offset = |line: usize, column: usize| {
        let start: usize = source
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let text = &source[start..];
        start
            + text
                .char_indices()
                .nth(column)
                .map_or(text.len(), |(i, _)| i)
    };
    let mut out = source.to_owned();
    for edit in strategy.edits.iter().rev() {
        let start = offset(edit.range.start.line, edit.range.start.column);
        let end = offset(edit.range.end.line, edit.range.end.column);
        out.replace_range(start..end, &edit.replacement);
    }
    out
}

#[test]
fn testgen_refuses_what_it_cannot_test() {
    let source = fixture("brief_torch.py");
    assert!(matches!(
        testgen::module_for(&source, "missing", None, None),
        Err(testgen::TestgenError::NoFunction(_))
    ));
    assert!(matches!(
        testgen::module_for(&source, "complex_activation", Some("numba"), None),
        Err(testgen::TestgenError::NoStrategy(_))
    ));
    let module = testgen::module_for(
        &source,
        "complex_activation",
        None,
        Some("x = torch.randn(64, 64)"),
    )
    .unwrap();
    assert!(
        module.contains("SETUP = \"\"\"\\\nimport torch\nx = torch.randn(64, 64)\n\"\"\""),
        "{module}"
    );
    assert!(ast::Suite::parse(&module, "<module>").is_ok());
}

#[test]
fn a_complex_escape_loop_compiles_whole_with_njit() {
    // Complex numbers, `abs` of one, a `while` with a compound condition and `np.zeros(...,
    // dtype=)` are all nopython Numba (python/probes/test_numba.py checks it).
    let source = fixture("mandelbrot.py");
    let report = analyze(&source);
    let mandelbrot = function(&report, "mandelbrot");
    let numba = &mandelbrot.verdicts[0];
    assert_eq!(
        (numba.framework.as_str(), numba.benefit.as_str()),
        ("numba", "high")
    );
    assert_eq!(numba.strategy.as_deref(), Some("mandelbrot:numba-njit"));
    assert!(numba.no_rewrite.is_none());
    let njit = strategy(mandelbrot, "numba-njit");
    assert!(
        njit.source
            .contains("@numba.njit(cache=True)\ndef mandelbrot("),
        "{}",
        njit.source
    );
}

#[test]
fn a_rated_function_without_a_rewrite_says_which_statement_stops_it() {
    // After stumpy 1.14.1's `_jagged_list_to_array`, copying element by element: the early return
    // of a list literal keeps the body out of a kernel, and no run of statements around the loop
    // is free of it.
    let source = "import numpy as np\n\n\ndef fill(a, fill_value, dtype):\n    if not a:\n        \
                  return np.array([[]])\n    width = max([len(row) for row in a])\n    \
                  out = np.full((len(a), width), fill_value, dtype=dtype)\n    \
                  for i, row in enumerate(a):\n        for j in range(row.size):\n            \
                  out[i, j] = row[j]\n    return out\n";
    let report = analyze(source);
    let fill = function(&report, "fill");
    let numba = fill
        .verdicts
        .iter()
        .find(|v| v.framework == "numba")
        .unwrap();
    if numba.strategy.is_none() && matches!(numba.benefit.as_str(), "high" | "medium") {
        let why = numba.no_rewrite.as_deref().unwrap_or_default();
        assert!(why.contains("line 5 (`if not a:`)"), "{why}");
    } else {
        panic!("the fixture must be rated and have no rewrite: {numba:?}");
    }
}
