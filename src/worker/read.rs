//! Reads files in chunks into one data set: `Blob.slice()` + `arrayBuffer()`, one chunk at a
//! time, so a file of any size is never held whole in the worker.

use std::borrow::Cow;
use std::cell::Cell;

use wasm_bindgen_futures::JsFuture;

use crate::core::ingest::{check_memory, DataSet, Ingest, Limits};
use crate::core::progress::FileProgress;

/// Chunk size used by the worker: large enough that the per-chunk overhead vanishes, small
/// enough that progress moves and Cancel answers quickly.
pub const CHUNK_BYTES: u64 = 4 << 20;

/// Where a file's bytes come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A file the user dropped or picked.
    File(web_sys::File),
    /// A file built into the app (the demo data).
    Embedded {
        name: String,
        bytes: std::rc::Rc<[u8]>,
    },
}

impl Source {
    pub fn name(&self) -> String {
        match self {
            Source::File(f) => f.name(),
            Source::Embedded { name, .. } => name.clone(),
        }
    }

    pub fn size_bytes(&self) -> u64 {
        match self {
            Source::File(f) => f.size().max(0.0) as u64,
            Source::Embedded { bytes, .. } => bytes.len() as u64,
        }
    }

    /// Starts reading bytes `start..end` (clamped to the file). A dropped file's slice is read
    /// by the browser off the worker's thread, so the next chunk arrives while this one parses.
    fn start_chunk(&self, start: u64, end: u64) -> PendingChunk<'_> {
        match self {
            Source::File(f) => match f.slice_with_f64_and_f64(start as f64, end as f64) {
                Ok(blob) => PendingChunk::File(JsFuture::from(blob.array_buffer())),
                Err(e) => PendingChunk::Failed(describe(&e)),
            },
            Source::Embedded { bytes, .. } => {
                let len = bytes.len();
                let from = usize::try_from(start).unwrap_or(len).min(len);
                let to = usize::try_from(end).unwrap_or(len).min(len);
                PendingChunk::Embedded(bytes.get(from..to).unwrap_or(&[]))
            }
        }
    }

    /// Bytes `start..end` (clamped to the file).
    async fn chunk(&self, start: u64, end: u64) -> Result<Cow<'_, [u8]>, String> {
        self.start_chunk(start, end).bytes().await
    }
}

/// A chunk on its way.
enum PendingChunk<'a> {
    File(JsFuture),
    Embedded(&'a [u8]),
    Failed(String),
}

impl<'a> PendingChunk<'a> {
    async fn bytes(self) -> Result<Cow<'a, [u8]>, String> {
        match self {
            PendingChunk::File(read) => {
                let buffer = read.await.map_err(|e| describe(&e))?;
                Ok(Cow::Owned(js_sys::Uint8Array::new(&buffer).to_vec()))
            }
            PendingChunk::Embedded(bytes) => Ok(Cow::Borrowed(bytes)),
            PendingChunk::Failed(e) => Err(e),
        }
    }
}

/// How files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    pub chunk_bytes: u64,
    /// The browser's limits: container sizes, and the memory a load may be estimated to need.
    pub limits: Limits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            chunk_bytes: CHUNK_BYTES,
            limits: Limits::browser(),
        }
    }
}

/// Reads all sources into one data set. `report` gets every file at 0 bytes first, then each
/// file's progress after every chunk. Returns `Ok(None)` when `cancel` was set between chunks,
/// and an error, before anything is read, when the files would need more memory than
/// `options.limits` allows.
pub async fn load(
    sources: &[Source],
    options: ReadOptions,
    cancel: &Cell<bool>,
    mut report: impl FnMut(FileProgress),
) -> Result<Option<DataSet>, String> {
    let chunk_bytes = options.chunk_bytes.max(1);
    let progress: Vec<FileProgress> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| FileProgress {
            index: u32::try_from(i).unwrap_or(u32::MAX),
            name: s.name(),
            bytes_read: 0,
            size_bytes: s.size_bytes(),
            events: 0,
        })
        .collect();
    // Refuse before reading a byte what would exhaust the tab's memory halfway through.
    let sizes: Vec<(String, u64)> = progress
        .iter()
        .map(|p| (p.name.clone(), p.size_bytes))
        .collect();
    check_memory(&sizes, &options.limits)?;
    for p in &progress {
        report(p.clone());
    }
    // Hashes are computed only when the audit report asks for them (see `hash_sources`).
    let mut ingest = Ingest::new(options.limits).hash_files(false);
    for (source, mut p) in sources.iter().zip(progress) {
        let mut state = ingest.begin(&p.name, p.size_bytes);
        let size = p.size_bytes;
        let mut pending = (size > 0).then(|| source.start_chunk(0, chunk_bytes.min(size)));
        while let Some(read) = pending.take() {
            if cancel.get() {
                return Ok(None);
            }
            let bytes = read
                .bytes()
                .await
                .map_err(|e| format!("{} could not be read: {e}", p.name))?;
            if bytes.is_empty() {
                // The file shrank while it was read; what was read is analyzed.
                break;
            }
            let next = p.bytes_read + bytes.len() as u64;
            if next < size {
                // Ask for the next chunk before parsing this one.
                pending = Some(source.start_chunk(next, (next + chunk_bytes).min(size)));
            }
            ingest.push(&mut state, &bytes);
            p.bytes_read = next;
            p.events = ingest.events_in(&state);
            report(p.clone());
        }
        if cancel.get() {
            return Ok(None);
        }
        ingest.end(state);
    }
    Ok(Some(ingest.finish()))
}

/// The SHA-256 (lowercase hex) of each source, read again in chunks, paired with the data set's
/// file entry it belongs to.
pub async fn hash_sources(sources: &[(Source, usize)]) -> Result<Vec<(usize, String)>, String> {
    let mut hashes = Vec::with_capacity(sources.len());
    for (source, file) in sources {
        let size = source.size_bytes();
        let mut hasher = sha2::Sha256::default();
        let mut at = 0;
        while at < size {
            let end = (at + CHUNK_BYTES).min(size);
            let bytes = source
                .chunk(at, end)
                .await
                .map_err(|e| format!("{} could not be read again: {e}", source.name()))?;
            if bytes.is_empty() {
                break;
            }
            sha2::Digest::update(&mut hasher, &bytes);
            at += bytes.len() as u64;
        }
        let digest = sha2::Digest::finalize(hasher);
        hashes.push((*file, crate::core::pseudo::hex(&digest)));
    }
    Ok(hashes)
}

/// A readable text for a JS error value.
fn describe(value: &wasm_bindgen::JsValue) -> String {
    if let Some(e) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(value) {
        return String::from(e.message());
    }
    value
        .as_string()
        .unwrap_or_else(|| "the browser refused to read it".to_string())
}
