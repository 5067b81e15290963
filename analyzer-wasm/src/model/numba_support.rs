//! What Numba's nopython mode compiles, as far as a loop's calls and values go: numbers,
//! arrays, NumPy, `math`, a few builtins, and the module's own functions when they are compiled
//! with Numba already or are plain numeric code that `@njit` compiles too.
//!
//! A loop that calls anything else (a method of a Python object, a function of another module
//! of the project, a helper that formats strings) does not compile as written, so "this loop
//! compiles to machine code" would be false there.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::function::{callee_or_self, FunctionModel, FunctionSyntax};
use crate::model::kind::{Framework, Kind};
use crate::model::loops::LoopModel;
use crate::model::numba_dtypes::rejected_constructor_dtype;
use crate::model::walk;
use crate::model::ModuleModel;

/// Builtins that Numba compiles.
pub(crate) const BUILTINS: &[&str] = &[
    "range",
    "len",
    "abs",
    "min",
    "max",
    "int",
    "float",
    "bool",
    "round",
    "enumerate",
    "zip",
    "complex",
    "pow",
    "divmod",
    "print",
    "list",
];

/// Array methods and attributes that Numba compiles.
pub(crate) const ARRAY_MEMBERS: &[&str] = &[
    "shape",
    "size",
    "ndim",
    "T",
    "real",
    "imag",
    "dtype",
    "sum",
    "mean",
    "max",
    "min",
    "copy",
    "reshape",
    "dot",
    "transpose",
    "prod",
    "argmax",
    "argmin",
    "cumsum",
    "astype",
    "ravel",
    "flatten",
    "fill",
    "conjugate",
    "conj",
    "std",
    "var",
    "any",
    "all",
    "nonzero",
    "argsort",
    "sort",
    "item",
];

/// NumPy functions Numba does not compile.
pub(crate) const UNSUPPORTED_NUMPY: &[&str] = &[
    "numpy.einsum",
    "numpy.pad",
    "numpy.vectorize",
    "numpy.apply_along_axis",
    "numpy.apply_over_axes",
    "numpy.random.default_rng",
    "numpy.loadtxt",
    "numpy.savetxt",
    "numpy.genfromtxt",
    "numpy.save",
    "numpy.load",
    "numpy.frompyfunc",
    "numpy.piecewise",
    "numpy.set_printoptions",
    "numpy.errstate",
    "numpy.array2string",
    "numpy.array_str",
    "numpy.fromfile",
    "numpy.asanyarray",
    "numpy.gradient",
    "numpy.meshgrid",
    "numpy.ix_",
];

/// Methods of NumPy's ufuncs (`np.subtract.outer`, `np.add.accumulate`) that nopython mode
/// does not take on NumPy's own ufuncs (0.68, probed).
const UFUNC_METHODS: &[&str] = &["outer", "reduce", "accumulate", "reduceat", "at"];

/// NumPy's index tricks (`np.c_[a, b]`, `np.r_[a, b]`, `np.mgrid[0:3, 0:3]`): objects nopython
/// mode does not know.
const INDEX_TRICKS: &[&str] = &["numpy.c_", "numpy.r_", "numpy.mgrid", "numpy.ogrid"];

/// NumPy's submodules: `numpy.linalg.outer` is a function, not a ufunc's method.
const NUMPY_SUBMODULES: &[&str] = &["linalg", "fft", "random", "ma", "char", "strings", "emath"];

/// NumPy functions that Numba takes a tuple of arrays for, never a list (`np.hstack([a, b])`
/// fails to type).
const TUPLE_OF_ARRAYS: &[&str] = &[
    "numpy.hstack",
    "numpy.vstack",
    "numpy.dstack",
    "numpy.column_stack",
    "numpy.concatenate",
    "numpy.stack",
];

/// Keyword arguments of NumPy functions that Numba does not take.
pub(crate) const UNSUPPORTED_NUMPY_KEYWORDS: &[&str] = &[
    "keepdims",
    "order",
    "return_counts",
    "return_index",
    "return_inverse",
    "out",
    "where",
];

