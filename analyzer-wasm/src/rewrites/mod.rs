//! Rewrites: strategies as minimal text edits, each re-parsed and re-analysed before it is
//! offered.
//!
//! For every function and framework the candidates are: the decorator (`decorate`), the fixes
//! that make the body compile (`branchless` for Python branches on tensor data, `jax_update` for
//! in-place stores on JAX arrays), the two together, and the kernel and wrapper split (`split`).
//! A candidate survives only when its rewrite parses and its re-analysis shows no error-severity
//! diagnostic of its framework in the functions it compiles ([`verify`]).

mod branchless;
mod decorate;
mod edit;
mod flow;
mod importer;
mod jax_update;
mod split;
mod vectorize;
mod verify;

use rustpython_parser::ast;

use crate::line_index::LineIndex;
use crate::model::{functions, Framework, FunctionModel, ModuleModel};
use crate::report::{Report, Strategy};

pub(crate) use edit::TextEdit;

/// What every strategy builder reads.
pub(crate) struct Context<'a> {
    pub(crate) source: &'a str,
    pub(crate) suite: &'a [ast::Stmt],
    pub(crate) module: &'a ModuleModel<'a>,
}

/// A rewrite before verification.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// Short and stable within the function: `numba-njit`, `torch-branchless`.
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) framework: Framework,
    /// `review` whatever the re-analysis says (where, prange, fastmath, split).
    pub(crate) review: bool,
    pub(crate) notes: Vec<String>,
    pub(crate) edits: Vec<TextEdit>,
    /// The functions of the rewrite that its framework compiles or must be able to compile.
    pub(crate) checked: Vec<String>,
}

/// Fills `strategies` of every function of `report` and points each verdict at the first
/// strategy of its framework.
pub(crate) fn attach(
    report: &mut Report,
    suite: &[ast::Stmt],
    source: &str,
    index: &LineIndex<'_>,
) {
    let module = ModuleModel::build(suite);
    let context = Context {
        source,
        suite,
        module: &module,
    };
    let all = functions(suite);
    for syntax in all.iter().cloned() {
        // Ex) `@overload` stubs and redefinitions: only the last definition of a name runs.
        let start_line = index.position(syntax.range.start().to_usize()).line;
        let Some(function) = report
            .functions
            .iter_mut()
            .find(|f| f.name == syntax.name && f.range.start.line == start_line)
        else {
            continue;
        };
        if all.iter().filter(|other| other.name == syntax.name).count() > 1 {
            for verdict in &mut function.verdicts {
                if matches!(verdict.benefit.as_str(), "high" | "medium") {
                    verdict.no_rewrite = Some(format!(
                        "No rewrite on offer: `{}` is defined more than once here, and jitlens \
                         rewrites only a function whose name is defined once.",
                        syntax.name
                    ));
                }
            }
            continue;
        }
        let model = FunctionModel::build(syntax, &module);
        let mut strategies: Vec<Strategy> = Vec::new();
        let mut refusals: Vec<(Framework, String)> = Vec::new();
        for candidate in candidates(&context, &model) {
            let framework = candidate.framework;
            match verify::verify(&context, index, &model.syntax.name, candidate) {
                Ok(strategy) => strategies.push(strategy),
                Err(why) => refusals.push((framework, why)),
            }
        }
        for verdict in &mut function.verdicts {
            verdict.strategy = strategies
                .iter()
                .find(|s| s.framework == verdict.framework)
                .map(|s| s.id.clone());
            if verdict.strategy.is_none() && matches!(verdict.benefit.as_str(), "high" | "medium") {
                verdict.no_rewrite = Some(why_no_rewrite(
                    &context,
                    &model,
                    &verdict.framework,
                    &refusals,
                ));
            }
        }
        function.strategies = strategies;
    }
}

/// Why a function rated worth compiling with `framework` has no rewrite: the first candidate's
/// refusal, else what stopped every candidate from being built.
fn why_no_rewrite(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: &str,
    refusals: &[(Framework, String)],
) -> String {
    if let Some((_, why)) = refusals.iter().find(|(f, _)| f.as_str() == framework) {
        return format!("No rewrite on offer: {why}.");
    }
    if framework == Framework::Numba.as_str() {
        if let Some(refused) = split::refused_statement(context, model) {
            return format!(
                "No rewrite on offer: line {} (`{}`) is outside what jitlens compiles into a \
                 Numba kernel, and no run of the other statements holds the loop.",
                refused.line, refused.text
            );
        }
    }
    format!("No rewrite on offer: jitlens has no {framework} rewrite for this function's shape; compile it by hand and measure with `jitlens bench`.")
}

