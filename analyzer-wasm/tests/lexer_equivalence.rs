//! jitlens' lexer gives exactly rustpython-parser's tokens (same tokens, same offsets, same first
//! error), and the parser fed with them gives the same tree or the same syntax error, over
//! tricky hand-written sources, the golden fixtures, byte-level mutations of them, and the real
//! Python sources of the installed numba and torch.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{python, python_files};
use jitlens_analyzer::lexer;
use rustpython_parser::lexer::LexResult;
use rustpython_parser::{ast, Mode, Parse};

/// Sources that exercise every branch of the lexer, broken ones included.
const TRICKY: &[&str] = &[
    "",
    "\n",
    "x",
    "\u{feff}import numpy as np\n",
    "a = 1\r\nb = 2\r\n",
    "a = 1\rb = 2\r",
    "if x:\n\ty = 1\n        z = 2\n",
    "if x:\n  \ty = 1\n",
    "if x:\n    y = 1\n  z = 2\n",
    "if x:\n    y = 1\n\x0c  z = 2\n",
    "def f():\n    # comment\n\n    return 1  # trailing\n# last",
    "x = (1,\n     2)\n",
    "x = [1, 2\n",
    "x = 1)\n",
    "x = }\n",
    "0x1F 0o17 0b101 0X 0b 1_000 1__0 1e5 1E-5 1.5e+3 1.j 2J .5 5. 1.e 1._5 1e_5 1e+_5 007 000 0_0",
    "123456789012345678901234567890 0xdeadbeefdeadbeefdeadbeef",
    "s = 'a' \"b\" '''c\n''' \"\"\"d\"\"\" r'\\n' b'x' f'{x}' u'y' rb'z' BR'w' Fr'{y}' fR'a'",
    "s = 'unterminated\n",
    "s = 'unterminated",
    "s = '''unterminated\n",
    "s = 'escaped \\' quote' + 'line \\\ncontinued' + 'crlf \\\r\ncontinued'",
    "s = '''a ''b'' \"c\" '''",
    "s = 'trailing backslash\\",
    "s = 'é𝄞 and \\é'\n",
    "naïve = 1\nπ = 3.14\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢 = 2\n",
    "x = 🐍\n",
    "x = 1 $ 2\n",
    "x = a ! b\n",
    "x != y\n",
    "x = ?\n",
    "x = 1 \\\n    + 2\n",
    "x = 1 \\ + 2\n",
    "x = 1 \\",
    "x = 1 \\\n",
    "a **= b //= c <<= d >>= e @= f -> g := h ... . , ; ~ ^= |= &= %= == <= >= < > != ->",
    "match command:\n    case [x, y]:\n        pass\n    case _:\n        pass\n",
    "match = 1\nmatch(x)\nmatch[x]: int = 2\ncase = match\n",
    "match x, y:\n    case (1, 2) if a: pass\n",
    "match lambda: x:\n    case _: pass\n",
    "type X = int\ntype Y[T] = list[T]\ntype = 3\ntype(x)\nx = type\ntype type = int\n",
    "type X[(] = int\n",
    "async def f():\n    await g()\n    async for x in y: pass\n    async with z: pass\n",
    "class C:\n    def f(self):\n        return {'a': [1, (2, 3)]}\n",
    "def f(:\n",
    "\tif x:\n\t\tpass\n",
    "if x:\n        pass\n    else:\n        pass\n",
    "x = 'a'\\\n'b'\n",
];

fn upstream_tokens(source: &str) -> Vec<LexResult> {
    up_to_first_error(rustpython_parser::lexer::lex(source, Mode::Module))
}

fn jitlens_tokens(source: &str) -> Vec<LexResult> {
    up_to_first_error(lexer::tokens(source))
}

/// The parser stops at the first error, so nothing after it matters.
fn up_to_first_error(tokens: impl Iterator<Item = LexResult>) -> Vec<LexResult> {
    let mut kept = Vec::new();
    for token in tokens {
        let is_error = token.is_err();
        kept.push(token);
        if is_error {
            break;
        }
    }
    kept
}

