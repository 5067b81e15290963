//! A line profile on the page: the heat of each profiled line (for the editor's gutter) and the
//! profile's summary beside the verdicts, in words and percentages.

use std::rc::Rc;

use jitlens_analyzer::protocol::{LineProfile, LineTiming};
use yew::prelude::*;

use crate::components::results::seconds;
use crate::share::SharedProfile;

/// A profile and the exact text it was measured on: the heat is shown only over that text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Profiled {
    /// The editor's text when the profile was asked for (or the shared link's code).
    pub(crate) source: Rc<String>,
    /// The measurements.
    pub(crate) result: SharedProfile,
}

/// One heated line of the gutter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heat {
    /// 1-based line.
    pub(crate) line: usize,
    /// Share of the function's time, clamped to 0..=1.
    pub(crate) share: f64,
    /// Background strength, 12 to 80 (% of the heat colour mixed into the gutter's).
    pub(crate) strength: u32,
    /// The exact figures: "line 12: 41.3% of the time, 8,100 hits, 0.213 s".
    pub(crate) title: String,
}

/// The heat of every profiled line that exists in a text of `line_count` lines.
pub(crate) fn heat_lines(profile: &LineProfile, line_count: usize) -> Vec<Heat> {
    profile
        .lines
        .iter()
        .filter(|timing| (1..=line_count).contains(&(timing.line as usize)))
        .map(|timing| {
            let share = clamp_share(timing.share);
            Heat {
                line: timing.line as usize,
                share,
                // The square root keeps a 2% line visible next to a 90% one.
                strength: 12 + (68.0 * share.sqrt()).round() as u32,
                title: line_title(timing),
            }
        })
        .collect()
}

/// "line 12: 41.3% of the time, 8,100 hits, 0.213 s".
pub(crate) fn line_title(timing: &LineTiming) -> String {
    format!(
        "line {}: {:.1}% of the time, {} {}, {}",
        timing.line,
        clamp_share(timing.share) * 100.0,
        thousands(timing.hits),
        if timing.hits == 1 { "hit" } else { "hits" },
        line_seconds(timing.time_s)
    )
}

/// What the profile means for compiling, one sentence each.
pub(crate) fn findings(profile: &LineProfile, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let loops = clamp_share(profile.loop_share);
    let kernels = clamp_share(profile.kernel_share);
    if loops >= 0.5 {
        out.push(format!(
            "{:.0}% of the time in interpreted loops: a JIT can take these over",
            loops * 100.0
        ));
    } else if loops > 0.0 {
        out.push(format!(
            "{:.0}% of the time in interpreted loops",
            loops * 100.0
        ));
    }
    if kernels >= 0.5 {
        let hottest = profile
            .lines
            .iter()
            .max_by(|a, b| clamp_share(a.share).total_cmp(&clamp_share(b.share)));
        let line = hottest.map_or_else(String::new, |timing| {
            let text = source
                .split('\n')
                .nth((timing.line as usize).saturating_sub(1))
                .map_or("", str::trim);
            format!(
                " (line {} `{text}` holds {:.0}%)",
                timing.line,
                clamp_share(timing.share) * 100.0
            )
        });
        out.push(format!(
            "{:.0}% of the time in library kernels{line}: compiling will not help",
            kernels * 100.0
        ));
    } else if kernels > 0.0 {
        out.push(format!(
            "{:.0}% of the time in library kernels, which compiling does not speed up",
            kernels * 100.0
        ));
    }
    out
}

/// "profiled with its JIT off: @njit(cache=True) removed", when a decorator was removed.
pub(crate) fn jit_off_sentence(profile: &LineProfile, function: &str) -> Option<String> {
    if profile.jit_disabled.is_empty() {
        return None;
    }
    let prefix = format!("{function}: ");
    let removed: Vec<&str> = profile
        .jit_disabled
        .iter()
        .map(|entry| entry.strip_prefix(&prefix).unwrap_or(entry))
        .collect();
    Some(format!(
        "profiled with its JIT off: {} removed",
        removed.join(", ")
    ))
}

