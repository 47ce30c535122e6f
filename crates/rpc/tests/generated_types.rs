//! ui/src/rpc/generated.ts is generated from this crate's source. This test
//! fails when the committed file is out of date, and rewrites it when
//! TRELLIS_WRITE_TYPES is set.

mod ts;

use std::{env, fs, path::Path};

#[test]
fn generated_types_are_current() {
    // Read at run time: a test binary reused from a clone elsewhere (the
    // target directory is shared) would otherwise check that clone.
    let crate_dir = env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        std::path::PathBuf::from,
    );
    let generated = ts::read_crate(&crate_dir.join("src"))
        .and_then(|modules| ts::generate(&modules))
        .unwrap_or_else(|e| panic!("cannot write crates/rpc as TypeScript: {e}"));
    let target = crate_dir.join("../../ui/src/rpc/generated.ts");
    if env::var_os("TRELLIS_WRITE_TYPES").is_some() {
        fs::write(&target, &generated)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
        return;
    }
    let committed = fs::read_to_string(&target).unwrap_or_default();
    if committed != generated {
        let was: Vec<&str> = committed.lines().collect();
        let now: Vec<&str> = generated.lines().collect();
        let last = was.len().max(now.len());
        let i = (0..last)
            .find(|&i| was.get(i) != now.get(i))
            .unwrap_or(last);
        let line = |lines: &[&str]| {
            lines
                .get(i)
                .map_or("(end of file)".to_string(), |l| l.to_string())
        };
        panic!(
            "ui/src/rpc/generated.ts is out of date with crates/rpc; first difference \
             at line {}:\n  committed: {}\n  generated: {}\nRegenerate it with\n  {}",
            i + 1,
            line(&was),
            line(&now),
            ts::REGENERATE
        );
    }
}