/// The NumPy functions that take `axis=` in Numba's nopython mode (0.68); the others (`mean`,
/// `std`, `max`, `diff`, `median`, `any`, `sort`, `roll`, `linalg.norm`, ...) take only the
/// array there.
const NUMPY_AXIS_KEYWORD: &[&str] = &[
    "numpy.sum",
    "numpy.cumsum",
    "numpy.argmax",
    "numpy.argmin",
    "numpy.count_nonzero",
    "numpy.concatenate",
    "numpy.stack",
    "numpy.expand_dims",
    "numpy.take",
    "numpy.append",
    "numpy.split",
    "numpy.array_split",
    "numpy.take_along_axis",
];

/// Whether Numba's nopython mode compiles `call` to the library function `qualified`: NumPy
/// (less the calls and keywords it lacks, and Python types as dtypes), `math`, `cmath`,
/// Numba's own and the builtins it knows. Builtins and `math` take no keywords there.
pub(crate) fn library_call_compiles(qualified: &str, call: &ast::ExprCall) -> bool {
    let has_keyword = |names: &[&str]| {
        call.keywords.iter().any(|k| {
            k.arg
                .as_ref()
                .is_none_or(|arg| names.contains(&arg.as_str()))
        })
    };
    if let Some(name) = qualified.strip_prefix("numpy.") {
        // Ex) `numpy.subtract.outer`: a method of a ufunc, not a function of a submodule.
        let ufunc_method = name.split_once('.').is_some_and(|(ufunc, method)| {
            UFUNC_METHODS.contains(&method) && !NUMPY_SUBMODULES.contains(&ufunc)
        });
        let list_of_arrays = TUPLE_OF_ARRAYS.contains(&qualified)
            && matches!(
                call.args.first(),
                Some(ast::Expr::List(_) | ast::Expr::ListComp(_))
            );
        if ufunc_method || list_of_arrays || rejected_constructor_dtype(qualified, call).is_some() {
            return false;
        }
        let axis_ok = NUMPY_AXIS_KEYWORD.contains(&qualified) || !has_keyword(&["axis"]);
        // `numpy.fft` has no nopython implementation (the `rocket-fft` package adds one).
        return !qualified.starts_with("numpy.testing")
            && !qualified.starts_with("numpy.fft.")
            && !UNSUPPORTED_NUMPY.contains(&qualified)
            && !has_keyword(UNSUPPORTED_NUMPY_KEYWORDS)
            && axis_ok;
    }
    let known = qualified.starts_with("math.")
        || qualified.starts_with("cmath.")
        || qualified
            .strip_prefix("builtins.")
            .is_some_and(|b| BUILTINS.contains(&b));
    qualified.starts_with("numba.") || known && call.keywords.is_empty()
}

/// The first thing in a loop that Numba would not compile, with what it is.
#[derive(Debug, Clone)]
pub(crate) struct Blocker {
    /// What it is: "calls `helper`, a Python function of another module".
    pub(crate) what: String,
    /// Whether it is a call of a library function that Numba does not support (`np.pad`,
    /// `os.path.join`): a numeric loop with such a call is one fix away from compiling. Any
    /// other blocker (Python objects, the project's own uncompilable functions) makes the loop
    /// orchestration, not numeric work.
    pub(crate) library_call: bool,
}

/// The first call or value in `loop_` that Numba's nopython mode does not compile.
pub(crate) fn loop_blocker(
    function: &FunctionModel<'_>,
    loop_: &LoopModel<'_>,
    module: &ModuleModel<'_>,
) -> Option<Blocker> {
    first_blocker(
        std::slice::from_ref(loop_.stmt),
        &|name| function.kind_of_name(name),
        module,
        &function.syntax.name,
        2,
    )
}

