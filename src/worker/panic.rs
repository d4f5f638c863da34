//! The worker's panic hook: the page gets a readable message instead of a load that never ends.

use std::cell::Cell;

use gloo::worker::{Codec, HandlerId};
use serde::Serialize;
use wasm_bindgen::JsCast;

use super::codec::Structured;
use super::protocol::{Packed, Response};

thread_local! {
    /// The page connection that sent the latest request; the panic message goes there.
    static LAST_HANDLER: Cell<Option<HandlerId>> = const { Cell::new(None) };
}

/// Mirrors gloo-worker's private `FromWorker::ProcessOutput` message. With the structured
/// codec an enum travels as `{ "ProcessOutput": [handler, output] }`, matched by variant name,
/// so this mirror is decoded by the page's bridge like any response.
#[derive(Serialize)]
enum FromWorker {
    ProcessOutput(HandlerId, Packed<Response>),
}

/// Installs the hook. The panic still aborts the worker; the page then starts a new one.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("The analysis stopped because of an internal error: {info}");
        web_sys::console::error_1(&message.as_str().into());
        let Some(id) = LAST_HANDLER.with(Cell::get) else {
            return;
        };
        let envelope = FromWorker::ProcessOutput(id, Packed(Response::Crashed(message)));
        if let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() {
            // Nothing more can be done if even this fails: the worker is going down.
            let _ = scope.post_message(&Structured::encode(envelope));
        }
    }));
}

/// Remembers the connection of the request being handled.
pub fn remember(id: HandlerId) {
    LAST_HANDLER.with(|h| h.set(Some(id)));
}
