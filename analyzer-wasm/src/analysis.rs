//! Runs the model, the rules and the verdicts over one parsed module.

use rustpython_parser::ast;

use crate::line_index::LineIndex;
use crate::model::observed::Observations;
use crate::model::{jax_traced_imports, FunctionModel, ModuleModel, ProjectFacts};
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

/// Analyzes a parsed module of a project with the facts `project`; with the report come the
/// names its JAX-traced code calls of the project's other modules ([`jax_traced_imports`]).
pub(crate) fn run_in(
    suite: &[ast::Stmt],
    source: &str,
    index: &LineIndex<'_>,
    project: &ProjectFacts,
) -> (Report, Vec<String>) {
    let module = ModuleModel::build_in(suite, project);
    let callees = if module.imports.imports_module("jax") {
        jax_traced_imports(&module)
    } else {
        Vec::new()
    };
    (report_of(&module, source, index), callees)
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
