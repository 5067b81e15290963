//! The code table: every rule with its code, name, severity, family, documentation and check.
//! Codes are never reused.

use crate::model::{Framework, FunctionModel};
use crate::report::Severity;
use crate::rules::{doc_text, general, jax, numba, summary, tensorflow, torch, Checker, RuleInfo};

/// A rule family: the code prefix and which functions its rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// NB: Numba.
    Numba,
    /// PT: `torch.compile`.
    Torch,
    /// JX: `jax.jit`.
    Jax,
    /// TF: `tf.function`.
    TensorFlow,
    /// GEN: profitability, all frameworks.
    General,
}

impl Family {
    /// The code prefix.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Self::Numba => "NB",
            Self::Torch => "PT",
            Self::Jax => "JX",
            Self::TensorFlow => "TF",
            Self::General => "GEN",
        }
    }

    /// The framework of the family; `None` for GEN.
    pub(crate) fn framework(self) -> Option<Framework> {
        match self {
            Self::Numba => Some(Framework::Numba),
            Self::Torch => Some(Framework::Torch),
            Self::Jax => Some(Framework::Jax),
            Self::TensorFlow => Some(Framework::TensorFlow),
            Self::General => None,
        }
    }

    /// Whether the family's rules look at `function`: its framework's rules when the function
    /// runs compiled with it or is a candidate for it, GEN rules when it is either for some
    /// framework. Drivers, set-up code and plain Python say nothing.
    pub(crate) fn applies_to(self, function: &FunctionModel<'_>) -> bool {
        match self.framework() {
            Some(framework) => function.targets(framework),
            // Profitability belongs to the function that is compiled: a callee traced inside
            // its caller's graph is no unit of its own.
            None => {
                function.traced.is_none()
                    && (function.does_array_work()
                        || Framework::ALL
                            .iter()
                            .any(|framework| function.targets(*framework)))
            }
        }
    }
}

/// One row of the code table.
#[derive(Debug)]
pub(crate) struct Rule {
    /// The code, such as `PT001`.
    pub(crate) code: &'static str,
    /// The kebab-case name.
    pub(crate) name: &'static str,
    /// How much a finding matters.
    pub(crate) severity: Severity,
    /// The family.
    pub(crate) family: Family,
    /// The raw doc comment.
    pub(crate) doc: &'static str,
    /// The check.
    pub(crate) check: fn(&mut Checker<'_, '_>, &FunctionModel<'_>),
}

impl Rule {
    /// The public description of the rule.
    pub(crate) fn info(&self) -> RuleInfo {
        let doc = doc_text(self.doc);
        RuleInfo {
            code: self.code,
            name: self.name,
            family: self.family.prefix(),
            severity: self.severity,
            summary: summary(&doc),
            doc,
        }
    }

    /// The rule with this exact code.
    pub(crate) fn by_code(code: &str) -> Option<&'static Rule> {
        RULES.iter().find(|rule| rule.code == code)
    }
}

