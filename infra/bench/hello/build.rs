//! Linked like the Lambda binary (see functions/build.rs): non-PIE in release on Linux,
//! so that the two are compared built the same way.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && std::env::var("PROFILE").is_ok_and(|p| p == "release") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