/// Asserts that both lexers and both parses agree on `source`.
fn assert_equivalent(label: &str, source: &str) {
    let upstream = upstream_tokens(source);
    let ours = jitlens_tokens(source);
    if upstream != ours {
        let first_difference = upstream
            .iter()
            .zip(&ours)
            .position(|(a, b)| a != b)
            .unwrap_or(upstream.len().min(ours.len()));
        let upstream_token = upstream.get(first_difference);
        panic!(
            "{label}: tokens differ at token {first_difference}:\n  rustpython-parser: {upstream_token:?}\n  jitlens:           {:?}\nsource there: {:?}",
            ours.get(first_difference),
            excerpt(source, upstream_token),
        );
    }
    let upstream_tree = ast::Suite::parse(source, "<input>");
    let our_tree = ast::Suite::parse_tokens(lexer::tokens(source), "<input>");
    assert!(
        upstream_tree == our_tree,
        "{label}: parses differ:\n  rustpython-parser: {:?}\n  jitlens:           {:?}",
        upstream_tree.as_ref().err(),
        our_tree.as_ref().err(),
    );
}

/// Up to 60 bytes of `source` either side of where `token` starts (the whole source if short).
fn excerpt<'src>(source: &'src str, token: Option<&LexResult>) -> &'src str {
    let offset = match token {
        Some(Ok((_, range))) => range.start().to_usize(),
        Some(Err(error)) => error.location.to_usize(),
        None => source.len(),
    };
    let mut start = offset.saturating_sub(60).min(source.len());
    let mut end = (offset + 60).min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    while !source.is_char_boundary(end) {
        end += 1;
    }
    &source[start..end]
}

#[test]
fn tricky_sources_lex_and_parse_the_same() {
    for (idx, source) in TRICKY.iter().enumerate() {
        assert_equivalent(&format!("tricky source {idx}"), source);
    }
}

fn fixtures() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    python_files(&mut files, &fixtures);
    assert!(files.len() >= 6, "the fixtures are there");
    files
        .iter()
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read_to_string(path).unwrap(),
            )
        })
        .collect()
}

#[test]
fn fixtures_lex_and_parse_the_same() {
    for (label, source) in fixtures() {
        assert_equivalent(&label, &source);
        assert_equivalent(&format!("{label} with CRLF"), &source.replace('\n', "\r\n"));
        assert_equivalent(&format!("{label} with tabs"), &source.replace("    ", "\t"));
    }
}

/// Byte-level damage: cut the file short, drop a piece, or splice in a character that the lexer
/// treats specially. Deterministic (xorshift), so a failure reproduces.
#[test]
fn damaged_fixtures_lex_and_parse_the_same() {
    const SPLICES: &[&str] = &[
        "'", "\"", "'''", "\\", "\\\n", "\r", "\r\n", "\t", "\x0c", "#", "(", ")", "]", "{", ":",
        "=", "!", "$", "0x", "1e", "1.", "_", "é", "🐍", "\u{a0}", "match ", "type ", "case ",
        "lambda ", "\n    ", "\n\t",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % u64::try_from(below.max(1)).unwrap()).unwrap()
    };
    let mut n_cases = 0;
    for (label, source) in fixtures() {
        let boundaries: Vec<usize> = source
            .char_indices()
            .map(|(idx, _)| idx)
            .chain([source.len()])
            .collect();
        for round in 0..60 {
            let at = boundaries[random(boundaries.len())];
            let to = boundaries[random(boundaries.len())].max(at);
            let damaged = match round % 3 {
                0 => source[..at].to_owned(),
                1 => format!("{}{}", &source[..at], &source[to..]),
                _ => format!(
                    "{}{}{}",
                    &source[..at],
                    SPLICES[random(SPLICES.len())],
                    &source[at..]
                ),
            };
            assert_equivalent(&format!("{label}, damage round {round}"), &damaged);
            n_cases += 1;
        }
    }
    assert!(n_cases >= 400, "{n_cases} damaged sources");
}

/// The installed package folders of numba and of three large, modern parts of torch.
fn installed_sources() -> Vec<PathBuf> {
    let python = python();
    let output = Command::new(&python)
        .args([
            "-c",
            "import importlib.util as u\nfor name in ['numba', 'torch._dynamo', 'torch._inductor', 'torch.distributions']:\n    print(u.find_spec(name).submodule_search_locations[0])",
        ])
        .output()
        .unwrap_or_else(|error| panic!("{} runs: {error}", python.display()));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut files = Vec::new();
    for folder in String::from_utf8(output.stdout).unwrap().lines() {
        python_files(&mut files, Path::new(folder));
    }
    files
}

#[test]
fn installed_numba_and_torch_sources_lex_and_parse_the_same() {
    let files = installed_sources();
    assert!(files.len() > 500, "only {} files found", files.len());
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        assert_equivalent(&path.display().to_string(), &source);
    }
}
