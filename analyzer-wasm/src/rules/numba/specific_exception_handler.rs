//! NB010: `except SomeError:` inside a Numba function.

use rustpython_parser::ast;

use crate::model::{walk, FunctionModel};
use crate::rules::{rule_doc, Checker};

rule_doc! {
    /// ## What it does
    /// Flags `except` clauses that name an exception class other than `Exception`, or bind it
    /// with `as`, in code compiled by Numba.
    ///
    /// ## Why is this bad?
    /// Numba supports only bare `except:` and `except Exception:`. `except ValueError:` raises
    /// `numba.core.errors.TypingError` ("No implementation of function ... exception_match") and
    /// `except Exception as e:` raises `UnsupportedBytecodeError` at the first call.
    ///
    /// ## Example
    /// ```python
    /// @njit
    /// def safe_div(a, b):
    ///     try:
    ///         return a / b
    ///     except ZeroDivisionError:
    ///         return 0.0
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @njit
    /// def safe_div(a, b):
    ///     if b == 0.0:
    ///         return 0.0
    ///     return a / b
    /// ```
}

/// NB010
pub(crate) fn check(checker: &mut Checker<'_, '_>, function: &FunctionModel<'_>) {
    let module = checker.module;
    let mut found = Vec::new();
    walk::for_each_stmt(function.syntax.body, &mut |stmt| {
        let ast::Stmt::Try(try_stmt) = stmt else {
            return;
        };
        for handler in &try_stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            let named_class = handler.type_.as_deref().is_some_and(|t| {
                module.imports.qualified_name(t).as_deref() != Some("builtins.Exception")
                    && !matches!(t, ast::Expr::Name(n) if n.id.as_str() == "Exception")
            });
            if named_class || handler.name.is_some() {
                found.push(handler.range);
            }
        }
    });
    for range in found {
        checker.report(
            range,
            "Numba supports only bare `except:` and `except Exception:` without `as`",
        );
    }
}
