//! Checking files, in parallel: read within bounds, take a notebook's code cells, pass over
//! non-numerical files, analyze, then drop what `# noqa` and the rule selection suppress.
//!
//! A file never stops the run: one too large to analyze, or not UTF-8, gets a report with that
//! error (like a syntax error, it makes the exit code 1); one that cannot be read, or whose
//! analysis panics, is named on stderr and makes the exit code 2, after the other files are
//! reported.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use jitlens_analyzer::report::ParseError;
use jitlens_analyzer::{ClassHeaders, LineIndex, ModuleFacts, Project, Report, MAX_SOURCE_BYTES};

use crate::check::notebook::Notebook;
use crate::check::selection::RuleSelection;
use crate::check::{discover, noqa, prefilter};

/// What checking one file gave.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The file was analyzed (or refused, with the reason as a parse error).
    Checked(Report),
    /// The file imports no numerical library, so it was not parsed.
    Skipped,
    /// The file could not be read, or its analysis panicked; the message says why.
    Failed(String),
}

/// Checks `files` on every core; the outcomes come back in the order of `files`. A first pass
/// learns what the project defines: its own Numba compilers (so that a function decorated with
/// one in another module is known to be compiled), its aliases of library constants
/// (`pi = np.pi`) and its `nn.Module` classes. The analysis of
/// each module then teaches what its JAX-traced code calls and its type-and-shape tests
/// ([`ModuleFacts`]); the modules those facts change are analyzed again.
pub(crate) fn check_files(files: &[PathBuf], selection: &RuleSelection) -> Vec<Outcome> {
    use_small_pages();
    let mut project = Project::default();
    for module in on_every_core(files, |file| first_look(file))
        .into_iter()
        .flatten()
    {
        project.learn_classes(module.classes);
        if let Some(source) = module.may_teach {
            project.learn(&source);
        }
    }
    let (mut outcomes, facts): (Vec<Outcome>, Vec<ModuleFacts>) =
        on_every_core(files, |file| check_file(file, selection, &project))
            .into_iter()
            .unzip();
    // What a module teaches (what its JAX-traced code calls of other modules, its type and
    // shape tests) is known once every module is analyzed: the few modules it changes are
    // analyzed again with it.
    for facts in &facts {
        project.learn_from(facts);
    }
    let again: Vec<usize> = outcomes
        .iter()
        .zip(&facts)
        .enumerate()
        .filter(|(_, (outcome, facts))| {
            matches!(outcome, Outcome::Checked(report) if project.needs_another_look(report, facts))
        })
        .map(|(index, _)| index)
        .collect();
    let redone = on_every_core(&again, |index| {
        check_file(&files[*index], selection, &project).0
    });
    for (index, outcome) in again.into_iter().zip(redone) {
        outcomes[index] = outcome;
    }
    outcomes
}

