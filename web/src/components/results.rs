//! A benchmark result: the table of figures, where it was measured, and the chart.

use jitlens_analyzer::protocol::{JobResult, Outcome, Timing};
use yew::prelude::*;

use crate::components::chart::SampleChart;
use crate::share::SharedResults;

/// Properties of [`Results`].
#[derive(Properties, PartialEq)]
pub(crate) struct ResultsProps {
    /// The result and what it was measured for.
    pub(crate) results: SharedResults,
}

/// Seconds in the unit that reads best: "41.2 ms", "210 µs".
pub(crate) fn seconds(value: f64) -> String {
    let (scaled, unit) = match value.abs() {
        v if v >= 1.0 => (value, "s"),
        v if v >= 1e-3 => (value * 1e3, "ms"),
        v if v >= 1e-6 => (value * 1e6, "µs"),
        _ => (value * 1e9, "ns"),
    };
    let digits = if scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{scaled:.digits$} {unit}")
}

fn timing_cells(timing: Option<&Timing>) -> Html {
    match timing {
        Some(timing) => html! {
            <><td>{ seconds(timing.median_s) }</td><td>{ seconds(timing.iqr_s) }</td>
              <td>{ format!("{} × {} calls", timing.samples_s.len(), timing.loops) }</td></>
        },
        None => html! { <><td>{ "–" }</td><td>{ "–" }</td><td>{ "–" }</td></> },
    }
}

fn where_measured(job: &JobResult, measured_at: &str) -> String {
    let Some(env) = &job.env else {
        return format!("Measured {measured_at}; the runner did not report its environment.");
    };
    let versions: Vec<String> = env
        .versions
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect();
    let gpus = if env.gpus.is_empty() {
        "no GPU".to_owned()
    } else {
        env.gpus.join(", ")
    };
    format!(
        "Measured {measured_at} on {}, {gpus}; Python {}; {}.",
        env.cpu,
        env.python,
        versions.join(", ")
    )
}

/// The result's table and chart.
#[function_component(Results)]
pub(crate) fn results(props: &ResultsProps) -> Html {
    let shared = &props.results;
    let job = &shared.job;
    let subject = format!(
        "{} — {}",
        shared.function,
        shared.framework.as_deref().unwrap_or("candidate")
    );
    if let Some(error) = &job.error {
        return html! {
            <div id="results" class="results">
                <h3>{ subject }</h3>
                <p class="error" role="alert">{ format!("The job {}: {error}", status_words(job)) }</p>
            </div>
        };
    }
    let speedup = job.speedup.map_or_else(
        || "–".to_owned(),
        |s| {
            format!(
                "{:.2}× (95% interval {:.2}×–{:.2}×)",
                s.median, s.ci_low, s.ci_high
            )
        },
    );
    let verdict = match job.verdict {
        Some(Outcome::Faster) => "faster",
        Some(Outcome::Slower) => "slower",
        Some(Outcome::Same) => "no clear difference",
        None => "–",
    };
    let equivalence = job.equivalence.as_ref().map_or_else(
        || "not checked".to_owned(),
        |eq| {
            format!(
                "{} over {} cases; max abs error {:.3e}, max rel error {:.3e}",
                if eq.passed {
                    "same results"
                } else {
                    "DIFFERENT results"
                },
                eq.cases,
                eq.max_abs_error,
                eq.max_rel_error
            )
        },
    );
    let failures = job.equivalence.iter().flat_map(|eq| eq.failures.iter());
    let compile = job.compile;
    html! {
        <div id="results" class="results">
            <h3>{ subject }</h3>
            <p id="measured-on" class="muted">{ where_measured(job, &shared.measured_at) }</p>
            <table class="figures">
                <thead><tr><th>{ "" }</th><th>{ "median" }</th><th>{ "IQR" }</th><th>{ "samples" }</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{ "original" }</th>{ timing_cells(job.original.as_ref()) }</tr>
                    <tr><th scope="row">{ "candidate" }</th>{ timing_cells(job.candidate.as_ref()) }</tr>
                </tbody>
            </table>
            <dl class="figures">
                <dt>{ "speedup" }</dt><dd id="speedup">{ speedup }{ format!(": {verdict}") }</dd>
                <dt>{ "cold first call" }</dt><dd>{ compile.map_or("–".to_owned(), |c| seconds(c.first_call_s)) }</dd>
                <dt>{ "break-even" }</dt><dd>{ job.break_even_calls.map_or("–".to_owned(), |n| format!("after {n} calls")) }</dd>
                <dt>{ "recompiles" }</dt><dd>{ compile.map_or("–".to_owned(), |c| c.recompiles.to_string()) }</dd>
                <dt>{ "graph breaks" }</dt><dd>{ compile.map_or("–".to_owned(), |c| c.graph_breaks.to_string()) }</dd>
                <dt>{ "equivalence" }</dt><dd id="equivalence">{ equivalence }</dd>
            </dl>
            <ul class="failures">{ for failures.map(|failure| html! { <li>{ failure }</li> }) }</ul>
            <SampleChart original={job.original.clone()} candidate={job.candidate.clone()} />
        </div>
    }
}

/// The job's final status in words.
pub(crate) fn status_words(job: &JobResult) -> &'static str {
    use jitlens_analyzer::protocol::JobStatus;
    match job.status {
        JobStatus::Queued => "is queued",
        JobStatus::Running => "is running",
        JobStatus::Done => "finished",
        JobStatus::Failed => "failed",
        JobStatus::Cancelled => "was cancelled",
        JobStatus::TimedOut => "ran out of time",
        JobStatus::Interrupted => "was interrupted by a runner restart",
    }
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn seconds_pick_a_readable_unit() {
        assert_eq!(seconds(0.0412), "41.2 ms");
        assert_eq!(seconds(0.00021), "210 µs");
        assert_eq!(seconds(1.5), "1.50 s");
        assert_eq!(seconds(3.5e-8), "35.0 ns");
    }
}
