//! The Report: the one JSON shape that the CLI, the WASM API and the runner all speak.
//!
//! These are wire types: field names and meanings are a compatibility promise (see `schema`).
//! Positions have 1-based lines and 0-based columns, in code points and in UTF-16 units.

use serde::{Deserialize, Serialize};

/// The version of the report's shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything the analyzer found in one module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`] for reports made by this build.
    pub schema: u32,
    /// Every function of the module, outermost first.
    pub functions: Vec<FunctionReport>,
    /// What the rules found, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the source could not be parsed; empty when it parsed.
    pub parse_errors: Vec<ParseError>,
}

impl Default for Report {
    fn default() -> Self {
        Self {
            schema: SCHEMA_VERSION,
            functions: Vec::new(),
            diagnostics: Vec::new(),
            parse_errors: Vec::new(),
        }
    }
}

impl Report {
    /// A report for a source that could not be analyzed at all.
    pub fn with_parse_error(error: ParseError) -> Self {
        Self {
            parse_errors: vec![error],
            ..Self::default()
        }
    }
}

/// A place in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 0-based column in Unicode code points.
    pub column: usize,
    /// 0-based column in UTF-16 code units, for browser editors.
    pub utf16_column: usize,
    /// In a Jupyter notebook, the 1-based cell (every cell counted, markdown included, as
    /// editors number them); `line` then counts within the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
}

/// A half-open span of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// First position inside the span.
    pub start: Position,
    /// First position after the span.
    pub end: Position,
}

/// A syntax error (or a refusal to parse, such as an oversized source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    /// What is wrong, in the parser's words.
    pub message: String,
    /// Where it is.
    #[serde(flatten)]
    pub position: Position,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The rule's code, such as `PT001`.
    pub code: String,
    /// The rule's kebab-case name, such as `item-graph-break`.
    pub name: String,
    /// How much it matters.
    pub severity: Severity,
    /// What was found, in one sentence.
    pub message: String,
    /// The qualified name of the function it was found in.
    pub function: Option<String>,
    /// Where it was found.
    pub range: Range,
}

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Compilation fails or breaks the graph.
    Error,
    /// It compiles, but slower or with a different result than expected.
    Warning,
    /// Worth knowing.
    Info,
}

/// What the analyzer says about one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionReport {
    /// Qualified name: `f`, `Model.forward`, `outer.inner`.
    pub name: String,
    /// The whole definition, decorators excluded.
    pub range: Range,
    /// One verdict per framework, best first.
    pub verdicts: Vec<Verdict>,
    /// Rewrites on offer.
    pub strategies: Vec<Strategy>,
}

/// Whether one framework's JIT would help one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// `numba`, `torch`, `jax` or `tensorflow`.
    pub framework: String,
    /// `high`, `medium`, `low`, `none` or `harmful`.
    pub benefit: String,
    /// Estimated steady-state speedup range.
    pub estimate: Option<Estimate>,
    /// Codes of the rules that argue for compiling.
    pub reasons: Vec<String>,
    /// Codes of the rules that stand in the way.
    pub blockers: Vec<String>,
    /// The decorator and options jitlens proposes for this framework.
    pub config: Option<Config>,
    /// Why, in one or two sentences.
    pub summary: String,
    /// The id of the first strategy of this framework, if one is on offer.
    #[serde(default)]
    pub strategy: Option<String>,
    /// Whether the function is code a user may want compiled (it loops, does array work, or
    /// is compiled already), so that even a "none" here answers a real question: why no JIT
    /// helps, and what would instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub explains: bool,
    /// Why no rewrite is on offer, for a "high" or "medium" verdict that has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_rewrite: Option<String>,
    /// The function is compiled with this framework already: by its decorator, a module-level
    /// call, or a compiled caller that traces it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub compiled: bool,
}

/// A JIT decorator with its options, as jitlens proposes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// The qualified decorator: `numba.njit`, `torch.compile`, `jax.jit`, `tf.function`.
    pub decorator: String,
    /// Keyword options as Python source text: `{"cache": "True", "parallel": "True"}`.
    pub options: std::collections::BTreeMap<String, String>,
}

/// An estimated speedup range of compiled over original.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Lower end.
    pub speedup_low: f64,
    /// Upper end.
    pub speedup_high: f64,
}

/// A rewrite as minimal text edits, with the rewritten source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strategy {
    /// Stable identifier within the report.
    pub id: String,
    /// What it does, for a person.
    pub title: String,
    /// The framework it targets.
    pub framework: String,
    /// `safe` or `review`.
    pub applicability: String,
    /// What to check before trusting it (why it is `review`, which options were chosen).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The edits, in source order, not overlapping.
    pub edits: Vec<Edit>,
    /// The whole module after the edits.
    pub source: String,
}

/// Replace `range` with `replacement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    /// What is replaced.
    pub range: Range,
    /// The new text.
    pub replacement: String,
}

/// The inputs a generated test or benchmark passes to one function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSpec {
    /// The function's qualified name.
    pub function: String,
    /// The parameters that are passed, in order; parameters with defaults keep them.
    pub params: Vec<ParamSpec>,
    /// Whether the function tests for NaN or infinity (then a case with NaN inputs is added).
    pub reads_nan: bool,
    /// Python that defines inputs by parameter name; what it defines overrides the spec.
    pub setup: Option<String>,
}

/// How to make one argument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    /// The parameter's name.
    pub name: String,
    /// `ndarray`, `tensor`, `jax`, `tf` (arrays), `float`, `int`, `bool`, `str` (scalars),
    /// `size` (an int equal to the case's size), `records` (a list of dicts), `list` (of floats).
    pub kind: String,
    /// Dimensions of an array; each is the case's size.
    pub ndim: usize,
    /// Element type of an array: `float64`, `float32`, `int64`.
    pub dtype: String,
    /// A Python literal, for scalars.
    pub value: Option<String>,
    /// The keys of each dict, for `records`.
    pub keys: Vec<String>,
    /// Where the kind came from: `annotation`, `default`, `use` or `library`.
    pub origin: String,
}
