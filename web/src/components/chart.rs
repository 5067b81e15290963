//! The samples of both sides as an SVG chart: a strip of dots over a box (quartiles and
//! median) per side, on a logarithmic time axis so that a 100× speedup still shows both.

use jitlens_analyzer::protocol::Timing;
use yew::prelude::*;

use crate::components::results::seconds;

const WIDTH: f64 = 560.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 20.0;
const ROW_HEIGHT: f64 = 50.0;
const TOP: f64 = 10.0;

/// Properties of [`SampleChart`].
#[derive(Properties, PartialEq)]
pub(crate) struct SampleChartProps {
    /// Timings of the original.
    pub(crate) original: Option<Timing>,
    /// Timings of the candidate.
    pub(crate) candidate: Option<Timing>,
}

/// The `q` quantile (0 to 1) of sorted `values`, linearly interpolated.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let position = q * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    let (a, b) = (sorted[low], sorted[high.min(sorted.len() - 1)]);
    a + (b - a) * (position - low as f64)
}

/// The chart.
#[function_component(SampleChart)]
pub(crate) fn sample_chart(props: &SampleChartProps) -> Html {
    let sides: Vec<(&str, &Timing)> = [
        ("original", &props.original),
        ("candidate", &props.candidate),
    ]
    .into_iter()
    .filter_map(|(name, timing)| timing.as_ref().map(|timing| (name, timing)))
    .filter(|(_, timing)| timing.samples_s.iter().any(|s| *s > 0.0))
    .collect();
    if sides.is_empty() {
        return html! { <p class="muted">{ "No samples to chart." }</p> };
    }
    let all = sides
        .iter()
        .flat_map(|(_, timing)| timing.samples_s.iter().copied())
        .filter(|s| *s > 0.0 && s.is_finite());
    let (min, max) = all.fold((f64::INFINITY, 0.0f64), |(lo, hi), s| {
        (lo.min(s), hi.max(s))
    });
    let (lo, hi) = ((min / 1.5).log10(), (max * 1.5).log10());
    let x =
        |seconds: f64| LEFT + (seconds.log10() - lo) / (hi - lo).max(1e-9) * (WIDTH - LEFT - RIGHT);
    let height = TOP + ROW_HEIGHT * sides.len() as f64 + 30.0;

    let rows = sides.iter().enumerate().map(|(row, (name, timing))| {
        let mut sorted: Vec<f64> = timing.samples_s.iter().copied().filter(|s| *s > 0.0 && s.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let middle = TOP + ROW_HEIGHT * row as f64 + ROW_HEIGHT / 2.0;
        let (q1, median, q3) = (quantile(&sorted, 0.25), quantile(&sorted, 0.5), quantile(&sorted, 0.75));
        let dots = sorted.iter().enumerate().map(|(index, s)| {
            let jitter = ((index * 7) % 11) as f64 - 5.0;
            html! { <circle class="dot" cx={format!("{:.1}", x(*s))} cy={format!("{:.1}", middle + jitter * 1.6)} r="2.5" /> }
        });
        html! {
            <g class={classes!("side", *name)}>
                <text x="4" y={format!("{:.1}", middle + 4.0)}>{ *name }</text>
                <rect class="box" x={format!("{:.1}", x(q1))} y={format!("{:.1}", middle - 12.0)}
                      width={format!("{:.1}", (x(q3) - x(q1)).max(1.0))} height="24" />
                <line class="median" x1={format!("{:.1}", x(median))} x2={format!("{:.1}", x(median))}
                      y1={format!("{:.1}", middle - 14.0)} y2={format!("{:.1}", middle + 14.0)} />
                { for dots }
            </g>
        }
    });
    let axis_y = TOP + ROW_HEIGHT * sides.len() as f64 + 5.0;
    let ticks = (lo.ceil() as i32..=hi.floor() as i32).map(|power| {
        let at = x(10f64.powi(power));
        html! {
            <g class="tick">
                <line x1={format!("{at:.1}")} x2={format!("{at:.1}")} y1={format!("{:.1}", axis_y)} y2={format!("{:.1}", axis_y + 5.0)} />
                <text x={format!("{at:.1}")} y={format!("{:.1}", axis_y + 18.0)} text-anchor="middle">{ seconds(10f64.powi(power)) }</text>
            </g>
        }
    });
    let description = sides
        .iter()
        .map(|(name, timing)| {
            format!(
                "{name}: {} samples, median {}",
                timing.samples_s.len(),
                seconds(timing.median_s)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <svg id="samples-chart" class="chart" role="img" aria-labelledby="chart-title chart-desc"
             viewBox={format!("0 0 {WIDTH} {height:.0}")} width="100%">
            <title id="chart-title">{ "Seconds per call, each sample, log scale" }</title>
            <desc id="chart-desc">{ description }</desc>
            <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()}
                  y1={format!("{axis_y:.1}")} y2={format!("{axis_y:.1}")} />
            { for ticks }
            { for rows }
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.5), 1.5);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
