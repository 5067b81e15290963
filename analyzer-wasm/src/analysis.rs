//! Runs the model, the rules and the verdicts over one parsed module.

use rustpython_parser::ast;

use crate::line_index::LineIndex;
use crate::model::observed::Observations;
use crate::model::{jax_traced_imports, walk, Framework, FunctionModel, ModuleModel, ProjectFacts};
use crate::project::ModuleFacts;
use crate::report::{FunctionReport, Range, Report};
use crate::rules::{Checker, RULES};
use crate::verdicts;

/// Analyzes a parsed module, with what a trace saw its functions called with when given.
pub(crate) fn run(
    suite: &[ast::Stmt],
    source: &str,
    index: &LineIndex<'_>,
    observations: Option<&Observations>,
) -> Report {
    let module = match observations {
        Some(observations) => ModuleModel::build(suite).with_observations(observations),
        None => ModuleModel::build(suite),
    };
    report_of(&module, source, index)
}

/// Analyzes a parsed module, named `name` (dotted), of a project with the facts `project`; with
/// the report comes what the module teaches the project ([`ModuleFacts`]).
pub(crate) fn run_in(
    suite: &[ast::Stmt],
    source: &str,
    index: &LineIndex<'_>,
    project: &ProjectFacts,
    name: &str,
) -> (Report, ModuleFacts) {
    let module = ModuleModel::build_in(suite, project, name);
    let jax_callees = if module.imports.imports_module("jax") {
        jax_traced_imports(&module)
    } else {
        Vec::new()
    };
    let facts = ModuleFacts {
        jax_callees,
        static_predicates: module.static_predicates.iter().cloned().collect(),
        imported: imported_in_tests(&module),
    };
    (report_of(&module, source, index), facts)
}

/// The names imported from the project that the module's JAX-compiled or traced functions call
/// in a branch test (`if isbool(lo):`): where a type-and-shape test of another module would
/// change a finding (JX001 reads them).
fn imported_in_tests(module: &ModuleModel<'_>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut note = |test: &ast::Expr| {
        walk::walk_expr(test, &mut |expr| {
            if let ast::Expr::Call(call) = expr {
                if let ast::Expr::Name(name) = &*call.func {
                    let id = name.id.as_str();
                    if module.local_imports.contains(id) && !found.iter().any(|f| f == id) {
                        found.push(id.to_owned());
                    }
                }
            }
        });
    };
    let traced = module
        .functions
        .iter()
        .filter(|f| module.is_compiled_with(f, Framework::Jax));
    for function in traced {
        walk::for_each_stmt(function.body, &mut |stmt| match stmt {
            ast::Stmt::If(if_stmt) => note(&if_stmt.test),
            ast::Stmt::While(while_stmt) => note(&while_stmt.test),
            ast::Stmt::Assert(assert) => note(&assert.test),
            _ => (),
        });
        walk::for_each_expr_in(function.body, &mut |expr| {
            if let ast::Expr::IfExp(if_exp) = expr {
                note(&if_exp.test);
            }
        });
    }
    found
}

fn report_of(module: &ModuleModel<'_>, source: &str, index: &LineIndex<'_>) -> Report {
    let mut report = Report::default();
    for syntax in module.functions.iter().cloned() {
        let name = syntax.name.clone();
        let range = syntax.range;
        let model = FunctionModel::build(syntax, module);
        let mut checker = Checker::new(module, source, index, &name);
        for rule in RULES.iter().filter(|rule| rule.family.applies_to(&model)) {
            checker.run(rule, &model);
        }
        let mut diagnostics = checker.into_diagnostics();
        verdicts::keep_what_decides(&model, module, &mut diagnostics);
        let verdicts = verdicts::judge(&model, module, &diagnostics);
        verdicts::keep_opportunities_that_pay(&verdicts, &mut diagnostics);
        verdicts::keep_what_models_run(&model, module, &mut diagnostics);
        report.functions.push(FunctionReport {
            name,
            range: Range {
                start: index.position(range.start().to_usize()),
                end: index.position(range.end().to_usize()),
            },
            verdicts,
            strategies: Vec::new(),
        });
        report.diagnostics.extend(diagnostics);
    }
    report
        .diagnostics
        .sort_by_key(|d| (d.range.start.line, d.range.start.column));
    report
}
