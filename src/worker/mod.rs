//! The Web Worker: it owns the data set and does all reading and analysis, so the page's thread
//! never parses. The page talks to it through [`protocol`] messages encoded by [`codec`].

pub mod codec;
pub mod demo;
pub mod panic;
pub mod protocol;
pub mod read;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::worker::{HandlerId, Registrable, Worker, WorkerScope};

use crate::core::report::summarize_totals;
use crate::core::session::Session;
use codec::Binary;
use protocol::{ExportKind, ExportRequest, Exported, LoadMode, Request, Response};
use read::{load, ReadOptions, Source};

/// Registers the worker; called by the worker binary.
pub fn start() {
    panic::install();
    Analyzer::registrar().encoding::<Binary>().register();
}

/// What the worker holds between requests.
#[derive(Default)]
struct Held {
    /// The files of the current data set, kept so that "Add files" can read all of them again.
    sources: Vec<Source>,
    /// The data set with the last query's result; the page gets summaries and view data.
    session: Option<Session>,
    /// The cancel flag of the running load; a new load sets the old one's flag.
    cancel: Rc<Cell<bool>>,
}

/// The worker.
pub struct Analyzer {
    held: Rc<RefCell<Held>>,
}

impl Worker for Analyzer {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Analyzer {
            held: Rc::new(RefCell::new(Held::default())),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        panic::remember(id);
        match msg {
            Request::Load { files, mode } => {
                let mut sources = match mode {
                    LoadMode::Replace => Vec::new(),
                    LoadMode::Add => self.held.borrow().sources.clone(),
                };
                sources.extend(files.into_iter().map(|f| Source::File(f.0)));
                self.start_load(scope, id, sources);
            }
            Request::LoadDemo => {
                self.start_load(scope, id, demo::demo_sources());
            }
            Request::Cancel => self.held.borrow().cancel.set(true),
            Request::Reset => {
                let mut held = self.held.borrow_mut();
                held.cancel.set(true);
                held.sources.clear();
                held.session = None;
            }
            Request::Analyze(request) => {
                let response = self
                    .held
                    .borrow_mut()
                    .session
                    .as_mut()
                    .map(|s| s.handle(request));
                if let Some(response) = response {
                    scope.respond(id, Response::Analyzed(response));
                }
            }
            Request::Export(request) => {
                // The audit report lists each file's SHA-256; files are read without hashing
                // (it would slow every load), so they are hashed now, once, from the files.
                let awaited = if request.kind == ExportKind::Report {
                    awaited_hashes(&self.held.borrow())
                } else {
                    Vec::new()
                };
                if awaited.is_empty() {
                    scope.respond(id, export_response(&self.held.borrow(), &request));
                    return;
                }
                let held = self.held.clone();
                let scope = scope.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let response = match read::hash_sources(&awaited).await {
                        Ok(hashes) => {
                            let mut held = held.borrow_mut();
                            if let Some(session) = held.session.as_mut() {
                                for (file, sha256) in hashes {
                                    session.set_file_hash(file, sha256);
                                }
                            }
                            export_response(&held, &request)
                        }
                        Err(e) => Response::ExportFailed(e),
                    };
                    scope.respond(id, response);
                });
            }
        }
    }
}

impl Analyzer {
    fn start_load(&mut self, scope: &WorkerScope<Self>, id: HandlerId, sources: Vec<Source>) {
        let cancel = Rc::new(Cell::new(false));
        // A load still running is superseded: its result would be replaced anyway.
        let previous = std::mem::replace(&mut self.held.borrow_mut().cancel, cancel.clone());
        previous.set(true);
        let held = self.held.clone();
        let scope = scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = load(&sources, ReadOptions::default(), &cancel, |p| {
                scope.respond(id, Response::Progress(p));
            })
            .await;
            // Only the latest load answers; a superseded one ends silently.
            if !Rc::ptr_eq(&held.borrow().cancel, &cancel) {
                return;
            }
            let response = match outcome {
                Ok(Some(data)) => {
                    // Findings are computed once, when the page asks for them (with its thresholds).
                    let summary = summarize_totals(&data);
                    let mut held = held.borrow_mut();
                    held.sources = sources;
                    held.session = Some(Session::new(data));
                    scope.respond(id, Response::Loaded(Box::new(summary)));
                    Response::Memory(wasm_memory_bytes())
                }
                Ok(None) => Response::Cancelled,
                Err(message) => Response::Failed(message),
            };
            scope.respond(id, response);
        });
    }
}

/// The size of this worker's wasm memory in bytes.
fn wasm_memory_bytes() -> u64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0, |b| u64::from(b.byte_length()))
        })
        .unwrap_or(0)
}

/// The dropped files whose hash is still to be computed, each with its entry in the data set.
fn awaited_hashes(held: &Held) -> Vec<(Source, usize)> {
    let Some(data) = held.session.as_ref().map(Session::data) else {
        return Vec::new();
    };
    let mut from = 0;
    let mut awaited = Vec::new();
    for source in &held.sources {
        if let Some(file) = data.file_awaiting_hash(&source.name(), source.size_bytes(), from) {
            awaited.push((source.clone(), file));
            from = file + 1;
        }
    }
    awaited
}

fn export_response(held: &Held, request: &ExportRequest) -> Response {
    match held.session.as_ref().map(Session::data) {
        Some(data) => match export(data, request) {
            Ok(done) => Response::Exported(Box::new(done)),
            Err(e) => Response::ExportFailed(e),
        },
        None => Response::ExportFailed("No data set is loaded.".to_string()),
    }
}

/// Makes one export of the data set held, pseudonymized first in share mode.
fn export(
    data: &crate::core::ingest::DataSet,
    request: &ExportRequest,
) -> Result<Exported, String> {
    use crate::core::{pseudo, report_html, view};
    let shared;
    let data = match &request.share_key {
        Some(key) => {
            shared = pseudo::pseudonymize(data, &pseudo::key_from_text(key));
            &shared
        }
        None => data,
    };
    let suffix = if request.share_key.is_some() {
        "-pseudonymized"
    } else {
        ""
    };
    let indices: Vec<u32> = if request.filter.is_empty() {
        (0..u32::try_from(data.store.events.len()).unwrap_or(u32::MAX)).collect()
    } else {
        crate::core::analyze::query::run(&data.store, &request.filter).matches
    };
    let mut bytes = Vec::new();
    let (name, mime) = match request.kind {
        ExportKind::Csv => {
            view::export_csv(&data.store, &indices, &mut bytes).map_err(|e| e.to_string())?;
            ("provlens-events", "text/csv;charset=utf-8")
        }
        ExportKind::Json => {
            view::export_json(&data.store, &indices, &mut bytes).map_err(|e| e.to_string())?;
            ("provlens-events", "application/json")
        }
        ExportKind::Report => {
            let options = report_html::ReportOptions {
                produced_at: request.produced_at.clone(),
                filter: request.filter.clone(),
                include_events: request.include_events,
                pseudonymized: request.share_key.is_some(),
                findings: report_html::report_findings(&crate::core::findings::findings(
                    &data.store,
                    &crate::core::findings::FindingsConfig::default(),
                )),
            };
            bytes = report_html::render_report(data, &options).into_bytes();
            ("provlens-report", "text/html;charset=utf-8")
        }
    };
    let extension = match request.kind {
        ExportKind::Csv => "csv",
        ExportKind::Json => "json",
        ExportKind::Report => "html",
    };
    Ok(Exported {
        file_name: format!("{name}{suffix}.{extension}"),
        mime: mime.to_string(),
        text: String::from_utf8(bytes).map_err(|e| e.to_string())?,
    })
}
