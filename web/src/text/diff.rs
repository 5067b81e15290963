//! A side-by-side line diff of the original and a rewrite, from the two texts
//! ([`side_by_side`]) or from a unified diff ([`unified_rows`], what `jitlens optimize` stores).
//!
//! Common leading and trailing lines are matched first; the middle is aligned by a longest
//! common subsequence, bounded so that two unrelated large files cannot stall the page (beyond
//! the bound the middle is shown as removed then added).

/// The most LCS cells computed (rows times columns of the middle part).
const MAX_CELLS: usize = 4_000_000;

/// One row of a side-by-side diff. Line numbers are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Row {
    /// The same line on both sides.
    Same {
        /// Line number on the left.
        left: usize,
        /// Line number on the right.
        right: usize,
        /// The line.
        text: String,
    },
    /// A changed line: removed on the left, added on the right, or both.
    Changed {
        /// The removed line, with its number.
        left: Option<(usize, String)>,
        /// The added line, with its number.
        right: Option<(usize, String)>,
    },
    /// Unchanged lines left out between two hunks of a unified diff.
    Gap,
}

enum Op {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// The rows that show `before` beside `after`.
pub(crate) fn side_by_side(before: &str, after: &str) -> Vec<Row> {
    let left: Vec<&str> = before.lines().collect();
    let right: Vec<&str> = after.lines().collect();
    let ops = line_ops(&left, &right);
    let mut rows = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    let mut added: Vec<usize> = Vec::new();
    for op in ops {
        match op {
            Op::Same(l, r) => {
                flush(&mut rows, &mut removed, &mut added, &left, &right);
                rows.push(Row::Same {
                    left: l + 1,
                    right: r + 1,
                    text: left[l].to_owned(),
                });
            }
            Op::Removed(l) => removed.push(l),
            Op::Added(r) => added.push(r),
        }
    }
    flush(&mut rows, &mut removed, &mut added, &left, &right);
    rows
}

/// The rows of a unified diff (`@@ -a,b +c,d @@` hunks; the `---`/`+++` header is skipped), a
/// [`Row::Gap`] between hunks. A run of removed lines is paired with the added lines after it,
/// as [`side_by_side`] pairs them.
pub(crate) fn unified_rows(diff: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let (mut left, mut right) = (0usize, 0usize);
    let mut removed: Vec<(usize, String)> = Vec::new();
    let mut added: Vec<(usize, String)> = Vec::new();
    let mut in_hunk = false;
    for line in diff.lines() {
        if let Some(header) = line.strip_prefix("@@ ") {
            pair(&mut rows, &mut removed, &mut added);
            if in_hunk {
                rows.push(Row::Gap);
            }
            in_hunk = true;
            // `-12,7 +12,9 @@`: the first line numbers of each side.
            let mut starts = header.split_whitespace().take(2).map(|range| {
                range[1..]
                    .split(',')
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1)
            });
            left = starts.next().unwrap_or(1);
            right = starts.next().unwrap_or(1);
            continue;
        }
        if !in_hunk {
            continue;
        }
        match line.chars().next() {
            Some('-') => {
                removed.push((left, line[1..].to_owned()));
                left += 1;
            }
            Some('+') => {
                added.push((right, line[1..].to_owned()));
                right += 1;
            }
            // `\ No newline at end of file`.
            Some('\\') => (),
            _ => {
                pair(&mut rows, &mut removed, &mut added);
                rows.push(Row::Same {
                    left,
                    right,
                    text: line.get(1..).unwrap_or_default().to_owned(),
                });
                left += 1;
                right += 1;
            }
        }
    }
    pair(&mut rows, &mut removed, &mut added);
    rows
}

fn pair(rows: &mut Vec<Row>, removed: &mut Vec<(usize, String)>, added: &mut Vec<(usize, String)>) {
    let count = removed.len().max(added.len());
    let mut removed = removed.drain(..);
    let mut added = added.drain(..);
    for _ in 0..count {
        rows.push(Row::Changed {
            left: removed.next(),
            right: added.next(),
        });
    }
}

/// Pairs a run of removed lines with the run of added lines that replaced them.
fn flush(
    rows: &mut Vec<Row>,
    removed: &mut Vec<usize>,
    added: &mut Vec<usize>,
    left: &[&str],
    right: &[&str],
) {
    for index in 0..removed.len().max(added.len()) {
        rows.push(Row::Changed {
            left: removed.get(index).map(|&l| (l + 1, left[l].to_owned())),
            right: added.get(index).map(|&r| (r + 1, right[r].to_owned())),
        });
    }
    removed.clear();
    added.clear();
}

