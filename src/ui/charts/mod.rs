//! Small SVG charts of our own. A charting crate would add to the wasm size and leave us less
//! control over what screen readers hear and what the keyboard reaches; these charts are plain
//! components over data the core computed: each has an `aria-label` summary, a `<title>` per
//! mark, focusable marks that act on Enter or Space, and a `viewBox` so it scales to its box.

pub mod bar_list;
pub mod cycle_timeline;
pub mod identity_timeline;
pub mod sparkline;
pub mod swimlane;
pub mod timeline;

/// Whether a key press activates a focused mark.
pub fn activates(e: &yew::KeyboardEvent) -> bool {
    let key = e.key();
    key == "Enter" || key == " "
}
