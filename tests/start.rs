//! What a runback process loads when it starts.

/// The maths library is opened only when a GPS track or the batch progress bar needs it
/// (`src/maths.rs`): every other run is spared loading it. A new call of one of its other
/// functions would bring it back at start, and fail here.
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
#[test]
fn the_maths_library_is_loaded_only_when_a_track_needs_it() {
    use std::process::Command;
    let loads = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_runback"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("LD_DEBUG", "libs")
            .env("SOURCE_DATE_EPOCH", "1795305600")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        // The dynamic loader's own account of what it looked for, on standard error.
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let assess = loads(&["assess", "--answers", "examples/answers.json"]);
    assert!(assess.contains("find library=libc.so.6"), "{assess}");
    assert!(!assess.contains("libm.so"), "{assess}");
    let track = loads(&["training", "tests/fixtures/training/run-with-elevation.gpx"]);
    assert!(track.contains("find library=libm.so.6"), "{track}");
}
