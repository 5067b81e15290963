//! PT005: logging or `warnings.warn` inside a function compiled by `torch.compile`.

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

use crate::model::{walk, CallSite, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `logging` calls, logger methods (`logger.info(...)`) and `warnings.warn(...)` in
    /// code compiled by `torch.compile`.
    ///
    /// Logging under an `if` or in an `except` handler is left alone: it reports a rare
    /// case (a deprecated argument, a size mismatch, a `verbose` flag), which the calls a
    /// compiled model makes do not take.
    ///
    /// ## Why is this bad?
    /// Each one breaks the graph (torch 2.15: "logging.Logger method not supported for
    /// non-export cases"; `warnings.warn`: "Attempted to call function marked as skipped"). Note
    /// that `torch._dynamo.explain()` under-counts these breaks; the graph-break counter sees them.
    ///
    /// ## Example
    /// ```python
    /// @torch.compile
    /// def step(x):
    ///     logger.info("step")
    ///     return x * 2
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @torch.compile
    /// def step(x):
    ///     return x * 2
    ///
    /// logger.info("step")
    /// y = step(x)
    /// ```
}

const LOGGER_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "log",
];

/// PT005
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let logging: Vec<TextRange> = function
        .calls
        .iter()
        .filter(|call| is_logging(call))
        .map(|call| call.expr.range)
        .collect();
    if logging.is_empty() {
        return;
    }
    let rare_paths = conditional_blocks(function.syntax.body);
    for range in logging {
        if !rare_paths.iter().any(|r| r.contains_range(range)) {
            checker.report(
                range,
                "logging breaks the graph: log outside the compiled function",
            );
        }
    }
}

/// `logging.info(...)`, `warnings.warn(...)`, `logger.info(...)`, `self.log.warning(...)`.
fn is_logging(call: &CallSite<'_>) -> bool {
    match (&call.qualified, call.method, call.receiver) {
        (Some(q), _, _) => {
            q.starts_with("logging.") && LOGGER_METHODS.iter().any(|m| q.ends_with(m))
                || q == "warnings.warn"
        }
        (None, Some(method), Some(receiver)) => {
            LOGGER_METHODS.contains(&method) && receiver_looks_like_logger(receiver)
        }
        _ => false,
    }
}

fn receiver_looks_like_logger(receiver: &ast::Expr) -> bool {
    let name = match receiver {
        ast::Expr::Name(name) => name.id.as_str(),
        ast::Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    let lower = name.to_ascii_lowercase();
    lower.contains("log")
}

/// The ranges of every `if` statement and `except` handler in the body.
fn conditional_blocks(body: &[ast::Stmt]) -> Vec<TextRange> {
    let mut blocks = Vec::new();
    walk::for_each_stmt(body, &mut |stmt| match stmt {
        ast::Stmt::If(if_stmt) => blocks.push(if_stmt.range()),
        ast::Stmt::Try(try_stmt) => blocks.extend(try_stmt.handlers.iter().map(|h| h.range())),
        _ => (),
    });
    blocks
}
