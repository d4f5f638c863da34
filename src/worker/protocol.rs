//! The messages between the page and the worker. One coarse request, a stream of progress, one
//! answer. Analysis requests (a query, a window of rows, a detail, an export) are the core
//! session's own messages, forwarded as they are.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use super::codec;

use crate::core::analyze::query::Filter;
use crate::core::progress::FileProgress;
use crate::core::report::Summary;
use crate::core::session;

/// A browser `File` handle. It crosses to the worker by structured clone beside the message's
/// bytes (see [`codec`](super::codec)), so the page never reads the file's bytes; the worker
/// reads them in chunks. In the encoding it is its place among the message's handles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRef(pub web_sys::File);

impl Serialize for FileRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(codec::put_handle(self.0.clone().into()))
    }
}

impl<'de> Deserialize<'de> for FileRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let place = u32::deserialize(deserializer)?;
        codec::handle(place)
            .and_then(|h| h.dyn_into::<web_sys::File>().ok())
            .map(FileRef)
            .ok_or_else(|| serde::de::Error::custom("a file handle is missing from the message"))
    }
}

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
    Analyze(session::Request),
    /// Writes an export or the audit report of the data set held.
    Export(ExportRequest),
}

impl Request {
    /// Asks the loaded data set `request`.
    pub fn analyze(request: session::Request) -> Request {
        Request::Analyze(request)
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

/// What the worker tells the page.
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
