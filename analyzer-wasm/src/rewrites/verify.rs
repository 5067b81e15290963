//! Re-parses and re-analyses a candidate; turns the survivors into report strategies.
//!
//! The check runs on a reduced module: the rewrite without the untouched top-level functions and
//! classes (those the rewritten code names keep their header, with `...` as body) and without
//! module-level expression statements and assignments to names it does not read. Imports and globals stay, so the diagnostics of the
//! rewritten functions are those of the whole module, and a check costs little in a big file.

use std::collections::HashSet;

use rustpython_parser::ast::{self, Ranged};

use crate::line_index::LineIndex;
use crate::model::{liveness, walk};
use crate::report::{Diagnostic, Severity, Strategy};
use crate::rewrites::edit::{self, TextEdit};
use crate::rewrites::{Candidate, Context};

/// The strategy for `candidate`, or why it is refused: its rewrite does not parse, or still
/// carries an error of its framework in a function it compiles.
pub(crate) fn verify(
    context: &Context<'_>,
    index: &LineIndex<'_>,
    function: &str,
    candidate: Candidate,
) -> Result<Strategy, String> {
    let Candidate {
        slug,
        title,
        framework,
        review,
        notes,
        mut edits,
        checked,
    } = candidate;
    let unbuilt =
        || format!("jitlens could not build its `{title}` rewrite (a bug: please report it)");
    if !edit::normalize(context.source, &mut edits) {
        return Err(unbuilt());
    }
    let reduced = reduced_module(context, &edits).ok_or_else(unbuilt)?;
    // A candidate that does not parse comes back with parse errors.
    let report = crate::analyze_without_strategies(&reduced);
    if !report.parse_errors.is_empty() {
        return Err(unbuilt());
    }
    let prefix = family_prefix(framework.as_str());
    let mut warned = false;
    for diagnostic in report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with(prefix))
        .filter(|d| d.function.as_ref().is_some_and(|f| checked.contains(f)))
    {
        if is_blocking(diagnostic) {
            return Err(format!(
                "with {title}, {} still stops `{}`: {}",
                diagnostic.code,
                diagnostic.function.as_deref().unwrap_or(function),
                diagnostic.message
            ));
        }
        warned |= diagnostic.severity == Severity::Warning;
    }
    if !checked
        .iter()
        .all(|name| report.functions.iter().any(|f| &f.name == name))
    {
        return Err(unbuilt());
    }
    let applicability = if review || warned { "review" } else { "safe" };
    Ok(Strategy {
        id: format!("{function}:{slug}"),
        title,
        framework: framework.as_str().to_owned(),
        applicability: applicability.to_owned(),
        notes,
        edits: edit::to_report(&edits, index),
        source: edit::apply(context.source, &edits),
    })
}

/// Whether a diagnostic stops compilation: an error, or a rule of a family's 0xx group (errors
/// and graph breaks), which the rules report as a warning on functions not compiled yet.
fn is_blocking(diagnostic: &Diagnostic) -> bool {
    let digits = diagnostic
        .code
        .trim_start_matches(|c: char| c.is_ascii_alphabetic());
    diagnostic.severity == Severity::Error || digits.starts_with('0')
}

/// The diagnostic code prefix of a framework's rule family.
fn family_prefix(framework: &str) -> &'static str {
    match framework {
        "numba" => "NB",
        "torch" => "PT",
        "jax" => "JX",
        _ => "TF",
    }
}

/// The rewrite with the bodies of untouched top-level definitions replaced by `...`.
fn reduced_module(context: &Context<'_>, edits: &[TextEdit]) -> Option<String> {
    let source = context.source;
    let touches = |start: usize, end: usize| {
        edits
            .iter()
            .any(|e| e.start > start && e.start < end || e.start == start && e.end > start)
    };
    // The names the touched statements read: the definitions they may call keep their headers.
    let mut referenced: HashSet<&str> = HashSet::new();
    for stmt in context.suite {
        let range = stmt.range();
        if touches(range.start().to_usize(), range.end().to_usize()) {
            walk::for_each_expr_in(std::slice::from_ref(stmt), &mut |expr| {
                if let ast::Expr::Name(name) = expr {
                    referenced.insert(name.id.as_str());
                }
            });
            if let ast::Stmt::FunctionDef(def) = stmt {
                walk::for_each_expr_in(&def.body, &mut |expr| {
                    if let ast::Expr::Name(name) = expr {
                        referenced.insert(name.id.as_str());
                    }
                });
            }
        }
    }
    let mut all: Vec<TextEdit> = edits.to_vec();
    for stmt in context.suite {
        let (name, body, decorators) = match stmt {
            ast::Stmt::FunctionDef(def) => (def.name.as_str(), &def.body, &def.decorator_list),
            ast::Stmt::AsyncFunctionDef(def) => (def.name.as_str(), &def.body, &def.decorator_list),
            ast::Stmt::ClassDef(class) => (class.name.as_str(), &class.body, &class.decorator_list),
            // Ex) a module-level call or docstring, or a global the rewrite does not read.
            ast::Stmt::Expr(_)
            | ast::Stmt::Assign(_)
            | ast::Stmt::AnnAssign(_)
            | ast::Stmt::AugAssign(_) => {
                let range = stmt.range();
                let (start, end) = (range.start().to_usize(), range.end().to_usize());
                let needed = liveness::bound_by(stmt)
                    .iter()
                    .any(|name| referenced.contains(name));
                if !needed && !touches(start, end) && edit::line_start(source, start) == start {
                    all.push(TextEdit::replace(start, end, "pass"));
                }
                continue;
            }
            _ => continue,
        };
        let range = stmt.range();
        let first = decorators
            .first()
            .map_or(range.start(), |d| d.start())
            .min(range.start())
            .to_usize();
        let (start, end) = (edit::line_start(source, first), range.end().to_usize());
        if touches(start, end) || edits.iter().any(|e| e.start == start) {
            continue;
        }
        if !referenced.contains(name) {
            all.push(TextEdit::replace(
                start,
                edit::next_line_start(source, end),
                "",
            ));
            continue;
        }
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            continue;
        };
        all.push(TextEdit::replace(
            first.start().to_usize(),
            last.end().to_usize(),
            "...",
        ));
    }
    edit::normalize(source, &mut all).then(|| edit::apply(source, &all))
}
