//! Turns the bytes of one or many files into one data set: sniff, decompress, parse, de-duplicate.
//!
//! Files are fed in chunks as they are read ([`Ingest::push`]), so no file is ever held whole;
//! only zip archives are kept compressed until their last byte arrives, since a zip's directory
//! sits at its end. Parsing never aborts: every record either becomes an event or a positioned
//! [`Issue`] that says why it was rejected.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet as HashSet;
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use crate::core::model::{EventDraft, ModifiedDraft, StepDraft, Store, Sym};
use crate::core::parse::csv::CsvParser;
use crate::core::parse::frame::{Frame, Framer, Pos};
use crate::core::parse::record::{decode_item, decode_item_str, Item, ItemError};
use crate::core::sniff::{sniff, utf16_order, Format, Sniff, FORMATS_READ, SNIFF_BYTES};
use crate::core::vecmap::VecMap;

/// Issues kept per file; beyond this only counts by reason are kept.
const MAX_ISSUES_PER_FILE: usize = 200;

/// Limits that protect the page from inputs that would exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest decompressed size accepted from one gz stream or zip member.
    pub max_decompressed_bytes: u64,
    /// Largest zip archive accepted (it is held whole until its directory is read).
    pub max_zip_bytes: u64,
    /// Largest memory a load may be estimated to need ([`estimate_memory`]) before it starts;
    /// `u64::MAX` checks nothing.
    pub max_estimated_memory_bytes: u64,
}

impl Default for Limits {
    /// The command line's limits: containers are capped, memory is the machine's.
    fn default() -> Self {
        Limits {
            max_decompressed_bytes: 4 << 30,
            max_zip_bytes: 1 << 30,
            max_estimated_memory_bytes: u64::MAX,
        }
    }
}

impl Limits {
    /// The browser's limits. A wasm32 module addresses at most 4 GiB, and a tab that runs out
    /// dies without a word, so a load estimated above 1.5 GiB is refused before it starts.
    pub fn browser() -> Limits {
        Limits {
            max_estimated_memory_bytes: 3 << 29,
            ..Limits::default()
        }
    }
}

/// Bytes of memory held per byte of uncompressed input. Measured with `Store::approx_bytes` on
/// generated exports of 4,000 events (`tests/limits.rs` prints the figures; its 1,500 events
/// give slightly lower ones): portal and Graph JSON 0.64, SDK JSON 0.48, diagnostic and Log
/// Analytics JSON 0.55, Log Analytics CSV 0.63, the portal's three CSV files 1.09 (they repeat
/// little but the values). The figures here are about twice those, because vectors grow by
/// doubling (the peak while the last one grows is up to twice what the finished store holds)
/// and the portal CSV's step rows wait as owned strings until their events are known.
const JSON_MEMORY_PER_INPUT_BYTE: f64 = 1.3;
const CSV_MEMORY_PER_INPUT_BYTE: f64 = 2.2;
/// How much a compressed export expands: the generated ones expand about 10.5 times (repeated
/// keys and ids); the estimate assumes 12 and the JSON figure (the CSV files compress less).
const COMPRESSED_EXPANSION: f64 = 12.0;
/// Memory a load needs beyond the store: the page, the worker's code, chunk buffers.
const BASE_MEMORY_BYTES: u64 = 64 << 20;

/// Estimates the memory a load of `total_input_bytes` of files in `formats` will need at its
/// peak. With several formats the most demanding one is assumed for all bytes.
pub fn estimate_memory(total_input_bytes: u64, formats: &[Format]) -> u64 {
    let per_byte = formats
        .iter()
        .map(|&f| memory_per_input_byte(f))
        .fold(None, |acc: Option<f64>, r| {
            Some(acc.map_or(r, |a| a.max(r)))
        })
        .unwrap_or(JSON_MEMORY_PER_INPUT_BYTE.max(CSV_MEMORY_PER_INPUT_BYTE));
    let estimate = total_input_bytes as f64 * per_byte;
    BASE_MEMORY_BYTES.saturating_add(estimate.min(u64::MAX as f64) as u64)
}

fn memory_per_input_byte(format: Format) -> f64 {
    match format {
        Format::Gzip | Format::Zip => COMPRESSED_EXPANSION * JSON_MEMORY_PER_INPUT_BYTE,
        f if f.is_json() => JSON_MEMORY_PER_INPUT_BYTE,
        _ => CSV_MEMORY_PER_INPUT_BYTE,
    }
}

/// Checks files (name and size) against `limits` before any byte is read; the error says how
/// much is needed and what to do instead.
pub fn check_memory(files: &[(String, u64)], limits: &Limits) -> Result<u64, String> {
    let estimate = files.iter().fold(0u64, |acc, (name, size)| {
        let format = Format::guess_from_name(name);
        acc.saturating_add(estimate_memory(*size, &[format]).saturating_sub(BASE_MEMORY_BYTES))
    });
    let estimate = estimate.saturating_add(BASE_MEMORY_BYTES);
    if estimate <= limits.max_estimated_memory_bytes {
        return Ok(estimate);
    }
    let total: u64 = files.iter().map(|(_, s)| *s).sum();
    Err(format!(
        "These files ({} MB) would need about {} MB of memory to analyze, more than a browser \
         tab can safely use ({} MB), so they were not loaded. Use the provlens command-line tool \
         (`provlens summary FILE...`), which has no such limit, or export fewer days or a \
         filtered view (one job, failures only) from the Entra admin center.",
        total.div_ceil(1 << 20),
        estimate.div_ceil(1 << 20),
        limits.max_estimated_memory_bytes >> 20
    ))
}

