//! The only UI file that touches browser handles (`File`, `DragEvent`, the document): it turns
//! them into plain values for the components.

use wasm_bindgen::JsCast;
use yew::{Event, InputEvent};

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

/// The single-file build (`provlens.html`) has no glue file beside it: its start-up script sets
/// `globalThis.provlensWorkerUrl` to a Blob URL of a script holding the glue and the wasm, which
/// is then started as is (`spawn_with_loader`).
pub fn inline_worker_url() -> Option<String> {
    js_sys::Reflect::get(&js_sys::global(), &"provlensWorkerUrl".into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|u| u.starts_with("blob:"))
}

/// The URL of the wasm-bindgen glue the worker starts from: the page's own glue, since page and
/// worker run the same wasm module. `static/init.js` publishes it as `globalThis.provlensGlueUrl`
/// (resolved against the document, so the app also works under a sub-path); gloo-worker derives
/// the wasm's URL from it (`…_bg.wasm`).
pub fn worker_url() -> String {
    js_sys::Reflect::get(&js_sys::global(), &"provlensGlueUrl".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
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

/// The value of the `<input>` a change event came from.
pub fn event_value(event: &Event) -> String {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// The value of the `<input>` an input event came from.
pub fn input_value(event: &InputEvent) -> String {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// A fresh random pseudonymization key: 16 bytes from the browser's CSPRNG, as hex.
pub fn random_key_hex() -> String {
    let mut bytes = [0u8; 16];
    let filled = gloo::utils::window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes));
    if filled.is_err() {
        // No CSPRNG means no safe key: leave the field empty so the user types one.
        return String::new();
    }
    crate::core::pseudo::hex(&bytes)
}

/// The time now by this computer's clock, ISO 8601 UTC (shown in reports as such).
pub fn now_text() -> String {
    // `toISOString` gives `2026-11-28T10:00:00.123Z`; the milliseconds add nothing here.
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    let seconds = iso.split('.').next().unwrap_or(&iso).to_string();
    format!("{seconds}Z (UTC)")
}

/// Offers text as a file download (through a Blob URL of this document; nothing is sent).
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the export could not be prepared".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the export could not be prepared".to_string())?;
    let document = gloo::utils::document();
    let anchor = document
        .create_element("a")
        .map_err(|_| "the download could not start".to_string())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "the download could not start".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The browser has taken the blob once the click is handled; free it a little later.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The URL fragment without its `#`.
pub fn fragment() -> String {
    gloo::utils::window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// Sets the URL fragment, which adds a history entry (so back and forward work); nothing
/// happens when it is already the same.
pub fn set_fragment(fragment: &str) {
    if self::fragment() != fragment {
        let _ = gloo::utils::window()
            .location()
            .set_hash(&format!("#{fragment}"));
    }
}

/// Calls `f` with the new fragment whenever it changes (back, forward, a link, a click).
pub fn on_fragment_change(f: impl Fn(String) + 'static) -> gloo::events::EventListener {
    gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| f(fragment()))
}

/// A key pressed anywhere on the page, with whether the focus was in a text field.
pub struct KeyPress {
    pub key: String,
    pub in_text_field: bool,
    pub modified: bool,
}

/// Calls `f` for every key pressed on the page; `f` returns whether it handled the key, in
/// which case the browser's own handling is prevented.
pub fn on_key(f: impl Fn(&KeyPress) -> bool + 'static) -> gloo::events::EventListener {
    let options = gloo::events::EventListenerOptions::enable_prevent_default();
    gloo::events::EventListener::new_with_options(
        &gloo::utils::document(),
        "keydown",
        options,
        move |event| {
            let Some(e) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            let in_text_field = e.target().is_some_and(|t| {
                t.dyn_ref::<web_sys::HtmlInputElement>().is_some()
                    || t.dyn_ref::<web_sys::HtmlElement>()
                        .is_some_and(|h| h.tag_name().eq_ignore_ascii_case("textarea"))
            });
            let press = KeyPress {
                key: e.key(),
                in_text_field,
                modified: e.ctrl_key() || e.meta_key() || e.alt_key(),
            };
            if f(&press) {
                e.prevent_default();
            }
        },
    )
}

/// Moves the keyboard focus to the element with this id, when it exists.
pub fn focus_id(id: &str) {
    if let Some(el) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Where a pointer is across an element, from 0 (left edge) to 1 (right edge).
pub fn fraction_across(node: &yew::NodeRef, client_x: i32) -> Option<f64> {
    let el = node.cast::<web_sys::Element>()?;
    let rect = el.get_bounding_client_rect();
    (rect.width() > 0.0)
        .then(|| ((f64::from(client_x) - rect.left()) / rect.width()).clamp(0.0, 1.0))
}

/// An element's vertical scroll position and visible height, in pixels.
pub fn scroll_of(node: &yew::NodeRef) -> Option<(f64, f64)> {
    let el = node.cast::<web_sys::Element>()?;
    Some((f64::from(el.scroll_top()), f64::from(el.client_height())))
}

/// Scrolls an element vertically to `top` pixels.
pub fn scroll_to(node: &yew::NodeRef, top: f64) {
    if let Some(el) = node.cast::<web_sys::Element>() {
        el.set_scroll_top(top.max(0.0) as i32);
    }
}

/// Copies text to the clipboard. Returns false when the browser offers no clipboard (an
/// insecure context, an old browser); the caller then lets the user select the text.
pub fn copy_text(text: &str) -> bool {
    let navigator = gloo::utils::window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).unwrap_or_default();
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    let promise = clipboard
        .unchecked_into::<web_sys::Clipboard>()
        .write_text(text);
    // Awaited so that a refusal (no permission) is handled here, not reported as uncaught.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
    true
}

/// Sets CSS properties on an element through the CSSOM. The page's Content-Security-Policy
/// forbids inline `style` attributes, but not styles set from script.
pub fn set_styles(node: &yew::NodeRef, properties: &[(&str, String)]) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let style = el.style();
        for (name, value) in properties {
            let _ = style.set_property(name, value);
        }
    }
}