/// `f` of each of `files`, on every core, in the order of `files`.
fn on_every_core<F: Sync, T: Send>(files: &[F], f: impl Fn(&F) -> T + Sync) -> Vec<T> {
    let n_threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len())
        .max(1);
    let next_idx = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(files.len()));
    std::thread::scope(|scope| {
        for _ in 0..n_threads {
            scope.spawn(|| {
                // Each thread takes the next file until none is left, so a few large files do
                // not leave a core idle, and collects locally to touch the lock once.
                let mut local = Vec::new();
                loop {
                    let file_idx = next_idx.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(file_idx) else {
                        break;
                    };
                    local.push((file_idx, f(file)));
                }
                done.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .append(&mut local);
            });
        }
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_unstable_by_key(|&(file_idx, _)| file_idx);
    done.into_iter().map(|(_, outcome)| outcome).collect()
}

/// What the first pass takes from one Python module.
struct FirstLook {
    /// The source, where it may define a Numba compiler of the project's own or alias a
    /// library constant ([`Project::learn`]).
    may_teach: Option<String>,
    /// Its class statements.
    classes: ClassHeaders,
}

/// What the first pass takes from `path`; `None` for notebooks and unreadable files.
fn first_look(path: &Path) -> Option<FirstLook> {
    if path.extension().is_none_or(|ext| ext != "py") {
        return None;
    }
    let bytes = read_at_most(path, MAX_SOURCE_BYTES).ok()??;
    let source = String::from_utf8(bytes).ok()?;
    let classes = ClassHeaders::read(&source);
    let teaches = prefilter::may_define_numba_compiler(source.as_bytes())
        || prefilter::may_alias_a_library_constant(source.as_bytes());
    let may_teach = teaches.then_some(source);
    Some(FirstLook { may_teach, classes })
}

/// Asks Linux not to back this process's memory with 2 MB transparent huge pages. The analysis
/// allocates many small, short-lived objects spread thinly over the allocator's regions; with
/// huge pages the kernel zeroes 2 MB at each first touch, about a twentieth of check's CPU time on
/// torch's sources (`MIMALLOC_ALLOW_THP=0` measured the same).
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; it touches no memory of ours,
    // and if it fails nothing changes but the speed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Checks one file; with the outcome comes what its analysis teaches the project.
fn check_file(path: &Path, selection: &RuleSelection, project: &Project) -> (Outcome, ModuleFacts) {
    match analyze_file(path, selection, project) {
        Ok((report, facts)) => (Outcome::Checked(report), facts),
        Err(outcome) => (outcome, ModuleFacts::default()),
    }
}

/// The report of one file and what its analysis teaches the project, or the outcome
/// of a file that was not analyzed (skipped, refused, unreadable, a panic).
fn analyze_file(
    path: &Path,
    selection: &RuleSelection,
    project: &Project,
) -> Result<(Report, ModuleFacts), Outcome> {
    let bytes = match read_at_most(path, MAX_SOURCE_BYTES) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(Outcome::Checked(refused(format!(
                "file is too large to analyze: more than {MAX_SOURCE_BYTES} bytes"
            ))))
        }
        Err(error) => {
            return Err(Outcome::Failed(format!(
                "could not read {}: {error}",
                path.display()
            )))
        }
    };
    let is_notebook = path.extension().is_some_and(|ext| ext == "ipynb");
    if !is_notebook && !prefilter::worth_parsing(&bytes) {
        return Err(Outcome::Skipped);
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(source) => source,
        Err(error) => return Err(Outcome::Checked(not_utf8(&bytes, &error))),
    };
    // Python ignores a UTF-8 byte order mark; editors do not count it as a column.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let notebook = if is_notebook {
        match Notebook::parse(text) {
            Ok(notebook) => Some(notebook),
            Err(message) => return Err(Outcome::Checked(refused(message))),
        }
    } else {
        None
    };
    let source = notebook.as_ref().map_or(text, |n| n.source.as_str());
    if is_notebook && !prefilter::worth_parsing(source.as_bytes()) {
        return Err(Outcome::Skipped);
    }
    let (mut report, facts) =
        match guarded(|| project.analyze_module(&discover::module_name(path), source)) {
            Ok(analyzed) => analyzed,
            Err(panic) => {
                return Err(Outcome::Failed(format!(
                    "analysis of {} failed (a jitlens bug, please report it): {panic}",
                    path.display()
                )))
            }
        };
    noqa::suppress(&mut report, source);
    selection.apply(&mut report);
    if let Some(notebook) = &notebook {
        notebook.place(&mut report);
    }
    Ok((report, facts))
}

/// Runs `analyze`, turning a panic into its message: the analyzer must never panic, but if it
/// does on one file, the other files are still checked and reported (as ruff does).
fn guarded<T>(analyze: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(analyze)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|message| (*message).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panicked".to_owned())
    })
}

/// The whole file, or `None` when it is longer than `limit` bytes (only `limit + 1` are read).
fn read_at_most(path: &Path, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    let file = File::open(path)?;
    let capacity = file
        .metadata()
        .map_or(0, |metadata| {
            usize::try_from(metadata.len()).unwrap_or(limit)
        })
        .min(limit)
        + 1;
    let mut bytes = Vec::with_capacity(capacity);
    let limit_plus_one = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit_plus_one).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// A report that refuses the whole file, with the reason at its start.
fn refused(message: String) -> Report {
    Report::with_parse_error(ParseError {
        message,
        position: LineIndex::new("").position(0),
    })
}

