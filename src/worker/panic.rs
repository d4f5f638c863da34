//! The worker's panic hook: the page gets a readable message instead of a load that never ends.

use std::cell::Cell;

use gloo::worker::{Codec, HandlerId};
use serde::Serialize;
use wasm_bindgen::JsCast;

use super::codec::Binary;
use super::protocol::Response;

thread_local! {
    /// The page connection that sent the latest request; the panic message goes there.
    static LAST_HANDLER: Cell<Option<HandlerId>> = const { Cell::new(None) };
}

/// Mirrors gloo-worker's private `FromWorker` message, so that the page's bridge decodes the
/// panic message like any response. The binary encoding writes an enum's variant by its index,
/// so the mirror lists gloo's variants in gloo's order: `WorkerLoaded`, then `ProcessOutput`.
#[derive(Serialize)]
pub(crate) enum FromWorker {
    /// Never sent from here; it holds `ProcessOutput`'s place.
    #[allow(dead_code)]
    WorkerLoaded,
    ProcessOutput(HandlerId, Response),
}

/// Installs the hook. The panic still aborts the worker; the page then starts a new one.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("The analysis stopped because of an internal error: {info}");
        web_sys::console::error_1(&message.as_str().into());
        let Some(id) = LAST_HANDLER.with(Cell::get) else {
            return;
        };
        let envelope = FromWorker::ProcessOutput(id, Response::Crashed(message));
        if let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
            // Nothing more can be done if even this fails: the worker is going down.
            let _ = scope.post_message(&Binary::encode(envelope));
        }
    }));
}

/// Remembers the connection of the request being handled.
pub fn remember(id: HandlerId) {
    LAST_HANDLER.with(|h| h.set(Some(id)));
}
