//! Writes the minified stylesheet (`widget.min.css`) the widget embeds, so comments and
//! indentation never reach the wasm.

#[path = "build/minify_css.rs"]
mod minify_css;

fn main() {
    println!("cargo::rerun-if-changed=src/widget.css");
    println!("cargo::rerun-if-changed=build/minify_css.rs");
    let css = std::fs::read_to_string("src/widget.css").expect("widget/src/widget.css is readable");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(format!("{out}/widget.min.css"), minify_css::minify_css(&css)).expect("OUT_DIR is writable");
}
