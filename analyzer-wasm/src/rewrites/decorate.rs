//! The decorate strategy: the JIT decorator with options chosen from the model.
//!
//! - Numba: `njit(cache=True)`; the fast variant adds `parallel=True` with `prange` on the
//!   outermost loops whose iterations are independent, and `fastmath=True` when the function
//!   reads no NaN or infinity.
//! - torch: `torch.compile`, `dynamic=True` when Python scalars are passed (each new value would
//!   otherwise recompile), `mode="max-autotune"` when matmul-type kernels dominate.
//! - JAX: `jax.jit`, with `static_argnames` for the arguments that drive shapes, `range` or
//!   Python branches (through `functools.partial`, which every JAX version accepts).
//! - TensorFlow: `tf.function(jit_compile=True)`, `reduce_retracing=True` for Python scalars.

use rustpython_parser::ast::{self, Ranged};

use crate::model::{numba_support, walk, Framework, FunctionModel, FunctionSyntax, Kind, LoopIter};
use crate::rewrites::edit::{self, TextEdit};
use crate::rewrites::importer::Importer;
use crate::rewrites::Context;

/// Which set of options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// The options that keep results identical.
    Plain,
    /// Numba only: parallel loops and fast math where the model allows them.
    Fast,
}

/// The decorator and what goes with it.
pub(crate) struct Decoration {
    pub(crate) slug: &'static str,
    pub(crate) title: String,
    pub(crate) notes: Vec<String>,
    pub(crate) review: bool,
    pub(crate) edits: Vec<TextEdit>,
}

/// The variants worth trying for a framework.
pub(crate) fn variants(framework: Framework) -> &'static [Variant] {
    match framework {
        Framework::Numba => &[Variant::Plain, Variant::Fast],
        _ => &[Variant::Plain],
    }
}

/// Whether rewrites for `framework` make sense for this function at all.
pub(crate) fn applies(model: &FunctionModel<'_>, framework: Framework) -> bool {
    if model.syntax.is_method && framework != Framework::Torch {
        return false;
    }
    if model.is_jitted() && model.jit_for(framework).is_none() {
        return false;
    }
    if is_generator(model.syntax.body) {
        return false;
    }
    match framework {
        Framework::Numba => {
            model.targets(framework) || (model.libraries.is_empty() && !model.loops.is_empty())
        }
        other => model.targets(other),
    }
}

fn is_generator(body: &[ast::Stmt]) -> bool {
    let mut found = false;
    walk::for_each_expr_in(body, &mut |expr| {
        found |= matches!(
            expr,
            ast::Expr::Yield(_) | ast::Expr::YieldFrom(_) | ast::Expr::Await(_)
        );
    });
    found
}

/// The module's functions that a Numba rewrite of `model` must compile with it: those it
/// calls that are not compiled yet and that Numba compiles as they are.
pub(crate) fn numba_helpers<'a>(
    context: &Context<'a>,
    model: &FunctionModel<'_>,
) -> Vec<&'a FunctionSyntax<'a>> {
    numba_support::helpers_to_compile(model, model.syntax.body, context.module)
        .into_iter()
        .filter_map(|name| context.module.functions.iter().find(|f| f.name == name))
        .filter(|helper| numba_support::helper_compiles(helper, context.module, 2))
        .collect()
}

/// `@njit(cache=True)` above a helper that a compiled function calls.
pub(crate) fn decorate_helper(
    context: &Context<'_>,
    helper: &FunctionSyntax<'_>,
    importer: &mut Importer,
) -> TextEdit {
    let line_start = def_line_start_of(context.source, helper);
    let indent = edit::indent_at(context.source, line_start).to_owned();
    let njit = importer.name("numba", "njit");
    TextEdit::insert(line_start, format!("{indent}@{njit}(cache=True)\n"))
}

/// The offset where the line of the `def` keyword starts (below any decorators).
pub(crate) fn def_line_start(source: &str, model: &FunctionModel<'_>) -> usize {
    def_line_start_of(source, &model.syntax)
}

fn def_line_start_of(source: &str, syntax: &FunctionSyntax<'_>) -> usize {
    let mut offset = match syntax.decorators.last() {
        Some(decorator) => decorator.end().to_usize(),
        None => syntax.range.start().to_usize(),
    };
    // Skip the rest of the decorator line, blank lines and comments up to `def`/`async`.
    let bytes = source.as_bytes();
    while offset < bytes.len() {
        match bytes.get(offset) {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b')') => offset += 1,
            Some(b'#') => offset = edit::next_line_start(source, offset),
            _ => break,
        }
    }
    edit::line_start(source, offset)
}

