//! Python types given as a NumPy dtype (`np.zeros(n, dtype=int)`, `a.astype(bool)`), which
//! NumPy maps to a dtype and Numba's nopython mode rejects with a `TypingError`.
//!
//! Probed with numba 0.68: `int`, `bool` and `complex` fail in every constructor below and in
//! `.astype()`; `float` passes in `np.empty`, `np.zeros` and `np.ones` only. `np.full` compiles
//! with any of them and ignores it: the array is `float64` whatever the type. NumPy types
//! (`np.int64`, `np.bool_`) and dtype strings pass everywhere.

use rustpython_parser::ast;

/// NumPy's array constructors that reject a Python type as the dtype: the position of the
/// dtype argument, and whether the builtin `float` passes there.
const CONSTRUCTORS: &[(&str, usize, bool)] = &[
    ("numpy.empty", 1, true),
    ("numpy.zeros", 1, true),
    ("numpy.ones", 1, true),
    ("numpy.arange", 3, false),
    ("numpy.empty_like", 1, false),
    ("numpy.zeros_like", 1, false),
    ("numpy.ones_like", 1, false),
    ("numpy.full_like", 2, false),
    ("numpy.asarray", 1, false),
];

/// The NumPy type to write instead of the Python type that the call `call` of the NumPy
/// function `qualified` passes as its dtype, where nopython mode rejects it.
pub(crate) fn rejected_constructor_dtype(
    qualified: &str,
    call: &ast::ExprCall,
) -> Option<&'static str> {
    let (_, position, takes_float) = CONSTRUCTORS.iter().find(|(name, ..)| *name == qualified)?;
    numpy_type_for(dtype_argument(call, *position)?, *takes_float)
}

/// The NumPy type to write instead of the Python type that `np.full(shape, value, dtype)`
/// passes, which nopython mode compiles and ignores (the array is `float64`).
pub(crate) fn ignored_full_dtype(qualified: &str, call: &ast::ExprCall) -> Option<&'static str> {
    if qualified != "numpy.full" {
        return None;
    }
    numpy_type_for(dtype_argument(call, 2)?, true)
}

/// The dtype of a call: its `dtype=` keyword, or its positional argument at `position`.
fn dtype_argument(call: &ast::ExprCall, position: usize) -> Option<&ast::Expr> {
    call.keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|arg| arg.as_str() == "dtype"))
        .map(|k| &k.value)
        .or_else(|| call.args.get(position))
}

/// The NumPy type for a Python type named as a dtype (`int` gives `np.int64`), where nopython
/// mode rejects it; `float` only where `takes_float` is false.
pub(crate) fn numpy_type_for(dtype: &ast::Expr, takes_float: bool) -> Option<&'static str> {
    let ast::Expr::Name(name) = dtype else {
        return None;
    };
    match name.id.as_str() {
        "int" => Some("np.int64"),
        "float" if !takes_float => Some("np.float64"),
        "bool" => Some("np.bool_"),
        "complex" => Some("np.complex128"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use rustpython_parser::{ast, Parse};

    use super::{ignored_full_dtype, rejected_constructor_dtype};

    fn rejected(source: &str, qualified: &str) -> Option<&'static str> {
        let expr = ast::Expr::parse(source, "<test>").unwrap();
        let ast::Expr::Call(call) = expr else {
            panic!("not a call: {source}")
        };
        rejected_constructor_dtype(qualified, &call)
    }

    #[test]
    fn python_types_are_rejected_where_nopython_mode_rejects_them() {
        assert_eq!(
            rejected("np.empty(n, dtype=int)", "numpy.empty"),
            Some("np.int64")
        );
        assert_eq!(
            rejected("np.zeros((n, 2), bool)", "numpy.zeros"),
            Some("np.bool_")
        );
        assert_eq!(
            rejected("np.zeros_like(x, dtype=float)", "numpy.zeros_like"),
            Some("np.float64")
        );
        assert_eq!(
            rejected("np.arange(n, dtype=int)", "numpy.arange"),
            Some("np.int64")
        );
    }

    #[test]
    fn numpy_types_float_in_empty_and_full_pass() {
        assert_eq!(rejected("np.empty(n, dtype=float)", "numpy.empty"), None);
        assert_eq!(rejected("np.empty(n, dtype=np.int64)", "numpy.empty"), None);
        assert_eq!(rejected("np.full(n, 0, dtype=int)", "numpy.full"), None);
        assert_eq!(rejected("np.ones_like(x)", "numpy.ones_like"), None);
    }

    #[test]
    fn a_python_type_in_full_is_ignored_by_numba() {
        let expr = ast::Expr::parse("np.full(n, 0, dtype=int)", "<test>").unwrap();
        let ast::Expr::Call(call) = expr else {
            panic!("a call")
        };
        assert_eq!(ignored_full_dtype("numpy.full", &call), Some("np.int64"));
        let expr = ast::Expr::parse("np.full(n, 0.5, float)", "<test>").unwrap();
        let ast::Expr::Call(call) = expr else {
            panic!("a call")
        };
        assert_eq!(ignored_full_dtype("numpy.full", &call), None);
        assert_eq!(rejected("np.ones_like(x)", "numpy.ones_like"), None);
    }
}
