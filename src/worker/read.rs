//! Reads files in chunks into one data set: `Blob.slice()` + `arrayBuffer()`, one chunk at a
//! time, so a file of any size is never held whole in the worker.

use std::borrow::Cow;
use std::cell::Cell;

use wasm_bindgen_futures::JsFuture;

use crate::core::ingest::{check_memory, DataSet, Ingest, Limits};
use crate::core::progress::FileProgress;

/// Chunk size used by the worker: large enough that the per-chunk overhead vanishes, small
/// enough that progress moves and Cancel answers quickly.
pub const CHUNK_BYTES: u64 = 8 << 20;

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

/// The script of a file's reading worker: it is handed the file, then answers each
/// `[start, end]` with that slice's bytes (transferred, not copied), or an error text.
const READER_SCRIPT: &str = "let file = null;\n\
onmessage = async (e) => {\n\
  if (file === null) { file = e.data; return; }\n\
  try {\n\
    const bytes = await file.slice(e.data[0], e.data[1]).arrayBuffer();\n\
    postMessage(bytes, [bytes]);\n\
  } catch (err) {\n\
    postMessage(String((err && err.message) || err));\n\
  }\n\
};\n";

/// Reads one dropped file's chunks on a worker of its own. A browser copies a slice's bytes
/// into memory on the thread that asked for them; asked from here, that copy would wait until
/// the chunk before is parsed. Asked from another worker, it runs on another core meanwhile.
struct ChunkReader {
    worker: web_sys::Worker,
    url: String,
}

impl ChunkReader {
    /// `None` when the browser cannot start a worker from a worker; chunks are then read here.
    fn new(file: &web_sys::File) -> Option<ChunkReader> {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(READER_SCRIPT));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let reader = web_sys::Worker::new(&url).ok().map(|worker| ChunkReader {
            worker,
            url: url.clone(),
        });
        match reader {
            Some(r) if r.worker.post_message(file).is_ok() => Some(r),
            _ => {
                let _ = web_sys::Url::revoke_object_url(&url);
                None
            }
        }
    }

    /// Asks for bytes `start..end`; one request is outstanding at a time.
    fn request(&self, start: u64, end: u64) -> PendingChunk<'static> {
        let worker = &self.worker;
        let answer = js_sys::Promise::new(&mut |resolve, reject| {
            worker.set_onmessage(Some(&resolve));
            worker.set_onerror(Some(&reject));
        });
        let range = js_sys::Array::of2(&(start as f64).into(), &(end as f64).into());
        match worker.post_message(&range) {
            Ok(()) => PendingChunk::Reader(JsFuture::from(answer)),
            Err(e) => PendingChunk::Failed(describe(&e)),
        }
    }
}

impl Drop for ChunkReader {
    fn drop(&mut self) {
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

/// Starts reading bytes `start..end` of a source, through its reading worker when it has one.
fn start_chunk<'a>(
    source: &'a Source,
    reader: Option<&ChunkReader>,
    start: u64,
    end: u64,
) -> PendingChunk<'a> {
    match reader {
        Some(r) => r.request(start, end),
        None => source.start_chunk(start, end),
    }
}

/// The reading worker of a dropped file (none for embedded bytes).
fn chunk_reader(source: &Source) -> Option<ChunkReader> {
    match source {
        Source::File(f) => ChunkReader::new(f),
        Source::Embedded { .. } => None,
    }
}

/// A chunk on its way.
enum PendingChunk<'a> {
    File(JsFuture),
    /// A message event from a [`ChunkReader`].
    Reader(JsFuture),
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
            PendingChunk::Reader(read) => {
                let event = read.await.map_err(|e| describe(&e))?;
                let data =
                    js_sys::Reflect::get(&event, &"data".into()).map_err(|e| describe(&e))?;
                match data.as_string() {
                    Some(error) => Err(error),
                    None => Ok(Cow::Owned(js_sys::Uint8Array::new(&data).to_vec())),
                }
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
        let reader = chunk_reader(source);
        let reader = reader.as_ref();
        let mut pending = (size > 0).then(|| start_chunk(source, reader, 0, chunk_bytes.min(size)));
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
                pending = Some(start_chunk(
                    source,
                    reader,
                    next,
                    (next + chunk_bytes).min(size),
                ));
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
