//! The part of a user's module that a generated test loads: imports, functions, classes and the
//! constants the functions read. Script code (benchmarks, prints, `if __name__ == ...`) becomes
//! blank lines, so line numbers in tracebacks still match the user's file.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};

use crate::model::{functions, walk, FunctionModel, ModuleModel};

/// `source` with its script statements blanked out; the source itself when it does not parse.
pub(crate) fn skeleton(source: &str) -> String {
    let Ok(suite) = crate::parse_module(source) else {
        return source.to_owned();
    };
    let module = ModuleModel::build(&suite);
    let mut free: HashSet<String> = HashSet::new();
    for syntax in functions(&suite) {
        let model = FunctionModel::build(syntax, &module);
        walk::for_each_expr_in(model.syntax.body, &mut |expr| {
            if let ast::Expr::Name(name) = expr {
                if !model.is_local(name.id.as_str()) {
                    free.insert(name.id.to_string());
                }
            }
        });
        for decorator in model.syntax.decorators {
            walk::walk_expr(decorator, &mut |expr| {
                if let ast::Expr::Name(name) = expr {
                    free.insert(name.id.to_string());
                }
            });
        }
    }
    let mut out = String::with_capacity(source.len());
    let mut cursor = 0;
    for stmt in &suite {
        if keep(stmt, &free) {
            continue;
        }
        let range = stmt.range();
        let (start, end) = (range.start().to_usize(), range.end().to_usize());
        out.push_str(source.get(cursor..start).unwrap_or(""));
        let removed = source.get(start..end).unwrap_or("");
        out.push_str(&"\n".repeat(removed.matches('\n').count()));
        out.push_str("pass");
        cursor = end;
    }
    out.push_str(source.get(cursor..).unwrap_or(""));
    out
}

/// The module's top-level import statements, one a line.
pub(crate) fn imports(source: &str) -> String {
    let Ok(suite) = crate::parse_module(source) else {
        return String::new();
    };
    let mut out = String::new();
    for stmt in suite
        .iter()
        .filter(|s| matches!(s, ast::Stmt::Import(_) | ast::Stmt::ImportFrom(_)))
    {
        let range = stmt.range();
        out.push_str(
            source
                .get(range.start().to_usize()..range.end().to_usize())
                .unwrap_or(""),
        );
        out.push('\n');
    }
    out
}

fn keep(stmt: &ast::Stmt, free: &HashSet<String>) -> bool {
    match stmt {
        // Ex) the module docstring.
        ast::Stmt::Expr(expr) => matches!(&*expr.value, ast::Expr::Constant(c) if c.value.is_str()),
        ast::Stmt::Import(_)
        | ast::Stmt::ImportFrom(_)
        | ast::Stmt::FunctionDef(_)
        | ast::Stmt::AsyncFunctionDef(_)
        | ast::Stmt::ClassDef(_) => true,
        ast::Stmt::Assign(_) | ast::Stmt::AnnAssign(_) | ast::Stmt::AugAssign(_) => {
            crate::model::liveness::bound_by(stmt)
                .iter()
                .any(|name| free.contains(*name))
        }
        // Ex) `try: import cupy` / `except ImportError: cupy = None`
        ast::Stmt::Try(try_stmt) => {
            let only_setup = |body: &[ast::Stmt]| {
                body.iter().all(|s| {
                    matches!(
                        s,
                        ast::Stmt::Import(_)
                            | ast::Stmt::ImportFrom(_)
                            | ast::Stmt::Pass(_)
                            | ast::Stmt::Assign(_)
                    )
                })
            };
            only_setup(&try_stmt.body)
                && try_stmt.handlers.iter().all(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    only_setup(&h.body)
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_code_is_blanked_and_lines_kept() {
        let source = "import torch\nSCALE = 2.0\nUNUSED = 3\ndef f(x):\n    return x * SCALE\n\nx = torch.randn(1000,\n    1000)\nprint(f(x))\nif __name__ == '__main__':\n    f(x)\n";
        let out = skeleton(source);
        assert_eq!(out.lines().count(), source.lines().count());
        assert!(out.contains("SCALE = 2.0"));
        assert!(!out.contains("UNUSED"));
        assert!(!out.contains("randn"));
        assert!(!out.contains("print"));
        assert!(out.contains("def f(x):"));
        assert!(crate::parse_module(&out).is_ok());
    }
}
