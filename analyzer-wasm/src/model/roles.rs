//! What a name says a function or a module is for. Code that writes files, draws pictures,
//! sets things up or exercises other code runs once per call of a program, or on a handful of
//! inputs, not in its hot loop: no JIT decision is about it, whatever arrays it touches.

/// What a function is for, when its name or its module's says it is not a JIT candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// A special method other than `__call__` (`__init__`, `__repr__`).
    SpecialMethod,
    /// I/O or display by its name (`save_ply`, `_draw_line`, `image_to_string`).
    IoOrDisplay,
    /// Set-up or validation by its name ([`names_set_up`]).
    SetUp,
    /// A function of a plotting module ([`names_plotting_module`]).
    Plotting,
    /// A function of a module of tests, test problems or benchmarks ([`names_test_module`]).
    Testing,
}

impl Role {
    /// The role of the function `qualified` (`load_financial.pad_opening_values`) in the module
    /// `module` (dotted; empty where not known), or `None` for one that may be a candidate. A
    /// function nested in one that does I/O is part of that I/O (the padding helper of a CSV
    /// loader); the other roles are read from its own name (a kernel that a `_build_` factory
    /// returns is the hot code).
    pub(crate) fn of_function(qualified: &str, module: &str) -> Option<Role> {
        let mut segments = qualified.rsplit('.');
        let short = segments.next().unwrap_or("");
        Self::of(short, module).or_else(|| {
            segments
                .any(names_io_or_display)
                .then_some(Role::IoOrDisplay)
        })
    }

    /// The role of a function named `short` (its last segment) in the module `module` (dotted;
    /// empty where not known), or `None` for one that may be a candidate.
    pub(crate) fn of(short: &str, module: &str) -> Option<Role> {
        if short.starts_with("__") && short.ends_with("__") && short != "__call__" {
            Some(Role::SpecialMethod)
        } else if names_plotting_module(module) {
            Some(Role::Plotting)
        } else if names_test_module(module) {
            Some(Role::Testing)
        } else if names_io_or_display(short) {
            Some(Role::IoOrDisplay)
        } else if names_set_up(short) {
            Some(Role::SetUp)
        } else {
            None
        }
    }

    /// Why a function of this role is no candidate, for a verdict's summary.
    pub(crate) fn why(self) -> &'static str {
        match self {
            Role::SpecialMethod => "it is a special method, not the code that does the work",
            Role::IoOrDisplay => "its name says it does I/O or display",
            Role::SetUp => "its name says it sets up or validates, once, before the work",
            Role::Plotting => "it is plotting code, run once per figure",
            Role::Testing => {
                "it is in a module of tests, test problems or benchmarks, run on a handful of inputs"
            }
        }
    }
}

/// Whether a function name has a word of I/O or display in it (`save_ply`, `_draw_line`,
/// `image_to_string`).
fn names_io_or_display(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "save",
        "load",
        "read",
        "write",
        "print",
        "plot",
        "draw",
        "show",
        "display",
        "render",
        "visualize",
        "visualise",
        "visualization",
        "string",
        "export",
        "dump",
    ];
    name.split('_').any(|word| WORDS.contains(&word))
}

/// Whether a function name starts with a verb of set-up or validation (`_initialize_mass_matrix`,
/// `init_step`, `validate_edges`, `_check_nested_exog`, `build_configuration`,
/// `_precompute_dlegpoly`) or names a random initialisation (`from_random`, `random_rotation`,
/// `generate_random_rotation`). On real code its library kernels and fusible chains were rarely
/// worth a word (4 of 25 such notes were right, and none of 7 on `build_` and `prepare_`
/// functions): it runs once, before the work.
fn names_set_up(name: &str) -> bool {
    const FIRST_WORDS: &[&str] = &[
        "init",
        "initialize",
        "initialise",
        "setup",
        "validate",
        "check",
        "random",
        "build",
        "precompute",
        "prepare",
    ];
    let mut words = name.split('_').filter(|word| !word.is_empty());
    let first = words.next().unwrap_or("");
    FIRST_WORDS.contains(&first)
        || name == "from_random"
        || (first == "generate" && words.next() == Some("random"))
}