/// The first call or value anywhere in the function's body that Numba's nopython mode does not
/// compile: `@njit` on the whole function fails there.
pub(crate) fn function_blocker(
    function: &FunctionModel<'_>,
    module: &ModuleModel<'_>,
) -> Option<Blocker> {
    first_blocker(
        function.syntax.body,
        &|name| function.kind_of_name(name),
        module,
        &function.syntax.name,
        2,
    )
    .or_else(|| rank_change_in_a_branch(function.syntax.body))
}

/// A name given one more dimension on one side of a branch (`if X.ndim == 1: X = X[np.newaxis,
/// :]`): after the `if`, Numba must unify a 1-D and a 2-D array type, and nopython mode fails
/// ("Cannot unify array(float64, 1d, C) and array(float64, 2d, C)").
fn rank_change_in_a_branch(body: &[ast::Stmt]) -> Option<Blocker> {
    let mut found = None;
    walk::for_each_stmt(body, &mut |stmt| {
        let ast::Stmt::If(if_stmt) = stmt else {
            return;
        };
        for side in [&if_stmt.body, &if_stmt.orelse] {
            for stmt in side.iter() {
                let ast::Stmt::Assign(assign) = stmt else {
                    continue;
                };
                let [ast::Expr::Name(name)] = assign.targets.as_slice() else {
                    continue;
                };
                if found.is_none() && adds_an_axis(&assign.value, name.id.as_str()) {
                    found = Some(Blocker {
                        what: format!(
                            "`{}` gets another number of dimensions on one side of an `if`, which Numba cannot unify",
                            name.id
                        ),
                        library_call: false,
                    });
                }
            }
        }
    });
    found
}

/// `x[np.newaxis, :]`, `x[None]`, `x[:, None]`: `x` with a new axis.
fn adds_an_axis(value: &ast::Expr, name: &str) -> bool {
    let ast::Expr::Subscript(subscript) = value else {
        return false;
    };
    if !matches!(&*subscript.value, ast::Expr::Name(base) if base.id.as_str() == name) {
        return false;
    }
    walk::indices(&subscript.slice)
        .iter()
        .any(walk::is_new_axis)
}

/// The module's own functions that `loop_` calls and that are not compiled yet: a rewrite that
/// compiles the loop must compile these too.
pub(crate) fn helpers_to_compile<'m>(
    function: &FunctionModel<'_>,
    body: &[ast::Stmt],
    module: &'m ModuleModel<'_>,
) -> Vec<&'m str> {
    let mut found: Vec<&'m str> = Vec::new();
    walk::for_each_expr_in(body, &mut |expr| {
        let ast::Expr::Call(call) = expr else { return };
        let ast::Expr::Name(name) = &*call.func else {
            return;
        };
        if let Some(helper) = module.function_named(&function.syntax.name, name.id.as_str()) {
            let compiled = module.is_compiled_with(helper, Framework::Numba);
            if !compiled && !found.contains(&helper.name.as_str()) {
                found.push(helper.name.as_str());
            }
        }
    });
    found
}

/// Whether Numba compiles the module function `helper` as it is (or has it compiled already).
pub(crate) fn helper_compiles(
    helper: &FunctionSyntax<'_>,
    module: &ModuleModel<'_>,
    depth: u8,
) -> bool {
    if module.is_compiled_with(helper, Framework::Numba) {
        return true;
    }
    if depth == 0 || helper.is_method || !helper.decorators.is_empty() {
        return false;
    }
    let args = helper.args;
    if args.vararg.is_some() || args.kwarg.is_some() || !args.kwonlyargs.is_empty() {
        return false;
    }
    // The helper's parameters take the caller's numbers and arrays; its locals are checked as
    // they are used.
    first_blocker(
        helper.body,
        &|_| Kind::Unknown,
        module,
        &helper.name,
        depth - 1,
    )
    .is_none()
        && helper.body.iter().all(|stmt| {
            matches!(
                stmt,
                ast::Stmt::Assign(_)
                    | ast::Stmt::AugAssign(_)
                    | ast::Stmt::AnnAssign(_)
                    | ast::Stmt::Return(_)
                    | ast::Stmt::If(_)
                    | ast::Stmt::For(_)
                    | ast::Stmt::While(_)
                    | ast::Stmt::Pass(_)
            ) || is_docstring(stmt)
        })
}

