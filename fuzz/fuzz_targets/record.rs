//! The record decoder and the JSON-text cell decoders (Log Analytics) on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlens::core::parse::record::{
    decode_item, decode_item_str, identity_from_json, initiator_from_json, modified_from_json,
    status_info_from_json, steps_from_json, system_from_json, Item,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(Item::Page(elements)) = decode_item(data) {
        for raw in elements {
            let _ = decode_item_str(raw.get());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_item_str(text);
        let _ = identity_from_json(text);
        let _ = system_from_json(text);
        let _ = steps_from_json(text);
        let _ = modified_from_json(text);
        let _ = status_info_from_json(text);
        let _ = initiator_from_json(text);
    }
});
