//! Links the Lambda binary as a non-PIE executable (release builds for Linux): the
//! dynamic loader then has almost no relocations to apply at start — measured at
//! ~0.4 ms of a ~2.4 ms init (docs/decisions/0001). Code is still compiled
//! position-independent, so dependencies that also build a shared library (crc-fast,
//! via the S3 SDK) link; only the executable's own addresses are fixed. Trade-off: the
//! executable is not address-randomised (its libraries, stack and heap still are).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if linux && release {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
