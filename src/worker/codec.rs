//! Encodes worker messages as structured-clone JS values (gloo-worker's default is bincode bytes,
//! which cannot carry a browser `File`).

use gloo::worker::Codec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Messages as plain JS objects; `File` handles inside them pass through untouched.
#[derive(Debug)]
pub struct Structured;

impl Codec for Structured {
    fn encode<I>(input: I) -> JsValue
    where
        I: Serialize,
    {
        match input.serialize(&serde_wasm_bindgen::Serializer::new()) {
            Ok(value) => value,
            // The Codec trait has no error path. Every message type is ours and serializes;
            // a failure here is a programming error, and the panic hook shows it.
            Err(e) => panic!("a worker message could not be encoded: {e}"),
        }
    }

    fn decode<O>(input: JsValue) -> O
    where
        O: DeserializeOwned,
    {
        match serde_wasm_bindgen::from_value(input) {
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
