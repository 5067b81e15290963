//! The analysis time the page shows: the median of the last few analyses, since one reading of
//! the browser's coarse clock (0.1 ms steps, or coarser) says little on its own.

/// How many analyses the median is taken over.
pub(crate) const RECENT: usize = 5;

/// Below this the clock cannot tell (milliseconds).
const RESOLUTION_MS: f64 = 0.1;

/// `analyzed in 1.3 ms`, `analyzed in < 0.1 ms`, with how many analyses the median covers.
pub(crate) fn analysis_time(recent_ms: &[f64]) -> String {
    let mut sorted: Vec<f64> = recent_ms
        .iter()
        .copied()
        .filter(|ms| ms.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    let Some(&median) = sorted.get(sorted.len() / 2) else {
        return "analyzed".to_owned();
    };
    let figure = if median < RESOLUTION_MS {
        format!("< {RESOLUTION_MS} ms")
    } else {
        format!("{median:.1} ms")
    };
    match sorted.len() {
        1 => format!("analyzed in {figure}"),
        n => format!("analyzed in {figure} (median of the last {n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_below_the_clocks_step_is_not_zero() {
        assert_eq!(analysis_time(&[0.0]), "analyzed in < 0.1 ms");
        assert_eq!(analysis_time(&[0.04]), "analyzed in < 0.1 ms");
    }

    #[test]
    fn several_readings_give_their_median() {
        assert_eq!(
            analysis_time(&[9.0, 1.2, 1.4]),
            "analyzed in 1.4 ms (median of the last 3)"
        );
        assert_eq!(
            analysis_time(&[0.0, 0.1, 0.0]),
            "analyzed in < 0.1 ms (median of the last 3)"
        );
        assert_eq!(analysis_time(&[]), "analyzed");
    }
}
