//! Writes the minified stylesheet (`widget.min.css`) the widget embeds, so comments and
//! indentation never reach the wasm. Only the part from `/* Panel */` on: the launcher's rules
//! before it ship once, in the loader (`widget/www/post-build.mjs` cuts them out of the same
//! file), whose stylesheet the widget keeps when it mounts.

#[path = "build/minify_css.rs"]
mod minify_css;

fn main() {
    println!("cargo::rerun-if-changed=src/widget.css");
    println!("cargo::rerun-if-changed=build/minify_css.rs");
    let css = std::fs::read_to_string("src/widget.css").expect("widget/src/widget.css is readable");
    let panel = css.find("/* Panel */").expect("widget.css has its \"/* Panel */\" marker");
    let css = &css[panel..];
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(format!("{out}/widget.min.css"), minify_css::minify_css(css)).expect("OUT_DIR is writable");
}
