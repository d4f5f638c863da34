//! The only UI file that touches browser handles (`File`, `DragEvent`, the document): it turns
//! them into plain values for the components.

use wasm_bindgen::JsCast;

use crate::worker::protocol::FileRef;

/// The files of a drop.
pub fn dropped_files(event: &web_sys::DragEvent) -> Vec<FileRef> {
    event
        .data_transfer()
        .and_then(|t| t.files())
        .map(|list| file_list(&list))
        .unwrap_or_default()
}

/// The files chosen in an `<input type=file>`; the input is cleared so that choosing the same
/// file again is seen as a new choice.
pub fn picked_files(event: &web_sys::Event) -> Vec<FileRef> {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input.files().map(|l| file_list(&l)).unwrap_or_default();
    input.set_value("");
    files
}

fn file_list(list: &web_sys::FileList) -> Vec<FileRef> {
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(FileRef)
        .collect()
}

/// The worker script's URL, relative to the document so the app also works under a sub-path.
pub fn worker_url() -> String {
    let base = gloo::utils::document()
        .base_uri()
        .ok()
        .flatten()
        .unwrap_or_else(|| "./".to_string());
    web_sys::Url::new_with_base("worker.js", &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| "worker.js".to_string())
}

/// Whether the system asks for a dark theme.
pub fn system_prefers_dark() -> bool {
    gloo::utils::window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// Applies the theme to the whole page (the CSS keys off `data-theme` on `<html>`).
pub fn apply_theme(dark: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// Installs a panic hook that replaces the page with a readable message: a panic in wasm would
/// otherwise leave a frozen or blank page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let detail = info.to_string();
        web_sys::console::error_1(&detail.as_str().into());
        show_fatal_error(&detail);
    }));
}

fn show_fatal_error(detail: &str) {
    let document = gloo::utils::document();
    let Some(body) = document.body() else {
        return;
    };
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_class_name("fatal");
    panel.set_attribute("role", "alert").ok();
    panel.set_attribute("data-testid", "fatal-error").ok();
    let parts = [
        ("h1", "provlens stopped because of an internal error"),
        (
            "p",
            "Your files never left this computer. Reload the page to start again; if it \
             happens again with the same files, please report the message below.",
        ),
        ("pre", detail),
    ];
    for (tag, text) in parts {
        if let Ok(el) = document.create_element(tag) {
            el.set_text_content(Some(text));
            let _ = panel.append_child(&el);
        }
    }
    body.set_inner_html("");
    let _ = body.append_child(&panel);
}
