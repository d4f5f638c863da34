//! Encodes worker messages in the core's binary encoding (postcard, `core::wire`), with browser
//! `File` handles carried beside the bytes.
//!
//! A message crosses `postMessage` as a JS array: first a `Uint8Array` holding the encoded
//! message, then every `File` the message names, which the browser passes by reference
//! (structured clone), so the page never reads a file's bytes. In the encoding a `File` is its
//! place among those handles, 0 for the first ([`FileRef`](super::protocol::FileRef)).

use std::cell::RefCell;

use gloo::worker::Codec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::core::wire;

thread_local! {
    /// The `File` handles of the message being encoded or decoded, in their order.
    static HANDLES: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

/// Adds a handle to the message being encoded; returns its place.
pub(crate) fn put_handle(handle: JsValue) -> u32 {
    HANDLES.with(|h| {
        let mut h = h.borrow_mut();
        h.push(handle);
        u32::try_from(h.len() - 1).unwrap_or(u32::MAX)
    })
}

/// The handle at `place` in the message being decoded.
pub(crate) fn handle(place: u32) -> Option<JsValue> {
    HANDLES.with(|h| h.borrow().get(place as usize).cloned())
}

/// Messages as one byte array plus the `File` handles they name.
#[derive(Debug)]
pub struct Binary;

impl Codec for Binary {
    fn encode<I>(input: I) -> JsValue
    where
        I: Serialize,
    {
        HANDLES.with(|h| h.borrow_mut().clear());
        let bytes = match wire::encode(&input) {
            Ok(bytes) => bytes,
            // The Codec trait has no error path. Every message type is ours and encodes; a
            // failure here is a programming error, and the panic hook shows it.
            Err(e) => panic!("a worker message could not be encoded: {e}"),
        };
        let message = js_sys::Array::new();
        message.push(&js_sys::Uint8Array::from(bytes.as_slice()));
        HANDLES.with(|h| {
            for handle in h.borrow_mut().drain(..) {
                message.push(&handle);
            }
        });
        message.into()
    }

    fn decode<O>(input: JsValue) -> O
    where
        O: DeserializeOwned,
    {
        let message = js_sys::Array::from(&input);
        let bytes = js_sys::Uint8Array::new(&message.get(0)).to_vec();
        HANDLES.with(|h| {
            let mut h = h.borrow_mut();
            h.clear();
            h.extend(message.iter().skip(1));
        });
        let decoded = wire::decode(&bytes);
        HANDLES.with(|h| h.borrow_mut().clear());
        match decoded {
            Ok(value) => value,
            // Page and worker are built together from one crate, so a message that does not
            // decode means the two were deployed from different builds.
            Err(e) => panic!(
                "a worker message could not be decoded ({e}); reload the page to load matching \
                 app and worker files"
            ),
        }
    }
}
