//! The messages between the page and the worker. One coarse request, a stream of progress, one
//! answer. Analysis requests (a query, a window of rows, a detail, an export) are the core
//! session's own messages, forwarded as they are.

use serde::{Deserialize, Serialize};

use crate::core::analyze::query::Filter;
use crate::core::progress::FileProgress;
use crate::core::report::Summary;
use crate::core::session;
use crate::core::wire;

/// A browser `File` handle. It crosses to the worker by structured clone, so the page never reads
/// the file's bytes; the worker reads them in chunks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef(#[serde(with = "serde_wasm_bindgen::preserve")] pub web_sys::File);

/// What a load does with the data set already held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoadMode {
    /// The new files become the data set (a new drop, the picker on the start screen).
    Replace,
    /// The new files join the files already loaded ("Add files"); everything is read again so
    /// that de-duplication and the portal CSV joins span all files.
    Add,
}

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    Load {
        files: Vec<FileRef>,
        mode: LoadMode,
    },
    /// Loads the export built into the app.
    LoadDemo,
    /// Stops the running load; the data set held before it stays.
    Cancel,
    /// Drops the data set.
    Reset,
    /// Asks the loaded data set a question (ignored when nothing is loaded).
    Analyze(Packed<session::Request>),
    /// Writes an export or the audit report of the data set held.
    Export(Packed<ExportRequest>),
}

impl Request {
    /// Asks the loaded data set `request` (sent packed, like every request but a load).
    pub fn analyze(request: session::Request) -> Request {
        Request::Analyze(Packed(request))
    }
}

/// What to export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    Csv,
    Json,
    /// The audit pack: one self-contained HTML file.
    #[default]
    Report,
}

/// An export of the events matching `filter`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub kind: ExportKind,
    pub filter: Filter,
    /// Share mode: the pseudonymization key, as typed or drawn at random; `None` exports the
    /// data as read.
    pub share_key: Option<String>,
    /// For the report: list the events too.
    pub include_events: bool,
    /// For the report: the time now by this computer's clock.
    pub produced_at: String,
}

/// A finished export, for the page to offer as a download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exported {
    pub file_name: String,
    pub mime: String,
    pub text: String,
}

/// What the worker tells the page, as a [`Packed`] value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// Sent for every file when a load starts, and after every chunk read.
    Progress(FileProgress),
    /// The summary of the new data set.
    Loaded(Box<Summary>),
    /// The size of the worker's wasm memory after a load, in bytes. Wasm memory grows and never
    /// shrinks, so this is the most the worker has used so far.
    Memory(u64),
    /// The load was cancelled; the worker holds the data set it held before.
    Cancelled,
    /// The load failed (a file could not be read); the worker holds its previous data set.
    Failed(String),
    /// The worker panicked and is no longer usable; the page starts a new one.
    Crashed(String),
    /// An export is ready.
    Exported(Box<Exported>),
    /// An export could not be made (no data set held, or writing failed).
    ExportFailed(String),
    /// The answer to an `Analyze` request.
    Analyzed(session::Response),
}

/// A value that crosses the worker boundary as one byte array in the core's binary encoding
/// (`core::wire`). View data holds thousands of small objects; one array is copied at once,
/// where the structured codec would build (and the page would read back) every object through
/// JS calls. Every answer crosses this way, and every request but a load (whose `File`
/// handles must cross as structured clones), so that one encoding serves both directions.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed<T>(pub T);

impl<T: Serialize> Serialize for Packed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = wire::encode(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Packed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte array")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        let bytes = deserializer.deserialize_byte_buf(Bytes)?;
        wire::decode(&bytes)
            .map(Packed)
            .map_err(serde::de::Error::custom)
    }
}