fn clamp_share(share: f64) -> f64 {
    if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn line_seconds(value: f64) -> String {
    if value >= 1e-3 {
        format!("{value:.3} s")
    } else {
        seconds(value)
    }
}

/// 8100 -> "8,100".
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Properties of [`ProfileSummary`].
#[derive(Properties, PartialEq)]
pub(crate) struct ProfileSummaryProps {
    /// The profile.
    pub(crate) profiled: Rc<Profiled>,
    /// Whether the editor still holds the profiled text.
    pub(crate) current: bool,
}

/// How many of the hottest lines the summary lists.
const HOTTEST: usize = 5;

/// The profile's summary: its sentence, the loop and kernel shares, the JIT it switched off and
/// the hottest lines with their figures (the gutter's heat, for keyboards and screen readers).
#[function_component(ProfileSummary)]
pub(crate) fn profile_summary(props: &ProfileSummaryProps) -> Html {
    let shared = &props.profiled.result;
    let profile = &shared.profile;
    let findings = findings(profile, &props.profiled.source);
    let jit_off = jit_off_sentence(profile, &shared.function);
    let mut hottest: Vec<&LineTiming> = profile.lines.iter().collect();
    hottest.sort_by(|a, b| clamp_share(b.share).total_cmp(&clamp_share(a.share)));
    hottest.truncate(HOTTEST);
    let measured = match &shared.env {
        Some(env) => format!(
            "{} call(s), {} in the function; measured {} on {}.",
            profile.calls,
            seconds(profile.total_s),
            shared.measured_at,
            env.cpu
        ),
        None => format!(
            "{} call(s), {} in the function; measured {}.",
            profile.calls,
            seconds(profile.total_s),
            shared.measured_at
        ),
    };
    html! {
        <section id="profile-summary" class="profile" aria-label="Line profile">
            <h4>{ "Measured: where the time goes (line profile)" }</h4>
            if !props.current {
                <p class="muted">{ "The code changed since this profile, so the editor shows no heat. Profile again to refresh." }</p>
            }
            if !profile.summary.is_empty() {
                <p id="profile-sentence">{ &profile.summary }</p>
            }
            <ul id="profile-findings">
                { for findings.into_iter().map(|finding| html! { <li>{ finding }</li> }) }
            </ul>
            if let Some(sentence) = jit_off {
                <p id="profile-jit-off" class="muted">{ sentence }</p>
            }
            <table class="figures hottest">
                <caption class="muted">{ "Hottest lines" }</caption>
                <thead><tr><th>{ "line" }</th><th>{ "share" }</th><th>{ "hits" }</th><th>{ "time" }</th></tr></thead>
                <tbody>
                    { for hottest.into_iter().map(|timing| html! {
                        <tr>
                            <td>{ timing.line }</td>
                            <td>{ format!("{:.1}%", clamp_share(timing.share) * 100.0) }</td>
                            <td>{ thousands(timing.hits) }</td>
                            <td>{ line_seconds(timing.time_s) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="muted">{ measured }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(line: u32, hits: u64, time_s: f64, share: f64) -> LineTiming {
        LineTiming {
            line,
            hits,
            time_s,
            share,
        }
    }

    fn profile(lines: Vec<LineTiming>, loop_share: f64, kernel_share: f64) -> LineProfile {
        LineProfile {
            calls: 1,
            total_s: 1.0,
            jit_disabled: Vec::new(),
            lines,
            loop_share,
            kernel_share,
            summary: String::new(),
        }
    }

    #[test]
    fn a_title_gives_the_exact_figures() {
        assert_eq!(
            line_title(&timing(12, 8100, 0.213, 0.413)),
            "line 12: 41.3% of the time, 8,100 hits, 0.213 s"
        );
        assert_eq!(
            line_title(&timing(3, 1_234_567, 0.00021, 0.0)),
            "line 3: 0.0% of the time, 1,234,567 hits, 210 µs"
        );
        assert_eq!(
            line_title(&timing(4, 1, 2.5, 1.0)),
            "line 4: 100.0% of the time, 1 hit, 2.500 s"
        );
    }

    #[test]
    fn heat_grows_with_share_and_skips_lines_outside_the_text() {
        let heat = heat_lines(
            &profile(
                vec![
                    timing(1, 1, 0.0, 0.0),
                    timing(2, 1, 0.1, 0.25),
                    timing(3, 1, 0.9, 1.0),
                    timing(9, 1, 0.0, 0.5),
                    timing(0, 1, 0.0, 0.5),
                ],
                0.0,
                0.0,
            ),
            3,
        );
        let strengths: Vec<(usize, u32)> = heat.iter().map(|h| (h.line, h.strength)).collect();
        assert_eq!(strengths, vec![(1, 12), (2, 46), (3, 80)]);
    }

    #[test]
    fn shares_out_of_range_are_clamped() {
        let heat = heat_lines(
            &profile(
                vec![timing(1, 1, 0.0, f64::NAN), timing(2, 1, 0.0, 7.0)],
                0.0,
                0.0,
            ),
            2,
        );
        assert_eq!((heat[0].share, heat[1].share), (0.0, 1.0));
    }

    #[test]
    fn loops_invite_a_jit_and_kernels_do_not() {
        let loops = findings(&profile(Vec::new(), 0.634, 0.0), "");
        assert_eq!(
            loops,
            vec!["63% of the time in interpreted loops: a JIT can take these over"]
        );
        let source = "def f(a, b):\n    c = a @ b\n    return c + 1\n";
        let kernels = findings(
            &profile(
                vec![timing(2, 1, 0.91, 0.91), timing(3, 1, 0.09, 0.09)],
                0.0,
                0.91,
            ),
            source,
        );
        assert_eq!(
            kernels,
            vec![
                "91% of the time in library kernels (line 2 `c = a @ b` holds 91%): compiling will not help"
            ]
        );
    }

    #[test]
    fn the_removed_decorator_is_named() {
        let mut removed = profile(Vec::new(), 0.0, 0.0);
        assert_eq!(jit_off_sentence(&removed, "f"), None);
        removed.jit_disabled = vec!["f: @njit(cache=True)".to_owned()];
        assert_eq!(
            jit_off_sentence(&removed, "f").as_deref(),
            Some("profiled with its JIT off: @njit(cache=True) removed")
        );
    }
}
