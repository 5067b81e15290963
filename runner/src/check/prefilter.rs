//! The cheap byte scan that decides whether a file is worth parsing at all.
//!
//! jitlens only has something to say about numerical code, and most Python files in a project
//! are not. Parsing is by far the largest cost of `check`, so a file is parsed only when one of
//! its lines is a `for ... in range(` loop (pure-Python numeric loops need no import) or an import
//! statement of a numerical library:
//!
//! - `import numpy`, `import numpy as np`, `import os, torch.nn as nn`;
//! - `from numba import njit`, `from jax.numpy import zeros`, `from scipy import linalg`;
//! - indented imports (inside functions or `try:` blocks) and imports after a `;` count too.
//!
//! An import continued on the next line with a backslash (`import os, \` then `numpy`) is not
//! seen.
//!
//! The libraries are [`NUMERICAL_LIBRARIES`]. Relative imports (`from . import x`) and dynamic
//! ones (`importlib.import_module("numpy")`, `__import__`) are not seen, so such a file is passed
//! over. A line inside a docstring that looks like an import makes the file parsed: that costs
//! time, never a finding.

/// Top-level packages whose import makes a file worth parsing.
pub(crate) const NUMERICAL_LIBRARIES: [&str; 7] = [
    "numpy",
    "numba",
    "torch",
    "jax",
    "tensorflow",
    "scipy",
    "cupy",
];

/// Whether `source` is worth parsing: it imports a numerical library, or it has a `for` loop
/// over a `range` (a pure-Python numeric loop is exactly what Numba is for, imports or not).
pub(crate) fn worth_parsing(source: &[u8]) -> bool {
    imports_numerical_library(source) || has_range_loop(source)
}

/// Whether `source` may define a Numba compiler of the project's own (a class whose `wrap`
/// builds a gufunc): only code that names `numba` and a compiler (`jit`, `vectorize`) can, so
/// `check`'s first pass parses only such modules.
pub(crate) fn may_define_numba_compiler(source: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(source, needle).is_some();
    has(b"numba") && (has(b"vectorize") || has(b"jit"))
}

/// Whether a line starts (after indentation) with `for` and has ` in range(` on it.
fn has_range_loop(source: &[u8]) -> bool {
    memchr::memmem::find_iter(source, b" in range(").any(|at| {
        let line_start = source[..at]
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        source[line_start..at]
            .trim_ascii_start()
            .starts_with(b"for ")
    })
}

/// Whether `source` may bind a name to a constant of NumPy or `math` at module level
/// (`pi = np.pi` at the start of a line), which a cached Numba function of another module may
/// import ([`Project::learn`]). An assignment in a function (`best = np.inf`) is no export.
///
/// [`Project::learn`]: jitlens_analyzer::Project::learn
pub(crate) fn may_alias_a_library_constant(source: &[u8]) -> bool {
    const NEEDLES: &[&[u8]] = &[b" = np.", b" = numpy.", b" = math."];
    // The members of the analyzer's `LIBRARY_CONSTANTS` (`model/constants.rs`).
    const CONSTANTS: &[&[u8]] = &[
        b"pi",
        b"e",
        b"inf",
        b"nan",
        b"tau",
        b"euler_gamma",
        b"newaxis",
    ];
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    NEEDLES.iter().any(|needle| {
        memchr::memmem::find_iter(source, needle).any(|at| {
            let name_start = source[..at]
                .iter()
                .rposition(|b| !is_word(b))
                .map_or(0, |before| before + 1);
            let at_line_start = name_start == 0 || source[name_start - 1] == b'\n';
            let rest = &source[at + needle.len()..];
            let word_end = rest.iter().position(|b| !is_word(b)).unwrap_or(rest.len());
            let after = rest.get(word_end).copied();
            at_line_start
                && name_start < at
                && CONSTANTS.contains(&&rest[..word_end])
                && matches!(after, None | Some(b'\n' | b'\r' | b' ' | b'#'))
        })
    })
}

/// Whether `source` has an import statement of one of the [`NUMERICAL_LIBRARIES`].
///
/// Works on bytes, so it needs no UTF-8 validation and never fails.
pub(crate) fn imports_numerical_library(source: &[u8]) -> bool {
    let source = source.strip_prefix(b"\xef\xbb\xbf").unwrap_or(source);
    source
        .split(|&byte| byte == b'\n' || byte == b';')
        .any(statement_imports_numerical_library)
}

