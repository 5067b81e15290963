//! NB: rules for Numba (`@njit`, `@jit`, `parallel=True`, `prange`, `fastmath`, `cache`).

pub(crate) mod cache_stale_dependency;
pub(crate) mod class_definition;
pub(crate) mod fastmath_nan_check;
pub(crate) mod frozen_global_read;
pub(crate) mod fstring_format_spec;
pub(crate) mod generator_expression;
pub(crate) mod global_write;
pub(crate) mod interpreted_array_loop;
pub(crate) mod kwargs_parameter;
pub(crate) mod mixed_type_dict;
pub(crate) mod mixed_type_list;
pub(crate) mod parallel_without_prange;
pub(crate) mod parallelizable_loop;
pub(crate) mod prange_early_exit;
pub(crate) mod prange_race;
pub(crate) mod print_keyword_arguments;
pub(crate) mod python_type_dtype;
pub(crate) mod specific_exception_handler;
pub(crate) mod str_of_float;
pub(crate) mod string_formatting;
pub(crate) mod unsupported_module_call;
pub(crate) mod unsupported_numpy_function;
pub(crate) mod with_statement;