/// Whether a module's dotted name (`shap.plots._utils`, `aeon.visualisation.results`) puts it in
/// a package of plotting code, whose numerical helpers lay out a figure (a few dozen rows of a
/// feature tree, a significance matrix of a handful of estimators) once per plot.
fn names_plotting_module(module: &str) -> bool {
    const WORDS: &[&str] = &[
        "plot",
        "plots",
        "plotting",
        "visualisation",
        "visualization",
        "graphics",
        "viz",
    ];
    module
        .split('.')
        .any(|part| part.split('_').any(|word| WORDS.contains(&word)))
}

/// Whether a module's dotted name puts it among tests, test problems or benchmarks
/// (`botorch.test_functions.synthetic`, `SALib.test_functions.oakley2004`, `shap.benchmark`):
/// code that exercises other code on small inputs. On real code none of the 71 notes and
/// verdicts in such modules were right.
fn names_test_module(module: &str) -> bool {
    const WORDS: &[&str] = &["test", "tests", "testing", "benchmark", "benchmarks"];
    module
        .split('.')
        .any(|part| part.split('_').any(|word| WORDS.contains(&word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_up_names_are_read_by_their_first_word() {
        assert!(names_set_up("_initialize_mass_matrix"));
        assert!(names_set_up("init_step"));
        assert!(names_set_up("generate_random_rotation"));
        assert!(names_set_up("from_random"));
        assert!(names_set_up("check_finite"));
        assert!(names_set_up("build_configuration"));
        assert!(names_set_up("_precompute_dlegpoly"));
        assert!(!names_set_up("initial_state_mean"));
        assert!(!names_set_up("sparse_euclidean_random_projection_split"));
        assert!(!names_set_up("generate_gbm_paths"));
    }

    #[test]
    fn plotting_modules_are_named_by_a_package_part() {
        assert!(names_plotting_module("shap.plots._utils"));
        assert!(names_plotting_module(
            "aeon.visualisation.results._significance"
        ));
        assert!(names_plotting_module("statsmodels.graphics.tsaplots"));
        assert!(names_plotting_module("mylib._plotting"));
        assert!(!names_plotting_module("arviz_stats.base.core"));
        assert!(!names_plotting_module("skimage.filters.thresholding"));
        assert!(!names_plotting_module(""));
    }

    #[test]
    fn test_modules_are_named_by_a_package_part() {
        assert!(names_test_module("botorch.test_functions.synthetic"));
        assert!(names_test_module("shap.benchmark.metrics"));
        assert!(names_test_module("pkg.tests.test_ops"));
        assert!(!names_test_module("scipy.stats.contest"));
        assert!(!names_test_module("torchmetrics.functional.latest"));
    }

    #[test]
    fn the_module_speaks_before_the_name() {
        assert_eq!(Role::of("__init__", ""), Some(Role::SpecialMethod));
        assert_eq!(Role::of("__call__", ""), None);
        assert_eq!(
            Role::of("fill_counts", "shap.plots._utils"),
            Some(Role::Plotting)
        );
        assert_eq!(Role::of("save_ply", ""), Some(Role::IoOrDisplay));
        assert_eq!(
            Role::of("init_step", "torchdyn.numerics.utils"),
            Some(Role::SetUp)
        );
        assert_eq!(Role::of("softplus", "mylib.ops"), None);
    }

    #[test]
    fn a_function_nested_in_io_code_is_io_code() {
        assert_eq!(
            Role::of_function("load_financial.pad_opening_values", "nolds.datasets"),
            Some(Role::IoOrDisplay)
        );
        assert_eq!(Role::of_function("_build_extend.upsample_cpu", ""), None);
        assert_eq!(Role::of_function("Loader.forward", ""), None);
    }
}