/// One statement: `import a, b as c` or `from a.b import c`, after optional indentation.
fn statement_imports_numerical_library(statement: &[u8]) -> bool {
    let statement = statement.trim_ascii_start();
    if let Some(rest) = keyword(statement, b"import") {
        // Ex) `import os, numpy as np`
        return rest
            .split(|&byte| byte == b',')
            .any(|module| is_numerical_module(module.trim_ascii_start()));
    }
    if let Some(rest) = keyword(statement, b"from") {
        // Ex) `from numba import njit`, but not `from . import x`
        return is_numerical_module(rest.trim_ascii_start());
    }
    false
}

/// The text after `word` when `statement` starts with `word` followed by white space.
fn keyword<'a>(statement: &'a [u8], word: &[u8]) -> Option<&'a [u8]> {
    let rest = statement.strip_prefix(word)?;
    match rest.first() {
        Some(b' ' | b'\t') => Some(rest),
        _ => None,
    }
}

/// Whether a dotted module name (followed by anything) starts with a numerical package.
fn is_numerical_module(text: &[u8]) -> bool {
    let end = text
        .iter()
        .position(|&byte| !(byte.is_ascii_alphanumeric() || byte == b'_'))
        .unwrap_or(text.len());
    let (package, rest) = text.split_at(end);
    // `numpy` alone, or followed by `.`, white space or the end of the statement: not `numpyro`.
    NUMERICAL_LIBRARIES
        .iter()
        .any(|library| package == library.as_bytes())
        && rest.first().is_none_or(|&byte| byte < 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str, expected: bool) {
        assert_eq!(
            imports_numerical_library(source.as_bytes()),
            expected,
            "{source:?}"
        );
    }

    #[test]
    fn plain_and_aliased_imports_count() {
        check("import numpy\n", true);
        check("import numpy as np\n", true);
        check("import torch.nn.functional as F\n", true);
        check("import os, sys\nimport jax.numpy as jnp\n", true);
        check("import os, tensorflow as tf\n", true);
        check("import\tcupy\n", true);
    }

    #[test]
    fn from_imports_count() {
        check("from numba import njit\n", true);
        check("from scipy.linalg import solve\n", true);
        check("from jax import jit, numpy as jnp\n", true);
    }

    #[test]
    fn indented_and_semicolon_imports_count() {
        check(
            "def f():\n    import torch\n    return torch.ones(1)\n",
            true,
        );
        check(
            "try:\n\tfrom numba import njit\nexcept ImportError:\n\tpass\n",
            true,
        );
        check("x = 1; import numpy as np\n", true);
        check("import numpy\r\n", true);
        check("\u{feff}import numpy\n", true);
    }

    #[test]
    fn other_modules_and_lookalikes_do_not_count() {
        check(
            "import os\nimport numpyro\nfrom torchvision import models\n",
            false,
        );
        check("from . import torch\nfrom .numpy import x\n", false);
        check(
            "x = 'import numpy'\n# uses numpy\nimportlib.import_module('numpy')\n",
            false,
        );
        check("important = numpy\nfromage = 1\n", false);
        check("import numpyé\n", false);
        check("", false);
    }

    #[test]
    fn range_loops_make_a_file_worth_parsing() {
        assert!(worth_parsing(
            b"def f(n):\n    for i in range(n):\n        pass\n"
        ));
        assert!(worth_parsing(b"import numpy\n"));
        assert!(!worth_parsing(
            b"x = [i for i in range(3)]\nfor k in items:\n    pass\n"
        ));
        assert!(!worth_parsing(b"# for i in range(n) in a comment line\n"));
    }

    #[test]
    fn only_modules_that_name_a_numba_compiler_may_define_one() {
        assert!(may_define_numba_compiler(
            b"import numba\nnumba.guvectorize(sig, layout)"
        ));
        assert!(may_define_numba_compiler(b"from numba import njit"));
        assert!(!may_define_numba_compiler(b"import numba.typed"));
        assert!(!may_define_numba_compiler(
            b"import torch\ntorch.jit.script(f)"
        ));
    }

    #[test]
    fn aliases_of_library_constants_are_found_at_the_end_of_a_line() {
        assert!(may_alias_a_library_constant(
            b"import numpy as np\npi = np.pi\n"
        ));
        assert!(may_alias_a_library_constant(b"TAU = math.tau"));
        assert!(!may_alias_a_library_constant(b"x = np.pinv(a)\n"));
        assert!(!may_alias_a_library_constant(b"y = np.exp(x)\n"));
        assert!(!may_alias_a_library_constant(
            b"def f():\n    best = np.inf\n"
        ));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_fine() {
        assert!(imports_numerical_library(b"\xff\xfe\nimport numpy\n"));
        assert!(!imports_numerical_library(b"\xff\xfe\x00import\n"));
    }
}