/// Where in a file a problem is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// 1-based record number within the file, when known.
    #[serde(skip_serializing_if = "crate::core::wire::omit_none")]
    pub record: Option<u64>,
    /// 1-based line number, when known.
    #[serde(skip_serializing_if = "crate::core::wire::omit_none")]
    pub line: Option<u64>,
    /// Byte offset from the start of the (decompressed) file, when known.
    #[serde(skip_serializing_if = "crate::core::wire::omit_none")]
    pub byte: Option<u64>,
}

impl Position {
    pub fn at(pos: Pos, record: Option<u64>) -> Position {
        Position {
            record,
            line: Some(pos.line),
            byte: Some(pos.byte),
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(r) = self.record {
            parts.push(format!("record {r}"));
        }
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(b) = self.byte {
            parts.push(format!("byte {b}"));
        }
        if parts.is_empty() {
            f.write_str("whole file")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// A problem found while reading a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub file: String,
    pub position: Position,
    pub message: String,
}

/// What became of one input file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    pub name: String,
    /// The detected format; `None` when the file was refused.
    pub format: Option<Format>,
    pub size_bytes: u64,
    /// Events read from this file (before de-duplication against other files).
    pub events: u64,
    /// Records that could not be read.
    pub rejected: u64,
    /// Events already present from an earlier file (or earlier in this one), kept once.
    pub duplicates: u64,
    /// Why the whole file was refused, when it was.
    pub refused: Option<String>,
    /// Step and property rows of a portal CSV whose change ID matched no event.
    pub orphan_rows: u64,
    /// SHA-256 (lowercase hex) of the bytes read, hashed chunk by chunk as they arrive: of the
    /// file as stored for a dropped file (also a `.gz` or `.zip`), of the unpacked member for a
    /// zip member. Empty until the file has been read to its end, and for a dropped file read
    /// with hashing off (see [`Ingest::hash_files`]) until its hash is set afterwards.
    pub sha256: String,
}

/// All events of the loaded files, with what was rejected and why.
#[derive(Clone, Debug, Default)]
pub struct DataSet {
    pub store: Store,
    pub files: Vec<FileInfo>,
    /// Positioned issues (capped per file; counts are exact in `reasons`).
    pub issues: Vec<Issue>,
    /// Number of issues by reason, exact even when `issues` was capped.
    pub reasons: BTreeMap<String, u64>,
    pub duplicates: u64,
    pub rejected: u64,
}

impl DataSet {
    pub fn events(&self) -> usize {
        self.store.events.len()
    }

    /// The first file at or after `from` that was read with hashing off and matches a dropped
    /// file's name and size: where that file's hash goes. Files are listed in the order they
    /// were read (zip members after their archive), so walking the dropped files in order with
    /// `from` just past the last match pairs each with its own entry, even when two share a
    /// name and size.
    pub fn file_awaiting_hash(&self, name: &str, size_bytes: u64, from: usize) -> Option<usize> {
        self.files
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, f)| f.sha256.is_empty() && f.name == name && f.size_bytes == size_bytes)
            .map(|(i, _)| i)
    }
}