/// CPython refuses such a file with a SyntaxError too (without a `coding:` declaration).
fn not_utf8(bytes: &[u8], error: &std::str::Utf8Error) -> Report {
    let valid_len = error.valid_up_to();
    let valid = std::str::from_utf8(bytes.get(..valid_len).unwrap_or_default()).unwrap_or_default();
    let bad_byte = bytes.get(valid_len).copied().unwrap_or_default();
    Report::with_parse_error(ParseError {
        message: format!("file is not valid UTF-8: byte 0x{bad_byte:02x} at offset {valid_len}"),
        position: LineIndex::new(valid).position(valid_len),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(label: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("jitlens-process-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(label);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn everything() -> RuleSelection {
        RuleSelection::new(None, Vec::new())
    }

    #[test]
    fn non_numerical_files_are_skipped_even_when_broken() {
        let path = write("plain.py", b"import os\ndef f(:\n");
        assert!(matches!(
            check_file(&path, &everything(), &Project::default()).0,
            Outcome::Skipped
        ));
    }

    #[test]
    fn numerical_files_are_analyzed() {
        let path = write(
            "numerical.py",
            b"from numba import njit\n\ndef f(x):\n    return x\n",
        );
        let Outcome::Checked(report) = check_file(&path, &everything(), &Project::default()).0
        else {
            panic!("analyzed");
        };
        assert_eq!(report.functions[0].name, "f");
        assert!(report.parse_errors.is_empty());
    }

    #[test]
    fn invalid_utf8_is_an_error_with_its_position() {
        let path = write("latin1.py", b"import numpy as np\nname = 'caf\xe9'\n");
        let Outcome::Checked(report) = check_file(&path, &everything(), &Project::default()).0
        else {
            panic!("checked");
        };
        let error = &report.parse_errors[0];
        assert!(
            error.message.contains("not valid UTF-8: byte 0xe9"),
            "{}",
            error.message
        );
        assert_eq!((error.position.line, error.position.column), (2, 11));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_syntax_error() {
        let path = write(
            "bom.py",
            b"\xef\xbb\xbfimport numpy as np\ndef f():\n    pass\n",
        );
        let Outcome::Checked(report) = check_file(&path, &everything(), &Project::default()).0
        else {
            panic!("checked");
        };
        assert!(report.parse_errors.is_empty(), "{:?}", report.parse_errors);
        assert_eq!(report.functions[0].range.start.column, 0);
    }

    #[test]
    fn oversized_files_are_refused_without_reading_them_whole() {
        let path = write("big.py", b"import numpy\n");
        assert_eq!(read_at_most(&path, 13).unwrap().unwrap().len(), 13);
        assert!(read_at_most(&path, 12).unwrap().is_none());
        let mut big = b"import numpy\n".repeat(MAX_SOURCE_BYTES / 13 + 1);
        big.extend_from_slice(b"x = 1\n");
        let path = write("huge.py", &big);
        let Outcome::Checked(report) = check_file(&path, &everything(), &Project::default()).0
        else {
            panic!("checked");
        };
        assert!(report.parse_errors[0].message.contains("too large"));
    }

    #[test]
    fn a_folder_or_missing_file_is_unreadable_not_a_panic() {
        let missing = std::env::temp_dir().join("jitlens-no-such-file.py");
        assert!(matches!(
            check_file(&missing, &everything(), &Project::default()).0,
            Outcome::Failed(_)
        ));
        let folder = std::env::temp_dir();
        assert!(matches!(
            check_file(&folder, &everything(), &Project::default()).0,
            Outcome::Failed(_)
        ));
    }

    #[test]
    fn a_panicking_analysis_becomes_a_message() {
        let panicked = guarded(|| panic!("index out of bounds")).unwrap_err();
        assert_eq!(panicked, "index out of bounds");
        let formatted = guarded(|| panic!("at {}", 7)).unwrap_err();
        assert_eq!(formatted, "at 7");
        assert!(guarded(Report::default).is_ok());
    }

    #[test]
    fn a_function_that_jax_traced_code_of_another_file_calls_is_checked_as_traced() {
        // The caller comes after the callee: the callee's file is analyzed again once the
        // callers are known.
        let callee = write(
            "a_factors.py",
            b"import jax.numpy as jnp\n\n\ndef factors(S, Z):\n    return jnp.linalg.inv(S.T @ Z) @ Z.T\n",
        );
        let caller = write(
            "b_pathfinder.py",
            b"import jax\n\nfrom .a_factors import factors\n\n\ndef approximate(S, Z):\n    return jax.vmap(factors)(S, Z)\n\n\n@jax.jit\ndef step(S, Z):\n    return factors(S, Z) * 2.0\n",
        );
        let outcomes = check_files(&[callee, caller], &everything());
        let Outcome::Checked(report) = &outcomes[0] else {
            panic!("{outcomes:?}");
        };
        let jax = report.functions[0]
            .verdicts
            .iter()
            .find(|v| v.framework == "jax")
            .unwrap();
        assert!(jax.summary.contains("another module"), "{jax:?}");
    }

    #[test]
    fn a_type_test_imported_from_another_file_is_static_in_a_jitted_branch() {
        let caller = write(
            "c_clip.py",
            b"import jax\nimport jax.numpy as jnp\n\nfrom .d_utils import isbool\n\n\n@jax.jit\ndef clip(x, lo):\n    if isbool(lo):\n        return x\n    return jnp.maximum(x, lo)\n",
        );
        let utils = write(
            "d_utils.py",
            b"import jax\n\n\ndef isbool(x):\n    return isinstance(x, bool) or x.dtype == bool\n",
        );
        let outcomes = check_files(&[caller, utils], &everything());
        let Outcome::Checked(report) = &outcomes[0] else {
            panic!("{outcomes:?}");
        };
        assert!(
            report.diagnostics.iter().all(|d| d.code != "JX001"),
            "{:?}",
            report.diagnostics
        );
    }

    #[test]
    fn parallel_outcomes_keep_the_order_of_the_files() {
        let files: Vec<PathBuf> = (0..40)
            .map(|idx| {
                let source = if idx % 2 == 0 {
                    format!("import torch\ndef f{idx}():\n    pass\n")
                } else {
                    "import os\n".to_owned()
                };
                write(&format!("order{idx}.py"), source.as_bytes())
            })
            .collect();
        let outcomes = check_files(&files, &everything());
        assert_eq!(outcomes.len(), 40);
        for (idx, outcome) in outcomes.iter().enumerate() {
            match outcome {
                Outcome::Checked(report) => assert_eq!(report.functions[0].name, format!("f{idx}")),
                Outcome::Skipped => assert_eq!(idx % 2, 1),
                Outcome::Failed(message) => panic!("{message}"),
            }
        }
    }
}