/// Every candidate for one function, best first within each framework.
fn candidates(context: &Context<'_>, model: &FunctionModel<'_>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let split = split::candidate(context, model);
    for framework in Framework::ALL {
        // Numba takes a function whole only when its own check passes; else a split may.
        let numba_whole = || split.is_none() && split::compiles_whole(context, model);
        if !decorate::applies(model, framework) || (framework == Framework::Numba && !numba_whole())
        {
            continue;
        }
        let has_fixes = fixes(
            context,
            model,
            framework,
            &mut importer::Importer::new(context.suite, context.source, 0),
        )
        .is_some();
        if has_fixes {
            out.extend(build(context, model, framework, true, None));
        }
        if model.jit_for(framework).is_some() {
            continue;
        }
        out.extend(vectorize::candidate(context, model, framework));
        for variant in decorate::variants(framework) {
            out.extend(build(context, model, framework, has_fixes, Some(*variant)));
        }
    }
    out.extend(split);
    out
}

/// The edits that make a body compile under `framework`, with their titles and notes.
struct Fixes {
    edits: Vec<TextEdit>,
    slug: &'static str,
    titles: Vec<String>,
    notes: Vec<String>,
    review: bool,
}

fn fixes(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: Framework,
    importer: &mut importer::Importer,
) -> Option<Fixes> {
    let mut all = Fixes {
        edits: Vec::new(),
        slug: "",
        titles: Vec::new(),
        notes: Vec::new(),
        review: false,
    };
    if framework == Framework::Jax {
        if let Some(update) = jax_update::rewrite(context, model) {
            all.slug = "functional-updates";
            all.titles.push(update.title);
            all.review |= update.review;
            all.edits.extend(update.edits);
        }
    }
    if let Some(branch) = branchless::rewrite(context, model, framework, importer) {
        all.slug = if all.slug.is_empty() {
            "branchless"
        } else {
            "branchless-updates"
        };
        all.titles.push(branch.title);
        all.notes.extend(branch.notes);
        all.review = true;
        all.edits.extend(branch.edits);
    }
    (!all.edits.is_empty()).then_some(all)
}

/// One candidate: the fixes, the decorator, or both.
fn build(
    context: &Context<'_>,
    model: &FunctionModel<'_>,
    framework: Framework,
    with_fixes: bool,
    variant: Option<decorate::Variant>,
) -> Option<Candidate> {
    // Ex) a Numba loop that calls the module's `f`: `f` is compiled too, or `@njit` fails.
    let helpers = if framework == Framework::Numba && variant.is_some() {
        decorate::numba_helpers(context, model)
    } else {
        Vec::new()
    };
    let start = helpers
        .iter()
        .map(|helper| helper.range.start().to_usize())
        .chain([model.syntax.range.start().to_usize()])
        .min()
        .unwrap_or_default();
    let mut importer = importer::Importer::new(context.suite, context.source, start);
    let mut edits = Vec::new();
    let mut titles = Vec::new();
    let mut notes = Vec::new();
    let mut review = false;
    let mut slug = framework.as_str().to_owned();
    let mut checked = vec![model.syntax.name.clone()];
    if let Some(variant) = variant {
        let decoration = decorate::decorate(context, model, framework, variant, &mut importer)?;
        slug.push('-');
        slug.push_str(decoration.slug);
        titles.push(decoration.title);
        notes.extend(decoration.notes);
        review |= decoration.review;
        edits.extend(decoration.edits);
        for helper in &helpers {
            edits.push(decorate::decorate_helper(context, helper, &mut importer));
            notes.push(format!(
                "`{}` is compiled too: the loop calls it, and compiled code can only call compiled functions",
                helper.name
            ));
            checked.push(helper.name.clone());
        }
    }
    if with_fixes {
        let fixes = fixes(context, model, framework, &mut importer)?;
        slug.push('-');
        slug.push_str(fixes.slug);
        titles.extend(fixes.titles);
        notes.extend(fixes.notes);
        review |= fixes.review;
        edits.extend(fixes.edits);
    }
    // Imports first: an import and a decorator inserted at the same offset (a helper on the
    // first line) must come in that order.
    let mut edits_with_imports = importer.into_edits();
    edits_with_imports.extend(edits);
    let edits = edits_with_imports;
    Some(Candidate {
        slug,
        title: titles.join("; "),
        framework,
        review,
        notes,
        edits,
        checked,
    })
}
