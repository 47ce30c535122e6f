//! The built binary's command line: what `--help` tells, and how a bad
//! argument is refused before anything starts.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trellis-server"))
        .args(args)
        // A profile or log filter from the caller's environment would
        // change nothing here, but keep the run self-contained.
        .env_remove("TRELLIS_PROFILE")
        .env_remove("TRELLIS_LOG")
        .output()
        .unwrap_or_else(|e| panic!("cannot run trellis-server: {e}"))
}

#[test]
fn help_names_every_option_and_variable() {
    let out = run(&["--help"]);
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8_lossy(&out.stdout);
    for name in [
        "--stdio",
        "--listen",
        "--profile",
        "--log",
        "--web-username",
        "--web-password",
        "--ui-dir",
        "TRELLIS_PROFILE",
        "TRELLIS_LOG",
        "TRELLIS_WEB_PASSWORD",
        "TRELLIS_UI_DIR",
        "TRELLIS_WEB_IDLE_TIMEOUT_MS",
        "TRELLIS_WEB_IMAGE_TOKEN_INTERVAL_MS",
        "TRELLIS_MEDIA_CACHE_MB",
    ] {
        assert!(help.contains(name), "--help does not name {name}:\n{help}");
    }
}

#[test]
fn bad_arguments_get_a_clear_error() {
    for (args, says) in [
        (&["--stdio", "--bogus"][..], "unexpected argument '--bogus'"),
        (&["--listen", "localhost"][..], "e.g. 127.0.0.1:29325"),
        (
            &["--stdio", "--listen", "127.0.0.1:1"][..],
            "cannot be used with",
        ),
        (&[][..], "--stdio|--listen"),
        (
            &["--stdio", "--profile"][..],
            "a value is required for '--profile <DIR>'",
        ),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?} should say {says:?}:\n{stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    }
}