/// Every rule, in code order.
pub(crate) static RULES: &[Rule] = &[
    Rule {
        code: "NB001",
        name: "unsupported-module-call",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::unsupported_module_call::DOC,
        check: numba::unsupported_module_call::check,
    },
    Rule {
        code: "NB002",
        name: "string-formatting",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::string_formatting::DOC,
        check: numba::string_formatting::check,
    },
    Rule {
        code: "NB003",
        name: "kwargs-parameter",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::kwargs_parameter::DOC,
        check: numba::kwargs_parameter::check,
    },
    Rule {
        code: "NB004",
        name: "class-definition",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::class_definition::DOC,
        check: numba::class_definition::check,
    },
    Rule {
        code: "NB005",
        name: "generator-expression",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::generator_expression::DOC,
        check: numba::generator_expression::check,
    },
    Rule {
        code: "NB006",
        name: "fstring-format-spec",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::fstring_format_spec::DOC,
        check: numba::fstring_format_spec::check,
    },
    Rule {
        code: "NB007",
        name: "mixed-type-dict",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::mixed_type_dict::DOC,
        check: numba::mixed_type_dict::check,
    },
    Rule {
        code: "NB008",
        name: "mixed-type-list",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::mixed_type_list::DOC,
        check: numba::mixed_type_list::check,
    },
    Rule {
        code: "NB009",
        name: "unsupported-numpy-function",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::unsupported_numpy_function::DOC,
        check: numba::unsupported_numpy_function::check,
    },
    Rule {
        code: "NB010",
        name: "specific-exception-handler",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::specific_exception_handler::DOC,
        check: numba::specific_exception_handler::check,
    },
    Rule {
        code: "NB011",
        name: "with-statement",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::with_statement::DOC,
        check: numba::with_statement::check,
    },
    Rule {
        code: "NB012",
        name: "print-keyword-arguments",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::print_keyword_arguments::DOC,
        check: numba::print_keyword_arguments::check,
    },
    Rule {
        code: "NB013",
        name: "global-write",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::global_write::DOC,
        check: numba::global_write::check,
    },
    Rule {
        code: "NB014",
        name: "python-type-dtype",
        severity: Severity::Error,
        family: Family::Numba,
        doc: numba::python_type_dtype::DOC,
        check: numba::python_type_dtype::check,
    },
    Rule {
        code: "NB101",
        name: "frozen-global-read",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::frozen_global_read::DOC,
        check: numba::frozen_global_read::check,
    },
    Rule {
        code: "NB102",
        name: "str-of-float",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::str_of_float::DOC,
        check: numba::str_of_float::check,
    },
    Rule {
        code: "NB201",
        name: "fastmath-nan-check",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::fastmath_nan_check::DOC,
        check: numba::fastmath_nan_check::check,
    },
    Rule {
        code: "NB202",
        name: "prange-race",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::prange_race::DOC,
        check: numba::prange_race::check,
    },
    Rule {
        code: "NB203",
        name: "prange-early-exit",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::prange_early_exit::DOC,
        check: numba::prange_early_exit::check,
    },
    Rule {
        code: "NB204",
        name: "parallel-without-prange",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::parallel_without_prange::DOC,
        check: numba::parallel_without_prange::check,
    },
    Rule {
        code: "NB205",
        name: "parallelizable-loop",
        severity: Severity::Info,
        family: Family::Numba,
        doc: numba::parallelizable_loop::DOC,
        check: numba::parallelizable_loop::check,
    },
    Rule {
        code: "NB301",
        name: "cache-stale-dependency",
        severity: Severity::Warning,
        family: Family::Numba,
        doc: numba::cache_stale_dependency::DOC,
        check: numba::cache_stale_dependency::check,
    },
    Rule {
        code: "NB401",
        name: "interpreted-array-loop",
        severity: Severity::Info,
        family: Family::Numba,
        doc: numba::interpreted_array_loop::DOC,
        check: numba::interpreted_array_loop::check,
    },
    Rule {
        code: "PT001",
        name: "item-graph-break",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::item_graph_break::DOC,
        check: torch::item_graph_break::check,
    },
    Rule {
        code: "PT002",
        name: "tolist-graph-break",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::tolist_graph_break::DOC,
        check: torch::tolist_graph_break::check,
    },
    Rule {
        code: "PT003",
        name: "numpy-conversion",
        severity: Severity::Warning,
        family: Family::Torch,
        doc: torch::numpy_conversion::DOC,
        check: torch::numpy_conversion::check,
    },
    Rule {
        code: "PT004",
        name: "print-graph-break",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::print_graph_break::DOC,
        check: torch::print_graph_break::check,
    },
    Rule {
        code: "PT005",
        name: "logging-graph-break",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::logging_graph_break::DOC,
        check: torch::logging_graph_break::check,
    },
    Rule {
        code: "PT006",
        name: "data-dependent-branch",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::data_dependent_branch::DOC,
        check: torch::data_dependent_branch::check,
    },
    Rule {
        code: "PT007",
        name: "dynamic-output-shape",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::dynamic_output_shape::DOC,
        check: torch::dynamic_output_shape::check,
    },
    Rule {
        code: "PT008",
        name: "time-call",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::time_call::DOC,
        check: torch::time_call::check,
    },
    Rule {
        code: "PT009",
        name: "autograd-grad-graph-break",
        severity: Severity::Error,
        family: Family::Torch,
        doc: torch::autograd_grad_graph_break::DOC,
        check: torch::autograd_grad_graph_break::check,
    },
    Rule {
        code: "PT301",
        name: "tensor-scalar-branch-recompile",
        severity: Severity::Warning,
        family: Family::Torch,
        doc: torch::tensor_scalar_branch_recompile::DOC,
        check: torch::tensor_scalar_branch_recompile::check,
    },
    Rule {
        code: "PT302",
        name: "python-scalar-argument",
        severity: Severity::Info,
        family: Family::Torch,
        doc: torch::python_scalar_argument::DOC,
        check: torch::python_scalar_argument::check,
    },
    Rule {
        code: "PT303",
        name: "shape-branch",
        severity: Severity::Info,
        family: Family::Torch,
        doc: torch::shape_branch::DOC,
        check: torch::shape_branch::check,
    },
    Rule {
        code: "PT304",
        name: "static-shapes-recompile",
        severity: Severity::Warning,
        family: Family::Torch,
        doc: torch::static_shapes_recompile::DOC,
        check: torch::static_shapes_recompile::check,
    },
    Rule {
        code: "JX001",
        name: "traced-branch",
        severity: Severity::Error,
        family: Family::Jax,
        doc: jax::traced_branch::DOC,
        check: jax::traced_branch::check,
    },
    Rule {
        code: "JX002",
        name: "in-place-update",
        severity: Severity::Error,
        family: Family::Jax,
        doc: jax::in_place_update::DOC,
        check: jax::in_place_update::check,
    },
    Rule {
        code: "JX003",
        name: "concrete-conversion",
        severity: Severity::Error,
        family: Family::Jax,
        doc: jax::concrete_conversion::DOC,
        check: jax::concrete_conversion::check,
    },
    Rule {
        code: "JX004",
        name: "data-dependent-shape",
        severity: Severity::Error,
        family: Family::Jax,
        doc: jax::data_dependent_shape::DOC,
        check: jax::data_dependent_shape::check,
    },
    Rule {
        code: "JX005",
        name: "traced-shape-argument",
        severity: Severity::Error,
        family: Family::Jax,
        doc: jax::traced_shape_argument::DOC,
        check: jax::traced_shape_argument::check,
    },
    Rule {
        code: "JX101",
        name: "numpy-random-in-jit",
        severity: Severity::Warning,
        family: Family::Jax,
        doc: jax::numpy_random_in_jit::DOC,
        check: jax::numpy_random_in_jit::check,
    },
    Rule {
        code: "JX102",
        name: "print-side-effect",
        severity: Severity::Warning,
        family: Family::Jax,
        doc: jax::print_side_effect::DOC,
        check: jax::print_side_effect::check,
    },
    Rule {
        code: "JX103",
        name: "external-mutation",
        severity: Severity::Warning,
        family: Family::Jax,
        doc: jax::external_mutation::DOC,
        check: jax::external_mutation::check,
    },
    Rule {
        code: "JX301",
        name: "static-argument-recompile",
        severity: Severity::Info,
        family: Family::Jax,
        doc: jax::static_argument_recompile::DOC,
        check: jax::static_argument_recompile::check,
    },
    Rule {
        code: "TF001",
        name: "numpy-call",
        severity: Severity::Error,
        family: Family::TensorFlow,
        doc: tensorflow::numpy_call::DOC,
        check: tensorflow::numpy_call::check,
    },
    Rule {
        code: "TF002",
        name: "list-append-in-graph-loop",
        severity: Severity::Error,
        family: Family::TensorFlow,
        doc: tensorflow::list_append_in_graph_loop::DOC,
        check: tensorflow::list_append_in_graph_loop::check,
    },
    Rule {
        code: "TF003",
        name: "xla-unsupported-op",
        severity: Severity::Error,
        family: Family::TensorFlow,
        doc: tensorflow::xla_unsupported_op::DOC,
        check: tensorflow::xla_unsupported_op::check,
    },
    Rule {
        code: "TF004",
        name: "variable-creation",
        severity: Severity::Error,
        family: Family::TensorFlow,
        doc: tensorflow::variable_creation::DOC,
        check: tensorflow::variable_creation::check,
    },
    Rule {
        code: "TF101",
        name: "python-side-effect",
        severity: Severity::Warning,
        family: Family::TensorFlow,
        doc: tensorflow::python_side_effect::DOC,
        check: tensorflow::python_side_effect::check,
    },
    Rule {
        code: "TF301",
        name: "python-scalar-retrace",
        severity: Severity::Info,
        family: Family::TensorFlow,
        doc: tensorflow::python_scalar_retrace::DOC,
        check: tensorflow::python_scalar_retrace::check,
    },
    Rule {
        code: "GEN401",
        name: "library-kernel-bound",
        severity: Severity::Info,
        family: Family::General,
        doc: general::library_kernel_bound::DOC,
        check: general::library_kernel_bound::check,
    },
    Rule {
        code: "GEN402",
        name: "fusible-elementwise-chain",
        severity: Severity::Info,
        family: Family::General,
        doc: general::fusible_elementwise_chain::DOC,
        check: general::fusible_elementwise_chain::check,
    },
    Rule {
        code: "GEN403",
        name: "too-small-function",
        severity: Severity::Info,
        family: Family::General,
        doc: general::too_small_function::DOC,
        check: general::too_small_function::check,
    },
];
