//! Finds the functions of a module: top level, methods and nested functions.

use rustpython_parser::ast::{self, Ranged};

use crate::line_index::LineIndex;
use crate::report::{FunctionReport, Range};

/// Lists every function of `suite`, outermost first, with dotted names for methods and nested
/// functions (`Model.forward`, `outer.inner`).
pub(crate) fn collect(suite: &[ast::Stmt], index: &LineIndex<'_>) -> Vec<FunctionReport> {
    let mut functions = Vec::new();
    collect_in(&mut functions, suite, "", index);
    functions
}

fn collect_in(
    acc: &mut Vec<FunctionReport>,
    body: &[ast::Stmt],
    prefix: &str,
    index: &LineIndex<'_>,
) {
    for stmt in body {
        let (name, inner) = match stmt {
            ast::Stmt::FunctionDef(def) => (def.name.as_str(), &def.body),
            ast::Stmt::AsyncFunctionDef(def) => (def.name.as_str(), &def.body),
            ast::Stmt::ClassDef(class) => {
                let qualified = format!("{prefix}{}.", class.name);
                collect_in(acc, &class.body, &qualified, index);
                continue;
            }
            _ => continue,
        };
        let qualified = format!("{prefix}{name}");
        let range = stmt.range();
        acc.push(FunctionReport {
            name: qualified.clone(),
            range: Range {
                start: index.position(range.start().to_usize()),
                end: index.position(range.end().to_usize()),
            },
            verdicts: Vec::new(),
            strategies: Vec::new(),
        });
        collect_in(acc, inner, &format!("{qualified}."), index);
    }
}