fn is_docstring(stmt: &ast::Stmt) -> bool {
    matches!(stmt, ast::Stmt::Expr(e) if matches!(&*e.value, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))))
}

/// Whether a `with` statement enters Numba's object mode (`with numba.objmode(...):`), where
/// the body runs as Python: what it holds compiles whatever it is.
pub(crate) fn is_object_mode(with: &ast::StmtWith, module: &ModuleModel<'_>) -> bool {
    with.items.iter().all(|item| {
        let callee = callee_or_self(&item.context_expr);
        module.imports.qualified_name(callee).as_deref() == Some("numba.objmode")
    })
}

/// The `with numba.objmode(...):` statements of a body, nested ones included.
pub(crate) fn object_mode_blocks(body: &[ast::Stmt], module: &ModuleModel<'_>) -> Vec<TextRange> {
    let mut blocks = Vec::new();
    if !module.imports.imports_module("numba") {
        return blocks;
    }
    walk::for_each_stmt(body, &mut |stmt| {
        if let ast::Stmt::With(with) = stmt {
            if is_object_mode(with, module) {
                blocks.push(with.range);
            }
        }
    });
    blocks
}

fn first_blocker(
    body: &[ast::Stmt],
    kind_of: &dyn Fn(&str) -> Kind,
    module: &ModuleModel<'_>,
    scope: &str,
    depth: u8,
) -> Option<Blocker> {
    let mut found = Found::default();
    let object_mode = object_mode_blocks(body, module);
    let in_object_mode =
        |range: TextRange| object_mode.iter().any(|block| block.contains_range(range));
    walk::for_each_stmt(body, &mut |stmt| match stmt {
        _ if in_object_mode(stmt.range()) => (),
        ast::Stmt::With(_) | ast::Stmt::Try(_) | ast::Stmt::Global(_) => {
            found.note(
                "has a `with`, `try` or `global` statement".to_owned(),
                false,
            );
        }
        ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_) => {
            found.note("imports a module".to_owned(), false);
        }
        ast::Stmt::FunctionDef(_) | ast::Stmt::ClassDef(_) | ast::Stmt::AsyncFunctionDef(_) => {
            found.note("has a nested definition".to_owned(), false);
        }
        _ => (),
    });
    // Read only when a test for `None` turns up: most bodies have none.
    let mut elements = None;
    walk::for_each_expr_in(body, &mut |expr| {
        // The first Python-object blocker decides; the rest of the walk costs nothing.
        if found.python.is_some() || in_object_mode(expr.range()) {
            return;
        }
        if tests_an_element_for_none(expr, || elements.get_or_insert_with(|| element_reads(body))) {
            found.note(
                "tests an element for `None`: its array or list holds Python objects".to_owned(),
                false,
            );
            return;
        }
        found.expr(expr, kind_of, module, scope, depth);
    });
    found.python.or(found.library)
}

/// The names that the body binds to one element of a collection (`a_val = a[i]`).
fn element_reads(body: &[ast::Stmt]) -> HashSet<&str> {
    let mut names = HashSet::new();
    walk::for_each_stmt(body, &mut |stmt| {
        if let ast::Stmt::Assign(assign) = stmt {
            if let ([ast::Expr::Name(name)], ast::Expr::Subscript(subscript)) =
                (assign.targets.as_slice(), &*assign.value)
            {
                if reads_one_element(subscript) {
                    names.insert(name.id.as_str());
                }
            }
        }
    });
    names
}

/// `a[i]`: one index, no slice.
fn reads_one_element(subscript: &ast::ExprSubscript) -> bool {
    !matches!(&*subscript.slice, ast::Expr::Slice(_) | ast::Expr::Tuple(_))
}

