//! `[tool.jitlens]` in pyproject.toml: the project's own settings for `check`.
//!
//! ```toml
//! [tool.jitlens]
//! select = ["PT", "NB"]        # rule codes or prefixes; default: every rule
//! ignore = ["PT3", "NB201"]    # subtracted, most specific selector wins
//! exclude = ["build", "legacy/*.py"]   # gitignore-style, relative to this file's folder
//! ```
//!
//! The file is found by walking up from the current directory: the nearest `pyproject.toml` that
//! has a `[tool.jitlens]` table is used, as ruff does with `[tool.ruff]`. Unknown keys are an
//! error, so a typo does not silently check everything.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::check::selection::{RuleSelector, Settings};

/// The settings of `[tool.jitlens]`, with the folder its pyproject.toml sits in.
#[derive(Debug)]
pub(crate) struct Config {
    /// The folder of the pyproject.toml; `exclude` patterns are relative to it.
    pub(crate) root: PathBuf,
    /// `select` and `ignore`.
    pub(crate) rules: Settings,
    /// Gitignore-style patterns of files and folders not to walk into.
    pub(crate) exclude: Vec<String>,
}

/// The `[tool.jitlens]` of the nearest pyproject.toml at or above `start` that has one.
pub(crate) fn discover(start: &Path) -> anyhow::Result<Option<Config>> {
    for dir in start.ancestors() {
        let path = dir.join("pyproject.toml");
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let parsed =
            parse(&text, dir).with_context(|| format!("invalid settings in {}", path.display()))?;
        if parsed.is_some() {
            return Ok(parsed);
        }
    }
    Ok(None)
}

/// How pyproject.toml looks, as far as jitlens cares.
#[derive(Deserialize)]
struct PyProject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    jitlens: Option<JitlensTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JitlensTable {
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
}

/// The `[tool.jitlens]` of one pyproject.toml's text; `None` when it has none.
fn parse(text: &str, root: &Path) -> anyhow::Result<Option<Config>> {
    let pyproject: PyProject = toml::from_str(text)?;
    let Some(table) = pyproject.tool.and_then(|tool| tool.jitlens) else {
        return Ok(None);
    };
    let selectors = |texts: Option<Vec<String>>, key: &str| {
        texts
            .unwrap_or_default()
            .iter()
            .map(|text| {
                text.parse()
                    .map_err(|error: String| anyhow::anyhow!("{key}: {error}"))
            })
            .collect::<anyhow::Result<Vec<RuleSelector>>>()
    };
    let select = match table.select {
        Some(texts) => Some(selectors(Some(texts), "select")?),
        None => None,
    };
    Ok(Some(Config {
        root: root.to_path_buf(),
        rules: Settings {
            select,
            ignore: selectors(table.ignore, "ignore")?,
        },
        exclude: table.exclude.unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Option<Config> {
        parse(text, Path::new("/project")).unwrap()
    }

    #[test]
    fn reads_select_ignore_and_exclude() {
        let config = parse_ok(
            "[project]\nname = \"x\"\n\n[tool.jitlens]\nselect = [\"PT\", \"NB2\"]\nignore = [\n  \"PT301\",  # noisy\n]\nexclude = [\"build\"]\n",
        )
        .unwrap();
        assert_eq!(config.root, Path::new("/project"));
        let select: Vec<_> = config
            .rules
            .select
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(select, ["PT", "NB2"]);
        assert_eq!(config.rules.ignore[0].to_string(), "PT301");
        assert_eq!(config.exclude, ["build"]);
    }

    #[test]
    fn missing_keys_mean_defaults_and_missing_table_means_none() {
        let config = parse_ok("[tool.jitlens]\n").unwrap();
        assert!(config.rules.select.is_none());
        assert!(config.rules.ignore.is_empty() && config.exclude.is_empty());
        assert!(parse_ok("[tool.ruff]\nselect = [\"E\"]\n").is_none());
        assert!(parse_ok("").is_none());
    }

    #[test]
    fn typos_and_bad_selectors_are_errors() {
        let root = Path::new("/project");
        let unknown_key = parse("[tool.jitlens]\nselekt = [\"PT\"]\n", root).unwrap_err();
        assert!(
            format!("{unknown_key:#}").contains("selekt"),
            "{unknown_key:#}"
        );
        let bad_selector = parse("[tool.jitlens]\nignore = [\"pt1\"]\n", root).unwrap_err();
        assert!(format!("{bad_selector:#}").contains("ignore: unknown rule selector `pt1`"));
        assert!(parse("[tool.jitlens\n", root).is_err());
    }

    #[test]
    fn discover_walks_up_to_the_nearest_file_with_a_jitlens_table() {
        let base = std::env::temp_dir().join(format!("jitlens-config-{}", std::process::id()));
        let inner = base.join("pkg/sub");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(
            base.join("pyproject.toml"),
            "[tool.jitlens]\nignore = [\"GEN\"]\n",
        )
        .unwrap();
        std::fs::write(base.join("pkg/pyproject.toml"), "[tool.black]\n").unwrap();
        let config = discover(&inner).unwrap().unwrap();
        assert_eq!(config.root, base);
        assert_eq!(config.rules.ignore[0].to_string(), "GEN");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