/// The decorator edit (and `prange` edits) for one variant; `None` when the variant adds
/// nothing over the plain one.
pub(crate) fn decorate(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: Framework,
    variant: Variant,
    importer: &mut Importer,
) -> Option<Decoration> {
    let line_start = def_line_start(context.source, model);
    let indent = edit::indent_at(context.source, line_start).to_owned();
    let mut decoration = match framework {
        Framework::Numba => numba(context, model, variant, importer)?,
        Framework::Torch => torch(model, importer),
        Framework::Jax => jax(context, model, importer),
        Framework::TensorFlow => tensorflow(model, importer),
    };
    let text = decoration.title.clone();
    decoration
        .edits
        .push(TextEdit::insert(line_start, format!("{indent}@{text}\n")));
    decoration.title = format!("Compile with @{text}");
    if let Some(extra) = decoration.notes.first().filter(|n| n.starts_with("prange")) {
        decoration.title = format!("{}; {extra}", decoration.title);
    }
    Some(decoration)
}

fn call(name: &str, options: &[String]) -> String {
    if options.is_empty() {
        name.to_owned()
    } else {
        format!("{name}({})", options.join(", "))
    }
}

fn numba(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    variant: Variant,
    importer: &mut Importer,
) -> Option<Decoration> {
    let mut options = vec!["cache=True".to_owned()];
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    if variant == Variant::Fast {
        let parallel: Vec<_> = model
            .loops
            .iter()
            .filter(|l| {
                l.depth == 1
                    && l.iter == LoopIter::Range
                    && l.is_independent()
                    && l.touches_arrays()
            })
            .collect();
        let fastmath = model.nan_reads(context.module).is_empty();
        if parallel.is_empty() && !fastmath {
            return None;
        }
        if !parallel.is_empty() {
            let prange = importer.name("numba", "prange");
            let mut lines = Vec::new();
            for lp in &parallel {
                let ast::Stmt::For(for_stmt) = lp.stmt else {
                    continue;
                };
                let ast::Expr::Call(range_call) = &*for_stmt.iter else {
                    continue;
                };
                let func = range_call.func.range();
                edits.push(TextEdit::replace(
                    func.start().to_usize(),
                    func.end().to_usize(),
                    prange.clone(),
                ));
                lines.push(line_of(context.source, func.start().to_usize()).to_string());
            }
            options.push("parallel=True".to_owned());
            notes.push(format!(
                "prange over the loop(s) at line {}: their iterations are independent (each writes only its own elements; sums are reductions)",
                lines.join(", ")
            ));
        }
        if fastmath {
            options.push("fastmath=True".to_owned());
            notes.push("fastmath: no NaN or infinity is tested, but sums may be reassociated (results can differ in the last bits)".to_owned());
        }
    }
    let njit = importer.name("numba", "njit");
    let review = variant == Variant::Fast;
    Some(Decoration {
        slug: if review { "njit-parallel" } else { "njit" },
        title: call(&njit, &options),
        notes,
        review,
        edits,
    })
}

