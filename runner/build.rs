//! Embeds the built playground into the binary when the `embed-playground` feature asks for it
//! (the wheel's build, `cargo xtask wheel`).
//!
//! It writes `$OUT_DIR/playground.rs`, a table of `(path, include_bytes!(file))` over trunk's dist
//! folder: `$JITLENS_PLAYGROUND_DIR`, else this checkout's `web/dist`. Without the feature the
//! table is empty and nothing is read, so ordinary builds never depend on the page being built.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let files = if std::env::var_os("CARGO_FEATURE_EMBED_PLAYGROUND").is_some() {
        println!("cargo:rerun-if-env-changed=JITLENS_PLAYGROUND_DIR");
        let dist = std::env::var_os("JITLENS_PLAYGROUND_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist"),
            PathBuf::from,
        );
        let dist = dist.canonicalize().unwrap_or(dist);
        if !dist.join("index.html").is_file() {
            panic!(
                "the embed-playground feature needs the built playground, and {} has no \
                 index.html: run `cargo xtask web` (or set JITLENS_PLAYGROUND_DIR)",
                dist.display()
            );
        }
        // A folder is watched recursively: any file added, removed or rebuilt reruns this.
        println!("cargo:rerun-if-changed={}", dist.display());
        let mut files = Vec::new();
        collect(&dist, "", &mut files);
        files.sort();
        files
    } else {
        Vec::new()
    };
    let mut table = String::from(
        "/// The playground's files (path under the dist folder, contents), sorted by path.\n\
         pub(crate) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        let path = path.to_str().expect("the dist folder's path is UTF-8");
        writeln!(table, "    ({name:?}, include_bytes!({path:?})),").unwrap();
    }
    table.push_str("];\n");
    std::fs::write(out_dir.join("playground.rs"), table).expect("can write into OUT_DIR");
}

/// Every file under `dir` as (path with `/` separators, file), hidden ones (trunk's `.stage`)
/// left out.
fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("could not read {}: {error}", dir.display()));
    for entry in entries {
        let entry = entry.expect("a readable folder entry");
        let name = entry
            .file_name()
            .into_string()
            .expect("the playground's file names are UTF-8");
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            collect(&path, &format!("{relative}/"), files);
        } else {
            files.push((relative, path));
        }
    }
}
