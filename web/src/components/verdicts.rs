//! A verdict card per function: for each framework, the expected benefit, the estimate, and
//! the rules that argue for and against compiling; beside them, a measured line profile when
//! there is one.

use std::rc::Rc;

use jitlens_analyzer::report::{FunctionReport, Report, Verdict};
use yew::prelude::*;

use crate::components::profile::{ProfileSummary, Profiled};

/// Properties of [`Verdicts`].
#[derive(Properties, PartialEq)]
pub(crate) struct VerdictsProps {
    /// The analyzer's report.
    pub(crate) report: Rc<Report>,
    /// The latest line profile, when there is one.
    pub(crate) profile: Option<Rc<Profiled>>,
    /// Whether the editor still holds the profiled text.
    pub(crate) profile_current: bool,
}

fn verdict_row(verdict: &Verdict) -> Html {
    let estimate = verdict.estimate.map_or_else(
        || "no estimate".to_owned(),
        |e| format!("{:.1}×–{:.1}×", e.speedup_low, e.speedup_high),
    );
    let codes = |label: &str, class: &'static str, codes: &[String]| -> Html {
        if codes.is_empty() {
            return Html::default();
        }
        html! {
            <span class={class}>
                { label }
                { for codes.iter().map(|code| html! { <code class="code">{ code }</code> }) }
            </span>
        }
    };
    html! {
        <li class="verdict">
            <span class="framework">{ &verdict.framework }</span>
            <span class={classes!("benefit", format!("benefit-{}", verdict.benefit))}>{ &verdict.benefit }</span>
            <span class="estimate">{ estimate }</span>
            { codes("for: ", "reasons", &verdict.reasons) }
            { codes("against: ", "blockers", &verdict.blockers) }
            <span class="summary">{ &verdict.summary }</span>
        </li>
    }
}

fn card(function: &FunctionReport, profile: Html) -> Html {
    html! {
        <li class="card function">
            <h3>
                <code>{ &function.name }</code>
                <span class="muted">{ format!(" (lines {}–{})", function.range.start.line, function.range.end.line) }</span>
            </h3>
            if function.verdicts.is_empty() {
                <p class="muted">{ "No verdict from the analyzer for this function." }</p>
            } else {
                <ul class="plain">{ for function.verdicts.iter().map(verdict_row) }</ul>
            }
            { profile }
        </li>
    }
}

/// The verdict cards.
#[function_component(Verdicts)]
pub(crate) fn verdicts(props: &VerdictsProps) -> Html {
    let functions = &props.report.functions;
    let summary = |profiled: &Rc<Profiled>| {
        html! { <ProfileSummary profiled={profiled.clone()} current={props.profile_current} /> }
    };
    // The profile goes in its function's card; a profile of a function no longer in the code
    // stands above the cards.
    let profiled_function = props.profile.as_ref().filter(|profiled| {
        functions
            .iter()
            .any(|function| function.name == profiled.result.function)
    });
    let orphan = match (&props.profile, profiled_function) {
        (Some(profiled), None) => summary(profiled),
        _ => Html::default(),
    };
    let cards = functions.iter().map(|function| {
        let profile = match profiled_function {
            Some(profiled) if profiled.result.function == function.name => summary(profiled),
            _ => Html::default(),
        };
        card(function, profile)
    });
    html! {
        <div class="verdicts">
            <h2>{ "Functions" }</h2>
            { orphan }
            if functions.is_empty() {
                <p class="muted">{ "No function found: paste a Python function." }</p>
            } else {
                <ul id="functions" class="plain cards">{ for cards }</ul>
            }
        </div>
    }
}
