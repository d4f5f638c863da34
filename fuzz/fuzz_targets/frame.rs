//! The JSON framer on any bytes, split into chunks at places chosen by the input; the items it
//! hands out must be the same whatever the split.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlens::core::parse::frame::{Frame, Framer};

fn frames(data: &[u8], cuts: &[usize]) -> (Vec<(Vec<u8>, u64, u64)>, usize, bool) {
    let mut framer = Framer::default();
    let mut items = Vec::new();
    let mut garbage = 0;
    let mut emit = |f: Frame<'_>| match f {
        Frame::Item { bytes, pos } => items.push((bytes.to_vec(), pos.byte, pos.line)),
        Frame::Garbage { .. } => garbage += 1,
    };
    let mut start = 0;
    for &cut in cuts {
        let end = cut.clamp(start, data.len());
        framer.push(&data[start..end], &mut emit);
        start = end;
    }
    framer.push(&data[start..], &mut emit);
    let truncated = framer.finish(&mut emit).is_some();
    (items, garbage, truncated)
}

fuzz_target!(|input: &[u8]| {
    // The chunk size comes from a hash of the input, so seeds are plain export files.
    let data = input;
    let seed = mix(data);
    let whole = frames(data, &[]);
    let step = (seed % 17) as usize + 1;
    let cuts: Vec<usize> = (1..=data.len() / step).map(|k| k * step).collect();
    let chunked = frames(data, &cuts);
    // Items are what matters to the records read; garbage notes may be split differently
    // when a bad line spans a chunk boundary.
    assert_eq!(
        whole.0, chunked.0,
        "items differ with chunks of {step} bytes"
    );
    assert_eq!(
        whole.2, chunked.2,
        "truncation differs with chunks of {step} bytes"
    );
});

/// A cheap hash of the input that picks chunk sizes and options.
fn mix(data: &[u8]) -> u32 {
    data.iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    })
}