/// Ex) `a_val = a[i]; if a_val is None:` (datashader's ragged comparison over an object
/// array): no numeric array holds `None`, so the array is one of Python objects, which
/// nopython mode does not take.
fn tests_an_element_for_none<'b>(
    expr: &ast::Expr,
    elements: impl FnOnce() -> &'b HashSet<&'b str>,
) -> bool {
    let ast::Expr::Compare(compare) = expr else {
        return false;
    };
    let is_none = matches!(compare.ops.as_slice(), [ast::CmpOp::Is | ast::CmpOp::IsNot])
        && matches!(compare.comparators.as_slice(), [ast::Expr::Constant(c)] if matches!(c.value, ast::Constant::None));
    is_none
        && match &*compare.left {
            ast::Expr::Subscript(subscript) => reads_one_element(subscript),
            ast::Expr::Name(name) => elements().contains(name.id.as_str()),
            _ => false,
        }
}

/// The first blockers of each kind, as the walk finds them.
#[derive(Default)]
struct Found {
    python: Option<Blocker>,
    library: Option<Blocker>,
}

impl Found {
    fn note(&mut self, what: String, library_call: bool) {
        let slot = if library_call {
            &mut self.library
        } else {
            &mut self.python
        };
        if slot.is_none() {
            *slot = Some(Blocker { what, library_call });
        }
    }

    fn expr(
        &mut self,
        expr: &ast::Expr,
        kind_of: &dyn Fn(&str) -> Kind,
        module: &ModuleModel<'_>,
        scope: &str,
        depth: u8,
    ) {
        match expr {
            ast::Expr::Call(call) => {
                if let Some((what, library_call)) =
                    call_blocker(call, kind_of, module, scope, depth)
                {
                    self.note(what, library_call);
                }
            }
            ast::Expr::Attribute(attribute) => {
                let base_kind = match &*attribute.value {
                    ast::Expr::Name(name) => kind_of(name.id.as_str()),
                    _ => Kind::Unknown,
                };
                let member = ARRAY_MEMBERS.contains(&attribute.attr.as_str())
                    || (base_kind == Kind::List
                        && matches!(attribute.attr.as_str(), "append" | "pop"));
                // The name lookup allocates: only when the member test does not settle it.
                let qualified = (!member)
                    .then(|| module.imports.qualified_name(expr))
                    .flatten();
                if let Some(trick) = qualified.as_deref().filter(|q| INDEX_TRICKS.contains(q)) {
                    self.note(
                        format!("uses `{trick}`, which Numba does not support"),
                        true,
                    );
                    return;
                }
                let supported = member && base_kind != Kind::Str
                    || qualified.is_some_and(|q| {
                        q.starts_with("numpy.") || q.starts_with("math.") || q.starts_with("cmath.")
                    });
                if !supported {
                    self.note(
                        format!(
                            "reads the attribute `.{}` of a Python object",
                            attribute.attr
                        ),
                        false,
                    );
                }
            }
            // Ex) `x[[0, 2]]`, `x[idx]` with `idx = list(...)`: nopython mode indexes arrays
            // with integers, slices and arrays, not with Python lists.
            ast::Expr::Subscript(subscript)
                if walk::indices(&subscript.slice)
                    .iter()
                    .any(|index| match index {
                        ast::Expr::List(_) | ast::Expr::ListComp(_) => true,
                        ast::Expr::Name(name) => kind_of(name.id.as_str()) == Kind::List,
                        _ => false,
                    }) =>
            {
                self.note("indexes an array with a Python list".to_owned(), false);
            }
            // Ex) `obj["F"]`: a dict or a DataFrame, which nopython mode does not take.
            ast::Expr::Subscript(subscript)
                if matches!(
                    &*subscript.slice,
                    ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))
                ) =>
            {
                self.note(
                    "indexes a value by a string key (a dict or a DataFrame)".to_owned(),
                    false,
                );
            }
            ast::Expr::Name(name) => {
                if let kind @ (Kind::Str | Kind::Dict | Kind::Set) = kind_of(name.id.as_str()) {
                    let what = match kind {
                        Kind::Str => "a string",
                        Kind::Dict => "a dict",
                        _ => "a set",
                    };
                    self.note(format!("works on {what} (`{}`)", name.id), false);
                }
            }
            other if builds_python_objects(other) => {
                self.note(
                    "builds Python objects (a dict, set, f-string, generator or lambda)".to_owned(),
                    false,
                );
            }
            _ => (),
        }
    }
}