fn line_of(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Parameters that are Python scalars (not `self`).
fn scalar_params<'a>(model: &'a FunctionModel<'_>) -> impl Iterator<Item = &'a str> {
    let skip_self = usize::from(model.syntax.is_method);
    model
        .params
        .iter()
        .skip(skip_self)
        .filter(|p| p.kind == Kind::Scalar)
        .map(|p| p.name)
}

fn torch(model: &FunctionModel<'_>, importer: &mut Importer) -> Decoration {
    let compile = importer.name("torch", "compile");
    let mut options = Vec::new();
    let mut notes = Vec::new();
    let scalars: Vec<&str> = scalar_params(model).collect();
    if !scalars.is_empty() {
        options.push("dynamic=True".to_owned());
        notes.push(format!(
            "dynamic=True: the Python scalar argument(s) {} would otherwise be specialised, one compile per new value",
            scalars.join(", ")
        ));
    }
    if model.ops.kernels > 0 && model.ops.elementwise > 0 {
        options.push("mode=\"max-autotune\"".to_owned());
        notes.push("mode=\"max-autotune\": matmul-type kernels with elementwise work around them; autotuning picks fused GEMM templates (compiling takes longer)".to_owned());
    }
    Decoration {
        slug: "compile",
        title: call(&compile, &options),
        notes,
        review: false,
        edits: Vec::new(),
    }
}

fn jax(context: &Context<'_>, model: &FunctionModel<'_>, importer: &mut Importer) -> Decoration {
    let jit = importer.name("jax", "jit");
    let statics = static_args(context, model);
    if statics.is_empty() {
        return Decoration {
            slug: "jit",
            title: jit,
            notes: Vec::new(),
            review: false,
            edits: Vec::new(),
        };
    }
    let partial = importer.name("functools", "partial");
    let names: Vec<String> = statics.iter().map(|n| format!("\"{n}\"")).collect();
    let tuple = if names.len() == 1 {
        format!("({},)", names.join(""))
    } else {
        format!("({})", names.join(", "))
    };
    Decoration {
        slug: "jit",
        title: format!("{partial}({jit}, static_argnames={tuple})"),
        notes: vec![format!(
            "static_argnames: {} drive(s) shapes, `range` or Python branches; each new value compiles once",
            statics.join(", ")
        )],
        review: false,
        edits: Vec::new(),
    }
}

/// Parameters that JAX must see as Python values: they size arrays, bound `range` or slices,
/// or decide Python branches (strings and Python scalars only: arrays in a branch are traced).
pub(crate) fn static_args<'a>(context: &Context<'_>, model: &FunctionModel<'a>) -> Vec<&'a str> {
    let mut statics: Vec<&'a str> = Vec::new();
    for param in &model.params {
        let name = param.name;
        let python_value = matches!(param.kind, Kind::Scalar | Kind::Str | Kind::Tuple);
        if param.kind == Kind::Str
            || (python_value && drives_branch(model, name))
            || drives_shape(context, model, name)
        {
            statics.push(name);
        }
    }
    statics
}

fn drives_branch(model: &FunctionModel<'_>, name: &str) -> bool {
    model.branches.iter().any(|b| walk::mentions(b.test, name))
}

const SHAPE_FUNCTIONS: &[&str] = &[
    "zeros",
    "ones",
    "empty",
    "full",
    "arange",
    "linspace",
    "eye",
    "identity",
    "reshape",
    "broadcast_to",
    "tile",
    "repeat",
    "split",
    "range",
    "tri",
    "triu",
    "tril",
    "roll",
];
const SHAPE_KEYWORDS: &[&str] = &[
    "shape", "axis", "axes", "num", "k", "newshape", "size", "dim", "length",
];

fn drives_shape(context: &Context<'_>, model: &FunctionModel<'_>, name: &str) -> bool {
    let mut found = false;
    walk::for_each_expr_in(model.syntax.body, &mut |expr| match expr {
        ast::Expr::Call(call) => {
            let callee = match context.module.imports.qualified_name(&call.func) {
                Some(qualified) => qualified.rsplit('.').next().unwrap_or_default().to_owned(),
                None => match &*call.func {
                    ast::Expr::Attribute(attribute) => attribute.attr.to_string(),
                    _ => String::new(),
                },
            };
            if SHAPE_FUNCTIONS.contains(&callee.as_str())
                && call.args.iter().any(|a| walk::mentions(a, name))
            {
                found = true;
            }
            if call.keywords.iter().any(|k| {
                k.arg
                    .as_ref()
                    .is_some_and(|arg| SHAPE_KEYWORDS.contains(&arg.as_str()))
                    && walk::mentions(&k.value, name)
            }) {
                found = true;
            }
        }
        ast::Expr::Slice(slice) => {
            found |= [&slice.lower, &slice.upper, &slice.step]
                .into_iter()
                .flatten()
                .any(|part| walk::mentions(part, name));
        }
        _ => (),
    });
    found
}

fn tensorflow(model: &FunctionModel<'_>, importer: &mut Importer) -> Decoration {
    let function = importer.name("tensorflow", "function");
    let mut options = vec!["jit_compile=True".to_owned()];
    let mut notes = Vec::new();
    let scalars: Vec<&str> = scalar_params(model).collect();
    if !scalars.is_empty() {
        options.push("reduce_retracing=True".to_owned());
        notes.push(format!(
            "reduce_retracing=True: the Python scalar argument(s) {} would otherwise retrace for every new value",
            scalars.join(", ")
        ));
    }
    Decoration {
        slug: "function",
        title: call(&function, &options),
        notes,
        review: false,
        edits: Vec::new(),
    }
}