fn line_ops(left: &[&str], right: &[&str]) -> Vec<Op> {
    let prefix = left.iter().zip(right).take_while(|(a, b)| a == b).count();
    let suffix = left[prefix..]
        .iter()
        .rev()
        .zip(right[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (middle_left, middle_right) = (
        &left[prefix..left.len() - suffix],
        &right[prefix..right.len() - suffix],
    );
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Same(i, i)).collect();
    if middle_left.len().saturating_mul(middle_right.len()) <= MAX_CELLS {
        lcs_ops(&mut ops, middle_left, middle_right, prefix);
    } else {
        ops.extend((0..middle_left.len()).map(|i| Op::Removed(prefix + i)));
        ops.extend((0..middle_right.len()).map(|j| Op::Added(prefix + j)));
    }
    let (tail_left, tail_right) = (left.len() - suffix, right.len() - suffix);
    ops.extend((0..suffix).map(|k| Op::Same(tail_left + k, tail_right + k)));
    ops
}

/// Appends the LCS alignment of `left` and `right`, whose lines start at `offset` in both files.
fn lcs_ops(ops: &mut Vec<Op>, left: &[&str], right: &[&str], offset: usize) {
    let (n, m) = (left.len(), right.len());
    // lengths[i * (m + 1) + j]: LCS length of left[i..] and right[j..].
    let mut lengths = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i * (m + 1) + j] = if left[i] == right[j] {
                lengths[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lengths[(i + 1) * (m + 1) + j].max(lengths[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && left[i] == right[j] {
            ops.push(Op::Same(offset + i, offset + j));
            i += 1;
            j += 1;
        } else if j < m
            && (i == n || lengths[i * (m + 1) + j + 1] >= lengths[(i + 1) * (m + 1) + j])
        {
            ops.push(Op::Added(offset + j));
            j += 1;
        } else {
            ops.push(Op::Removed(offset + i));
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sides(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Same { text, .. } => format!("  {text}"),
                Row::Changed { left, right } => format!(
                    "{} | {}",
                    left.as_ref().map_or("", |(_, t)| t.as_str()),
                    right.as_ref().map_or("", |(_, t)| t.as_str())
                ),
                Row::Gap => "...".to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_decorator_and_an_import_show_as_additions() {
        let before = "import numpy as np\n\ndef f(x):\n    return x\n";
        let after = "import numba\nimport numpy as np\n\n@numba.njit\ndef f(x):\n    return x\n";
        let rows = side_by_side(before, after);
        assert_eq!(
            sides(&rows),
            [
                " | import numba",
                "  import numpy as np",
                "  ",
                " | @numba.njit",
                "  def f(x):",
                "      return x"
            ]
        );
        assert_eq!(
            rows[4],
            Row::Same {
                left: 3,
                right: 5,
                text: "def f(x):".to_owned()
            }
        );
    }

    #[test]
    fn a_unified_diff_gives_the_same_rows_with_a_gap_between_hunks() {
        let diff = "--- a/k.py\n+++ b/k.py\n@@ -1,3 +1,4 @@\n import numpy as np\n+import numba\n \n \n@@ -10,2 +11,3 @@\n x = 1\n-def f(a):\n+@numba.njit\n+def f(a):\n";
        let rows = unified_rows(diff);
        assert_eq!(
            rows,
            [
                Row::Same {
                    left: 1,
                    right: 1,
                    text: "import numpy as np".into()
                },
                Row::Changed {
                    left: None,
                    right: Some((2, "import numba".into()))
                },
                Row::Same {
                    left: 2,
                    right: 3,
                    text: String::new()
                },
                Row::Same {
                    left: 3,
                    right: 4,
                    text: String::new()
                },
                Row::Gap,
                Row::Same {
                    left: 10,
                    right: 11,
                    text: "x = 1".into()
                },
                Row::Changed {
                    left: Some((11, "def f(a):".into())),
                    right: Some((12, "@numba.njit".into())),
                },
                Row::Changed {
                    left: None,
                    right: Some((13, "def f(a):".into()))
                },
            ]
        );
        assert!(unified_rows("").is_empty());
    }

    #[test]
    fn a_replaced_line_pairs_left_and_right() {
        let rows = side_by_side("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(sides(&rows), ["  a", "b | B", "  c"]);
    }

    #[test]
    fn identical_and_empty_inputs() {
        assert!(side_by_side("", "").is_empty());
        assert_eq!(side_by_side("x\n", "x\n").len(), 1);
        assert_eq!(sides(&side_by_side("", "y")), [" | y"]);
    }

    #[test]
    fn huge_unrelated_inputs_fall_back_without_stalling() {
        let before: String = (0..3000).map(|i| format!("a{i}\n")).collect();
        let after: String = (0..3000).map(|i| format!("b{i}\n")).collect();
        let rows = side_by_side(&before, &after);
        assert_eq!(rows.len(), 3000);
        assert!(matches!(
            &rows[0],
            Row::Changed {
                left: Some(_),
                right: Some(_)
            }
        ));
    }
}