/// Child rows of the portal CSV download, joined to events by change ID at the end.
#[derive(Default)]
struct Pending {
    /// Change ID, step, file, and the step's number when the file has one.
    steps: Vec<(String, StepDraft<'static>, u16, Option<u32>)>,
    modified: Vec<(String, ModifiedDraft<'static>, u16)>,
}

/// Collects events from all files into one store.
#[derive(Default)]
pub struct Builder {
    data: DataSet,
    /// Activity ids seen so far.
    seen: HashSet<Sym>,
    /// Change IDs seen so far.
    seen_changes: HashSet<Sym>,
    pending: Pending,
    issues_per_file: Vec<usize>,
}

impl Builder {
    pub(crate) fn add_file(&mut self, name: &str, size_bytes: u64) -> u16 {
        self.data.files.push(FileInfo {
            name: name.to_string(),
            size_bytes,
            ..FileInfo::default()
        });
        self.issues_per_file.push(0);
        u16::try_from(self.data.files.len() - 1).unwrap_or(u16::MAX)
    }

    fn file_mut(&mut self, file: u16) -> Option<&mut FileInfo> {
        self.data.files.get_mut(file as usize)
    }

    /// Adds one event, unless the same record (by id, else change ID) is already present.
    ///
    /// A record is the same as an earlier one when it has the same activity id, or the same
    /// change ID (unique per change and cycle). Both are checked because the portal CSV has no
    /// activity id column: the same event from a CSV and a JSON export must still count once.
    pub fn add_event(&mut self, file: u16, draft: &EventDraft<'_>) {
        let strings = &mut self.data.store.strings;
        let id = draft.id.trim();
        let change = draft.change_id.trim();
        let id_key = (!id.is_empty()).then(|| strings.intern(id));
        let change_key = (!change.is_empty()).then(|| strings.intern(change));
        let seen_before = id_key.is_some_and(|k| self.seen.contains(&k))
            || change_key.is_some_and(|k| self.seen_changes.contains(&k));
        if seen_before {
            self.data.duplicates += 1;
            if let Some(f) = self.file_mut(file) {
                f.duplicates += 1;
            }
            return;
        }
        self.seen.extend(id_key);
        self.seen_changes.extend(change_key);
        self.data.store.push(draft, file);
        if let Some(f) = self.file_mut(file) {
            f.events += 1;
        }
    }

    /// Records a rejected record with where it is and why.
    pub fn reject(&mut self, file: u16, position: Position, message: String) {
        self.data.rejected += 1;
        if let Some(f) = self.file_mut(file) {
            f.rejected += 1;
        }
        self.issue(file, position, message);
    }

    /// Records a problem that rejected no record (a note on the file).
    pub fn issue(&mut self, file: u16, position: Position, message: String) {
        *self.data.reasons.entry(reason_class(&message)).or_insert(0) += 1;
        let idx = file as usize;
        if self.issues_per_file.get(idx).copied().unwrap_or(0) >= MAX_ISSUES_PER_FILE {
            return;
        }
        if let Some(n) = self.issues_per_file.get_mut(idx) {
            *n += 1;
        }
        let name = self
            .data
            .files
            .get(idx)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        self.data.issues.push(Issue {
            file: name,
            position,
            message,
        });
    }

    /// Queues a portal CSV step row for its event.
    pub fn pending_step(&mut self, file: u16, change_id: String, step: StepDraft<'static>) {
        self.pending_step_ordered(file, change_id, None, step);
    }

    /// Queues a portal CSV step row that carries its step number; an event's numbered steps
    /// are put in that order, unnumbered ones keep their order in the file.
    pub fn pending_step_ordered(
        &mut self,
        file: u16,
        change_id: String,
        order: Option<u32>,
        step: StepDraft<'static>,
    ) {
        self.pending.steps.push((change_id, step, file, order));
    }

    /// Queues a portal CSV modified-property row for its event.
    pub fn pending_modified(&mut self, file: u16, change_id: String, m: ModifiedDraft<'static>) {
        self.pending.modified.push((change_id, m, file));
    }

    fn refuse(&mut self, file: u16, why: String) {
        let name = self
            .data
            .files
            .get(file as usize)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let message = format!("{name} is not a provisioning-log export: {why}. {FORMATS_READ}.");
        if let Some(f) = self.file_mut(file) {
            f.refused = Some(message.clone());
        }
        self.issue(file, Position::default(), message);
    }

    /// Refuses a whole file with a message of the reader's own (a header that cannot be mapped
    /// says which headers it saw and which it expected).
    pub fn refuse_file(&mut self, file: u16, why: String) {
        let name = self
            .data
            .files
            .get(file as usize)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let message = format!("{name} cannot be read: {why}.");
        if let Some(f) = self.file_mut(file) {
            f.format = None;
            f.refused = Some(message.clone());
        }
        self.issue(file, Position::default(), message);
    }

    /// Events read so far from one file.
    pub fn events_in(&self, file: u16) -> u64 {
        self.data.files.get(file as usize).map_or(0, |f| f.events)
    }

    pub(crate) fn finish(mut self) -> DataSet {
        self.attach_pending();
        self.data
    }

    /// Joins queued step and property rows to their events by change ID.
    fn attach_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        if pending.steps.is_empty() && pending.modified.is_empty() {
            return;
        }
        let store = &mut self.data.store;
        let mut by_change: std::collections::HashMap<Sym, usize> = std::collections::HashMap::new();
        for (i, e) in store.events.iter().enumerate() {
            if !e.change_id.is_empty() {
                by_change.entry(e.change_id).or_insert(i);
            }
        }
        let mut steps: Vec<(usize, u32, StepDraft<'static>)> = Vec::new();
        let mut modified: Vec<(usize, ModifiedDraft<'static>)> = Vec::new();
        let mut orphans: VecMap<u16, u64> = VecMap::new();
        for (change, step, file, order) in pending.steps {
            match store
                .strings
                .find(change.trim())
                .and_then(|s| by_change.get(&s))
            {
                Some(&i) => steps.push((i, order.unwrap_or(u32::MAX), step)),
                None => *orphans.or_default(file) += 1,
            }
        }
        for (change, m, file) in pending.modified {
            match store
                .strings
                .find(change.trim())
                .and_then(|s| by_change.get(&s))
            {
                Some(&i) => modified.push((i, m)),
                None => *orphans.or_default(file) += 1,
            }
        }
        // Keep file order within an event (a stable sort), unless the steps are numbered.
        steps.sort_by_key(|(i, order, _)| (*i, *order));
        modified.sort_by_key(|(i, _)| *i);
        let mut k = 0;
        while k < steps.len() {
            let i = steps[k].0;
            let start = store.steps.len();
            while k < steps.len() && steps[k].0 == i {
                store.push_step(&steps[k].2);
                k += 1;
            }
            if let Some(e) = store.events.get_mut(i) {
                e.steps = to_u32(start)..to_u32(store.steps.len());
            }
            store.refresh_reportable_id(i);
        }
        let mut k = 0;
        while k < modified.len() {
            let i = modified[k].0;
            let start = store.modified.len();
            while k < modified.len() && modified[k].0 == i {
                store.push_modified(&modified[k].1);
                k += 1;
            }
            if let Some(e) = store.events.get_mut(i) {
                e.modified = to_u32(start)..to_u32(store.modified.len());
            }
        }
        for (file, n) in orphans {
            if let Some(f) = self.file_mut(file) {
                f.orphan_rows += n;
            }
            self.issue(
                file,
                Position::default(),
                format!(
                    "{n} rows name a change ID that is in no loaded events file \
                     (load the matching ProvisioningLogs CSV too)"
                ),
            );
        }
    }
}

/// A size for messages: whole MB, else whole KB.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", bytes.div_ceil(1 << 10))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Groups messages into reasons by dropping the specifics (numbers, quoted values).
fn reason_class(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_tick = false;
    for c in message.chars() {
        match c {
            '`' => {
                in_tick = !in_tick;
                if in_tick {
                    out.push_str("`…");
                } else {
                    out.push('`');
                }
            }
            _ if in_tick => {}
            '0'..='9' => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Strips serde_json's " at line L column C" suffix; positions are reported separately.
fn serde_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// How one file (or zip member) is being read.
enum Reader {
    Sniffing(Vec<u8>),
    Json(Box<JsonReader>),
    Csv(Box<CsvParser>),
    Gzip(Box<GzReader>),
    Zip(Vec<u8>),
    Utf16(Box<Utf16Reader>),
    Refused,
}

struct JsonReader {
    framer: Framer,
    /// Items seen, for record numbers.
    records: u64,
}

struct GzReader {
    decoder: flate2::write::MultiGzDecoder<Vec<u8>>,
    inner: Box<Reader>,
    out_bytes: u64,
    failed: bool,
}

/// Decodes UTF-16 text (Excel's "Unicode text") to UTF-8 as it arrives.
struct Utf16Reader {
    little_endian: bool,
    carry: Vec<u8>,
    inner: Box<Reader>,
}

/// One file being read.
pub struct FileState {
    file: u16,
    name: String,
    reader: Reader,
    /// Hashes the bytes as they arrive, unless hashing was turned off for dropped files.
    hasher: Option<sha2::Sha256>,
}

/// Reads many files into one data set.
pub struct Ingest {
    builder: Builder,
    limits: Limits,
    hash_files: bool,
    /// Decode JSON records on two threads (see [`Ingest::two_threads`]).
    #[cfg(not(target_arch = "wasm32"))]
    batch: Option<Batch>,
}

impl Default for Ingest {
    fn default() -> Self {
        Ingest::new(Limits::default())
    }
}

impl Ingest {
    pub fn new(limits: Limits) -> Ingest {
        Ingest {
            builder: Builder::default(),
            limits,
            hash_files: true,
            #[cfg(not(target_arch = "wasm32"))]
            batch: None,
        }
    }

    /// Decodes the records of JSON exports on two threads: each chunk is framed on this one,
    /// its records decoded half here and half on a second thread, and then added in their
    /// order. Off by default; the command line turns it on when the machine has two cores.
    /// The data set and its issues are the same either way.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn two_threads(mut self, on: bool) -> Ingest {
        self.batch = on.then(Batch::default);
        self
    }

    /// Whether each file started with [`Ingest::begin`] is hashed (SHA-256) while it is read;
    /// on by default. The browser app turns it off: without SHA-NI instructions, hashing is
    /// about a quarter of its load time, and the hashes are needed only by the audit report,
    /// which computes them from the files when it is made. Zip members are always hashed.
    pub fn hash_files(mut self, on: bool) -> Ingest {
        self.hash_files = on;
        self
    }

    /// Starts a file. `size_bytes` is its size on disk (for reporting).
    pub fn begin(&mut self, name: &str, size_bytes: u64) -> FileState {
        self.begin_file(name, size_bytes, self.hash_files)
    }

    fn begin_file(&mut self, name: &str, size_bytes: u64, hash: bool) -> FileState {
        let file = self.builder.add_file(name, size_bytes);
        FileState {
            file,
            name: name.to_string(),
            reader: Reader::Sniffing(Vec::new()),
            hasher: hash.then(sha2::Sha256::default),
        }
    }

    /// Feeds the next chunk of a file.
    pub fn push(&mut self, state: &mut FileState, chunk: &[u8]) {
        if let Some(hasher) = state.hasher.as_mut() {
            sha2::Digest::update(hasher, chunk);
        }
        let mut reader = std::mem::replace(&mut state.reader, Reader::Refused);
        self.feed(&mut reader, state.file, &state.name, chunk);
        state.reader = reader;
    }

    /// Ends a file.
    pub fn end(&mut self, mut state: FileState) {
        if let Some(hasher) = state.hasher.take() {
            let digest = sha2::Digest::finalize(hasher);
            if let Some(f) = self.builder.file_mut(state.file) {
                f.sha256 = crate::core::pseudo::hex(&digest);
            }
        }
        let mut reader = std::mem::replace(&mut state.reader, Reader::Refused);
        self.close(&mut reader, state.file, &state.name);
    }

    /// Records the SHA-256 (lowercase hex) of a file hashed outside the ingest, for a file
    /// started with hashing off.
    pub fn set_sha256(&mut self, state: &FileState, sha256: String) {
        if let Some(f) = self.builder.file_mut(state.file) {
            f.sha256 = sha256;
        }
    }

    /// Events read so far from the file.
    pub fn events_in(&self, state: &FileState) -> u64 {
        self.builder.events_in(state.file)
    }

    /// Events held so far in all files.
    pub fn events_total(&self) -> usize {
        self.builder.data.store.events.len()
    }

    /// Reads one whole in-memory file (tests, the CLI on small files, the demo data).
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        let mut st = self.begin(name, bytes.len() as u64);
        for chunk in bytes.chunks(1 << 20) {
            self.push(&mut st, chunk);
        }
        self.end(st);
    }

    /// Finishes: joins portal CSV children to their events and returns the data set.
    pub fn finish(self) -> DataSet {
        self.builder.finish()
    }

    fn feed(&mut self, reader: &mut Reader, file: u16, name: &str, chunk: &[u8]) {
        match reader {
            Reader::Sniffing(head) => {
                let before = head.len();
                head.extend_from_slice(chunk);
                // Sniffing scans the whole head, so it runs again only when the head has
                // doubled: small chunks would otherwise make it quadratic.
                let grown = before == 0 || before.ilog2() != head.len().ilog2();
                if head.len() >= SNIFF_BYTES
                    || (grown && matches!(sniff(name, head, false), Sniff::Known(_)))
                {
                    let head = std::mem::take(head);
                    *reader = self.choose(file, name, &head, false);
                    if !matches!(reader, Reader::Sniffing(_)) {
                        self.feed(reader, file, name, &head);
                    }
                }
            }
            Reader::Json(j) => {
                let b = &mut self.builder;
                let records = &mut j.records;
                #[cfg(not(target_arch = "wasm32"))]
                if let Some(batch) = self.batch.as_mut() {
                    j.framer.push(chunk, &mut |f| batch.take(f));
                    batch.run(b, file, records);
                    return;
                }
                j.framer.push(chunk, &mut |f| on_frame(b, file, records, f));
            }
            Reader::Csv(c) => c.push(chunk, &mut self.builder, file),
            Reader::Gzip(g) => {
                if g.failed {
                    return;
                }
                if let Err(e) = g.decoder.write_all(chunk) {
                    g.failed = true;
                    self.builder.reject(
                        file,
                        Position::default(),
                        format!("the gzip data is damaged: {e}"),
                    );
                    return;
                }
                self.drain_gzip(g, file, name);
            }
            Reader::Zip(buf) => {
                if (buf.len() + chunk.len()) as u64 > self.limits.max_zip_bytes {
                    let limit = size_text(self.limits.max_zip_bytes);
                    *reader = Reader::Refused;
                    self.builder.reject(
                        file,
                        Position::default(),
                        format!(
                            "{name} is larger than {limit}, the most a zip archive may be here \
                             (it is held whole until its directory is read); unzip it and drop \
                             the files inside, or use the provlens command-line tool"
                        ),
                    );
                    return;
                }
                buf.extend_from_slice(chunk);
            }
            Reader::Utf16(u) => {
                let mut bytes = std::mem::take(&mut u.carry);
                bytes.extend_from_slice(chunk);
                let even = bytes.len() & !1;
                let units = bytes[..even].chunks_exact(2).map(|p| {
                    if u.little_endian {
                        u16::from_le_bytes([p[0], p[1]])
                    } else {
                        u16::from_be_bytes([p[0], p[1]])
                    }
                });
                let mut text = String::with_capacity(even / 2);
                let mut pending_high: Option<u16> = None;
                let units: Vec<u16> = units.collect();
                let mut end = units.len();
                // Keep a trailing high surrogate for the next chunk.
                if let Some(&last) = units.last() {
                    if (0xD800..0xDC00).contains(&last) {
                        end -= 1;
                        pending_high = Some(last);
                    }
                }
                for c in char::decode_utf16(units[..end].iter().copied()) {
                    text.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                let mut carry = Vec::new();
                if let Some(h) = pending_high {
                    carry.extend_from_slice(&if u.little_endian {
                        h.to_le_bytes()
                    } else {
                        h.to_be_bytes()
                    });
                }
                carry.extend_from_slice(&bytes[even..]);
                u.carry = carry;
                self.feed(&mut u.inner, file, name, text.as_bytes());
            }
            Reader::Refused => {}
        }
    }

    fn drain_gzip(&mut self, g: &mut GzReader, file: u16, name: &str) {
        let out = std::mem::take(g.decoder.get_mut());
        g.out_bytes += out.len() as u64;
        if g.out_bytes > self.limits.max_decompressed_bytes {
            g.failed = true;
            let limit = size_text(self.limits.max_decompressed_bytes);
            self.builder.reject(
                file,
                Position::default(),
                format!(
                    "{name} expands beyond {limit} when decompressed, the most one gzip stream \
                     may hold here; the rest is refused to protect memory (a gzip bomb?). Use \
                     the provlens command-line tool for very large exports"
                ),
            );
            return;
        }
        if !out.is_empty() {
            self.feed(&mut g.inner, file, name, &out);
        }
    }

    /// Picks a reader once the head of the file is known.
    fn choose(&mut self, file: u16, name: &str, head: &[u8], complete: bool) -> Reader {
        match sniff(name, head, complete) {
            Sniff::NeedMore => Reader::Sniffing(head.to_vec()),
            Sniff::Known(format) => {
                self.set_format(file, format);
                match format {
                    Format::Gzip => Reader::Gzip(Box::new(GzReader {
                        decoder: flate2::write::MultiGzDecoder::new(Vec::new()),
                        inner: Box::new(Reader::Sniffing(Vec::new())),
                        out_bytes: 0,
                        failed: false,
                    })),
                    Format::Zip => Reader::Zip(Vec::new()),
                    f if f.is_json() => Reader::Json(Box::new(JsonReader {
                        framer: Framer::default(),
                        records: 0,
                    })),
                    f => Reader::Csv(Box::new(CsvParser::new(f))),
                }
            }
            Sniff::Encoding(why) => match utf16_order(head) {
                // The decoded text is sniffed again; a byte-order mark decodes to U+FEFF, which
                // the inner sniffing strips.
                Some(little_endian) => Reader::Utf16(Box::new(Utf16Reader {
                    little_endian,
                    carry: Vec::new(),
                    inner: Box::new(Reader::Sniffing(Vec::new())),
                })),
                None => {
                    self.builder.refuse(file, why);
                    Reader::Refused
                }
            },
            Sniff::Unknown(why) => {
                self.builder.refuse(file, why);
                Reader::Refused
            }
        }
    }

    fn set_format(&mut self, file: u16, format: Format) {
        if let Some(f) = self.builder.file_mut(file) {
            // A container keeps the format of what it holds once that is known.
            if f.format.is_none() || matches!(f.format, Some(Format::Gzip)) {
                f.format = Some(format);
            }
        }
    }

    fn close(&mut self, reader: &mut Reader, file: u16, name: &str) {
        match reader {
            Reader::Sniffing(head) => {
                let head = std::mem::take(head);
                let mut chosen = self.choose(file, name, &head, true);
                match chosen {
                    Reader::Sniffing(_) => {
                        self.builder
                            .refuse(file, "it is too short to be an export".into());
                    }
                    Reader::Refused => {}
                    _ => {
                        self.feed(&mut chosen, file, name, &head);
                        self.close(&mut chosen, file, name);
                    }
                }
            }
            Reader::Json(j) => {
                let b = &mut self.builder;
                let records = &mut j.records;
                let truncated = j.framer.finish(&mut |f| on_frame(b, file, records, f));
                if let Some((pos, msg)) = truncated {
                    self.builder
                        .reject(file, Position::at(pos, Some(j.records + 1)), msg);
                }
            }
            Reader::Csv(c) => c.finish(&mut self.builder, file),
            Reader::Gzip(g) => {
                if !g.failed {
                    if let Err(e) = g.decoder.try_finish() {
                        g.failed = true;
                        self.builder.reject(
                            file,
                            Position::default(),
                            format!("the gzip data ends early or is damaged: {e}"),
                        );
                    }
                    self.drain_gzip(g, file, name);
                }
                self.close(&mut g.inner, file, name);
            }
            Reader::Zip(buf) => {
                let bytes = std::mem::take(buf);
                self.read_zip(file, name, &bytes);
            }
            Reader::Utf16(u) => self.close(&mut u.inner, file, name),
            Reader::Refused => {}
        }
    }

    /// Reads each member of a zip archive as a file of its own.
    fn read_zip(&mut self, file: u16, name: &str, bytes: &[u8]) {
        let archive = match rawzip::ZipArchive::from_slice(bytes) {
            Ok(a) => a,
            Err(e) => {
                self.builder.reject(
                    file,
                    Position::default(),
                    format!("the zip archive cannot be opened: {e}"),
                );
                return;
            }
        };
        let mut members = 0;
        let mut directory_damaged = false;
        let mut entries = archive.entries();
        for index in 1.. {
            let header = match entries.next_entry() {
                Ok(Some(h)) => h,
                Ok(None) => break,
                Err(e) => {
                    // The directory cannot be followed past a damaged entry.
                    directory_damaged = true;
                    self.builder.reject(
                        file,
                        Position::default(),
                        format!("zip member {index} cannot be read: {e}; the archive's list of files stops there"),
                    );
                    break;
                }
            };
            if header.is_dir() {
                continue;
            }
            let raw_name = header.file_path();
            let member_name = match std::str::from_utf8(raw_name.as_bytes()) {
                Ok(n) if !n.is_empty() => n.to_string(),
                _ => format!("member {index}"),
            };
            let member = format!("{name} › {member_name}");
            members += 1;
            let st = self.begin_file(&member, header.uncompressed_size_hint(), true);
            if header.flags().is_encrypted() {
                self.refuse_member(
                    st,
                    "it is encrypted; provlens reads unencrypted archives only".to_string(),
                );
                continue;
            }
            let method = header.compression_method();
            let entry = match archive.get_entry(header.wayfinder()) {
                Ok(entry) => entry,
                Err(e) => {
                    self.refuse_member(st, format!("its data cannot be found in the archive: {e}"));
                    continue;
                }
            };
            let data = entry.data();
            let expected = entry.claim_verifier();
            if method == rawzip::CompressionMethod::STORE {
                self.read_zip_member(st, &member, data, expected);
            } else if method == rawzip::CompressionMethod::DEFLATE {
                let inflated = flate2::read::DeflateDecoder::new(data);
                self.read_zip_member(st, &member, inflated, expected);
            } else {
                let method_name = match method.name() {
                    Some(n) => format!("{n} (method {})", method.as_u16()),
                    None => format!("method {}", method.as_u16()),
                };
                self.refuse_member(
                    st,
                    format!(
                        "it is compressed with {method_name}, which provlens does not read; zip \
                         it again with standard (deflate) compression"
                    ),
                );
            }
        }
        if members == 0 && !directory_damaged {
            self.builder
                .refuse(file, "the zip archive holds no files".to_string());
        }
    }

    /// Refuses a whole zip member, saying why; it is not read at all.
    fn refuse_member(&mut self, mut st: FileState, why: String) {
        self.builder.refuse_file(st.file, why);
        st.reader = Reader::Refused;
        self.end(st);
    }

    /// Reads one zip member's data through `reader` (stored, or inflating), bounded by the
    /// decompressed-size limit, and checks its size and CRC-32 against the archive's directory.
    fn read_zip_member(
        &mut self,
        mut st: FileState,
        member: &str,
        mut reader: impl Read,
        expected: rawzip::ZipVerification,
    ) {
        let mut buf = vec![0u8; 1 << 20];
        let mut total: u64 = 0;
        let mut crc = crc32fast::Hasher::new();
        loop {
            match reader.read(&mut buf) {
                Ok(0) => {
                    let got = crc.finalize();
                    if total != expected.uncompressed_size || got != expected.crc {
                        self.builder.reject(
                            st.file,
                            Position::default(),
                            format!(
                                "the zip member is damaged: its size or checksum does not match (CRC-32 \
                                 {got:08x} for {total} bytes read, {:08x} for {} bytes listed)",
                                expected.crc, expected.uncompressed_size
                            ),
                        );
                    }
                    break;
                }
                Ok(n) => {
                    total += n as u64;
                    if total > self.limits.max_decompressed_bytes {
                        let limit = size_text(self.limits.max_decompressed_bytes);
                        self.builder.reject(
                            st.file,
                            Position::default(),
                            format!(
                                "{member} expands beyond {limit} when decompressed, the \
                                 most one zip member may hold here; the rest is refused to \
                                 protect memory (a zip bomb?). Use the provlens \
                                 command-line tool for very large exports"
                            ),
                        );
                        break;
                    }
                    let chunk = buf.get(..n).unwrap_or(&[]);
                    crc.update(chunk);
                    self.push(&mut st, chunk);
                }
                Err(e) => {
                    self.builder.reject(
                        st.file,
                        Position::default(),
                        format!("the zip member cannot be decompressed: {e}"),
                    );
                    break;
                }
            }
        }
        self.end(st);
    }
}

/// Handles one framed JSON item.
fn on_frame(b: &mut Builder, file: u16, records: &mut u64, frame: Frame<'_>) {
    match frame {
        Frame::Garbage { pos, what } => {
            *records += 1;
            b.reject(file, Position::at(pos, Some(*records)), what);
        }
        Frame::Item { bytes, pos } => {
            *records += 1;
            apply(b, file, *records, pos, bytes, decode(bytes));
        }
    }
}

/// One framed item, decoded: the part of reading a record that needs nothing but its bytes,
/// so that it can run on another thread ([`Batch`]).
enum Decoded<'a> {
    Record(Box<EventDraft<'a>>),
    /// A page's elements, each decoded.
    Page(Vec<Result<Item<'a>, serde_json::Error>>),
    NotARecord,
    Failed(ItemError),
}

fn decode(bytes: &[u8]) -> Decoded<'_> {
    match decode_item(bytes) {
        Ok(Item::Record(draft)) => Decoded::Record(draft),
        Ok(Item::Page(elements)) => Decoded::Page(
            elements
                .iter()
                .map(|raw| decode_item_str(raw.get()))
                .collect(),
        ),
        Ok(Item::NotARecord) => Decoded::NotARecord,
        Err(e) => Decoded::Failed(e),
    }
}

/// Adds a decoded item to the data set: its events, or the issue saying why it was rejected.
fn apply(b: &mut Builder, file: u16, record: u64, pos: Pos, bytes: &[u8], item: Decoded<'_>) {
    match item {
        Decoded::Record(draft) => b.add_event(file, &draft),
        Decoded::Page(elements) => {
            for (k, element) in elements.into_iter().enumerate() {
                match element {
                    Ok(Item::Record(draft)) => b.add_event(file, &draft),
                    Ok(_) => b.reject(
                        file,
                        Position::at(pos, Some(record)),
                        format!(
                            "element {} of this page is not a provisioning record",
                            k + 1
                        ),
                    ),
                    Err(e) => b.reject(
                        file,
                        Position::at(pos, Some(record)),
                        format!("element {} of this page: {}", k + 1, serde_message(&e)),
                    ),
                }
            }
        }
        Decoded::NotARecord => b.reject(
            file,
            Position::at(pos, Some(record)),
            "this JSON object has none of the keys of a provisioning record".to_string(),
        ),
        Decoded::Failed(ItemError::NotUtf8 { at }) => {
            let before = bytes.get(..at).unwrap_or(bytes);
            let newlines = memchr::memchr_iter(b'\n', before).count() as u64;
            b.reject(
                file,
                Position {
                    record: Some(record),
                    line: Some(pos.line + newlines),
                    byte: Some(pos.byte + at as u64),
                },
                "invalid UTF-8: the record holds bytes that are not text (an export saved \
                 in another encoding, or damaged)"
                    .to_string(),
            );
        }
        Decoded::Failed(ItemError::Json(e)) => {
            // serde_json counts lines and columns within the item.
            let line = pos.line + e.line().saturating_sub(1) as u64;
            let byte = if e.line() <= 1 {
                pos.byte + e.column().saturating_sub(1) as u64
            } else {
                pos.byte
            };
            let what = if e.is_eof() {
                "the record is cut off".to_string()
            } else {
                serde_message(&e)
            };
            b.reject(
                file,
                Position {
                    record: Some(record),
                    line: Some(line),
                    byte: Some(byte),
                },
                what,
            );
        }
    }
}

/// The items one chunk completed, copied end to end so that they outlive the framer's call,
/// for decoding on two threads (the command line's read; the browser's worker has one thread).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    frames: Vec<Batched>,
}

/// Items that complete fewer bytes than this in a chunk are decoded on one thread.
#[cfg(not(target_arch = "wasm32"))]
const SPLIT_BYTES: usize = 64 << 10;

#[cfg(not(target_arch = "wasm32"))]
enum Batched {
    Item {
        range: std::ops::Range<usize>,
        pos: Pos,
    },
    Garbage {
        pos: Pos,
        what: String,
    },
}

#[cfg(not(target_arch = "wasm32"))]
impl Batch {
    fn take(&mut self, frame: Frame<'_>) {
        match frame {
            Frame::Item { bytes, pos } => {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(bytes);
                self.frames.push(Batched::Item {
                    range: start..self.bytes.len(),
                    pos,
                });
            }
            Frame::Garbage { pos, what } => self.frames.push(Batched::Garbage { pos, what }),
        }
    }

    /// Decodes the items, the second half (by bytes) on a second thread, then adds them in
    /// their order, so that the data set and its issues are the same as from one thread.
    fn run(&mut self, b: &mut Builder, file: u16, records: &mut u64) {
        let Batch { bytes, frames } = self;
        let half = bytes.len() / 2;
        let mid = frames
            .iter()
            .position(|f| matches!(f, Batched::Item { range, .. } if range.start >= half))
            .unwrap_or(frames.len());
        let decode_all = |part: &[Batched]| -> Vec<Decoded<'_>> {
            part.iter()
                .filter_map(|f| match f {
                    Batched::Item { range, .. } => bytes.get(range.clone()).map(decode),
                    Batched::Garbage { .. } => None,
                })
                .collect()
        };
        // A second thread pays for itself only on a good share of a chunk.
        let decoded = if bytes.len() < SPLIT_BYTES {
            decode_all(frames)
        } else {
            std::thread::scope(|scope| {
                let second = scope.spawn(|| decode_all(&frames[mid..]));
                let mut decoded = decode_all(&frames[..mid]);
                match second.join() {
                    Ok(rest) => decoded.extend(rest),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                decoded
            })
        };
        let mut decoded = decoded.into_iter();
        for frame in frames.drain(..) {
            *records += 1;
            match frame {
                Batched::Item { range, pos } => {
                    if let (Some(item), Some(item_bytes)) = (decoded.next(), bytes.get(range)) {
                        apply(b, file, *records, pos, item_bytes, item);
                    }
                }
                Batched::Garbage { pos, what } => {
                    b.reject(file, Position::at(pos, Some(*records)), what);
                }
            }
        }
        drop(decoded);
        bytes.clear();
    }
}

/// Reads whole in-memory files into a data set (tests, CLI, demo).
pub fn read_all<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> DataSet {
    let mut ingest = Ingest::default();
    for (name, bytes) in files {
        ingest.add_bytes(name, bytes);
    }
    ingest.finish()
}