/// Whether an expression builds a Python object nopython mode does not: a dict, a set, an
/// f-string, a generator, a lambda, or a `yield`/`await`.
pub(crate) fn builds_python_objects(expr: &ast::Expr) -> bool {
    matches!(
        expr,
        ast::Expr::JoinedStr(_)
            | ast::Expr::Dict(_)
            | ast::Expr::Set(_)
            | ast::Expr::DictComp(_)
            | ast::Expr::SetComp(_)
            | ast::Expr::GeneratorExp(_)
            | ast::Expr::Lambda(_)
            | ast::Expr::Yield(_)
            | ast::Expr::YieldFrom(_)
            | ast::Expr::Await(_)
    )
}

fn call_blocker(
    call: &ast::ExprCall,
    kind_of: &dyn Fn(&str) -> Kind,
    module: &ModuleModel<'_>,
    scope: &str,
    depth: u8,
) -> Option<(String, bool)> {
    if let ast::Expr::Name(name) = &*call.func {
        let id = name.id.as_str();
        if let Some(helper) = module.function_named(scope, id) {
            return (!helper_compiles(helper, module, depth)).then(|| {
                (
                    format!("calls `{id}`, a Python function that Numba cannot compile as written"),
                    false,
                )
            });
        }
        if module.local_imports.contains(id) {
            return Some((
                format!("calls `{id}` from another module of the project, which Numba compiles only if it is `@njit` too"),
                false,
            ));
        }
    }
    match module.imports.qualified_name(&call.func) {
        Some(qualified) => {
            if matches!(qualified.as_str(), "numpy.array" | "numpy.asarray")
                && lists_arrays(call.args.first(), kind_of)
            {
                return Some((
                    format!("builds an array from a list of arrays with `{qualified}` (Numba takes `np.stack` of a tuple)"),
                    true,
                ));
            }
            if JOINS.contains(&qualified.as_str()) && joins_a_list(call.args.first(), kind_of) {
                return Some((
                    format!(
                        "joins a Python list with `{qualified}` (Numba takes a tuple of arrays)"
                    ),
                    true,
                ));
            }
            if let Some(numpy_type) = rejected_constructor_dtype(&qualified, call) {
                return Some((
                    format!("passes a Python type as the dtype of `{qualified}` (Numba takes `{numpy_type}`)"),
                    true,
                ));
            }
            let supported = library_call_compiles(&qualified, call);
            (!supported).then(|| {
                (
                    format!("calls `{qualified}`, which Numba does not compile"),
                    true,
                )
            })
        }
        None => match &*call.func {
            ast::Expr::Attribute(attribute) => {
                // Ex) `((a[i] - a[j]) ** 2).sum()`: numbers have no array methods, so a computed
                // receiver of one is an array.
                let receiver = match &*attribute.value {
                    ast::Expr::Name(name) => kind_of(name.id.as_str()),
                    ast::Expr::Subscript(_)
                    | ast::Expr::BinOp(_)
                    | ast::Expr::UnaryOp(_)
                    | ast::Expr::Call(_) => Kind::NdArray,
                    _ => Kind::Unknown,
                };
                let method = attribute.attr.as_str();
                // Ex) `d.sort(axis=0)`: Numba takes array methods without keywords.
                let ok = (receiver.is_array()
                    && ARRAY_MEMBERS.contains(&method)
                    && call.keywords.is_empty())
                    || (receiver == Kind::List && matches!(method, "append" | "pop"));
                (!ok).then(|| {
                    (
                        format!("calls the method `.{method}()` of a Python object"),
                        false,
                    )
                })
            }
            ast::Expr::Name(name) => Some((
                format!(
                    "calls `{}`, which is not a function of this module that Numba compiles",
                    name.id
                ),
                false,
            )),
            _ => Some(("calls a computed function".to_owned(), false)),
        },
    }
}

