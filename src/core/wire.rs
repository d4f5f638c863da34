//! The compact binary encoding of the messages between the page and the worker (every answer
//! and every request; a load's `File` handles travel beside the bytes, see `worker::codec`):
//! postcard, with variable-length integers. It has no field names
//! and no type tags, so an answer is a fraction of its JSON size, and it decodes without looking
//! up a single name.
//!
//! A binary encoding carries no field names, so it cannot leave a field out: the decoder reads
//! every field in order. Fields that the JSON output (`provlens … --json`) omits when empty use
//! the predicates below, which omit them only outside of [`encode`].

use std::cell::Cell;

use serde::de::DeserializeOwned;
use serde::Serialize;

thread_local! {
    /// Whether this thread is writing the binary encoding (see [`encode`]).
    static ENCODING: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as writing the binary encoding until dropped (also when unwinding).
struct Encoding {
    was: bool,
}

impl Encoding {
    fn start() -> Encoding {
        Encoding {
            was: ENCODING.with(|e| e.replace(true)),
        }
    }
}

impl Drop for Encoding {
    fn drop(&mut self) {
        let was = self.was;
        ENCODING.with(|e| e.set(was));
    }
}

fn encoding() -> bool {
    ENCODING.with(Cell::get)
}

/// Encodes a value.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, String> {
    let _encoding = Encoding::start();
    postcard::to_allocvec(value).map_err(|e| e.to_string())
}

/// Decodes a value that [`encode`] wrote.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

/// `skip_serializing_if` for an optional field: omitted from JSON when `None`, always written
/// by [`encode`].
pub fn omit_none<T>(value: &Option<T>) -> bool {
    value.is_none() && !encoding()
}

/// `skip_serializing_if` for a list: omitted from JSON when empty, always written by [`encode`].
pub fn omit_empty<T>(value: &[T]) -> bool {
    value.is_empty() && !encoding()
}

/// `skip_serializing_if` for a text: omitted from JSON when empty, always written by [`encode`].
pub fn omit_empty_str(value: &str) -> bool {
    value.is_empty() && !encoding()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Sparse {
        #[serde(skip_serializing_if = "omit_none", default)]
        a: Option<u64>,
        #[serde(skip_serializing_if = "omit_empty", default)]
        b: Vec<String>,
        #[serde(skip_serializing_if = "omit_empty_str", default)]
        c: String,
        d: i64,
    }

    #[test]
    fn empty_fields_are_omitted_from_json_and_written_in_binary() {
        let v = Sparse {
            d: -3,
            ..Sparse::default()
        };
        assert_eq!(serde_json::to_string(&v).unwrap_or_default(), r#"{"d":-3}"#);
        let bytes = encode(&v).unwrap_or_default();
        assert_eq!(decode::<Sparse>(&bytes), Ok(v));
        // The mark is cleared after encoding.
        assert!(omit_none::<u8>(&None));
    }

    #[test]
    fn full_fields_round_trip() {
        let v = Sparse {
            a: Some(u64::MAX),
            b: vec!["x".into(), String::new()],
            c: "é".into(),
            d: i64::MIN,
        };
        let bytes = encode(&v).unwrap_or_default();
        assert_eq!(decode::<Sparse>(&bytes), Ok(v));
    }
}