/// NumPy's functions that join a sequence of arrays.
const JOINS: &[&str] = &[
    "numpy.concatenate",
    "numpy.hstack",
    "numpy.vstack",
    "numpy.stack",
    "numpy.dstack",
    "numpy.column_stack",
    "numpy.row_stack",
];

/// Ex) `np.hstack(X_new)` of a list the loop built, `np.concatenate(([0.0], rec, [1.0]))`:
/// nopython mode joins a tuple of arrays, not a list nor a tuple holding lists ("No
/// implementation of function concatenate", checked with numba 0.68).
fn joins_a_list(arg: Option<&ast::Expr>, kind_of: &dyn Fn(&str) -> Kind) -> bool {
    let is_list = |expr: &ast::Expr| match expr {
        ast::Expr::List(_) | ast::Expr::ListComp(_) => true,
        ast::Expr::Name(name) => kind_of(name.id.as_str()) == Kind::List,
        _ => false,
    };
    match arg {
        Some(ast::Expr::Tuple(tuple)) => tuple.elts.iter().any(is_list),
        Some(other) => is_list(other),
        None => false,
    }
}

/// Whether `arg` is a list or tuple display with an array among its elements (`[x, y]` of
/// arrays, `[x[:2], x[2:]]`), which `np.array` does not take in nopython mode (0.68, probed).
fn lists_arrays(arg: Option<&ast::Expr>, kind_of: &dyn Fn(&str) -> Kind) -> bool {
    let elements = match arg {
        Some(ast::Expr::List(list)) => &list.elts,
        Some(ast::Expr::Tuple(tuple)) => &tuple.elts,
        _ => return false,
    };
    elements.iter().any(|element| match element {
        ast::Expr::Name(name) => kind_of(name.id.as_str()).is_array(),
        ast::Expr::Subscript(subscript) => walk::indices(&subscript.slice)
            .iter()
            .any(|index| matches!(index, ast::Expr::Slice(_))),
        _ => false,
    })
}

/// Whether `loop_` is a loop over `range` doing arithmetic on numbers only (no arrays): the
/// pure-Python numeric loop that Numba is for, even in a file that imports nothing.
pub(crate) fn is_numeric_loop(
    function: &FunctionModel<'_>,
    loop_: &LoopModel<'_>,
    module: &ModuleModel<'_>,
) -> bool {
    if !matches!(loop_.iter, crate::model::LoopIter::Range) {
        return false;
    }
    // A body that takes only whole slices of arrays does vectorised work per iteration.
    if loop_.accesses.iter().any(|a| a.base_kind.is_array()) && !loop_.touches_arrays() {
        return false;
    }
    let mut arithmetic = false;
    let mut numbers_only = true;
    walk::for_each_expr_in(std::slice::from_ref(loop_.stmt), &mut |expr| match expr {
        ast::Expr::BinOp(_) => arithmetic = true,
        ast::Expr::Name(name) => {
            let id = name.id.as_str();
            let known = matches!(function.kind_of_name(id), Kind::Scalar)
                || function.kind_of_name(id).is_array()
                || module.function_named(&function.syntax.name, id).is_some()
                || module.imports.qualified_name(expr).is_some();
            numbers_only &= known;
        }
        _ => (),
    });
    walk::for_each_stmt(std::slice::from_ref(loop_.stmt), &mut |stmt| {
        if matches!(stmt, ast::Stmt::AugAssign(_)) {
            arithmetic = true;
        }
    });
    arithmetic && numbers_only && loop_blocker(function, loop_, module).is_none()
}
