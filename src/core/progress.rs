//! What the page shows while files are read, and how it changes: a pure state machine that the
//! Yew shell wraps (`impl Reducible`) and that is tested natively.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::core::lifecycle::view::{LifecycleOverview, PersonMatches, Swimlane};
use crate::core::report::Summary;
use crate::core::session::{FindingItem, RowWindow, ViewData};
use crate::core::url::Location;
use crate::core::view::EventDetail;

/// How far one file has been read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileProgress {
    /// Position of the file within its load, from 0.
    pub index: u32,
    pub name: String,
    pub bytes_read: u64,
    pub size_bytes: u64,
    /// Events read from this file so far.
    pub events: u64,
}

impl FileProgress {
    /// Share read, in percent (100 for an empty file).
    pub fn percent(&self) -> u32 {
        if self.size_bytes == 0 {
            return 100;
        }
        let share = self.bytes_read.min(self.size_bytes) as f64 / self.size_bytes as f64;
        (share * 100.0).round() as u32
    }
}

/// Which screen the page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Phase {
    /// Nothing loaded: the drop zone, the formats and the demo button.
    #[default]
    Start,
    /// Files are being read; one entry per file, in load order.
    Loading(Vec<FileProgress>),
    /// A data set is loaded. `Rc` so that re-rendering never copies the summary.
    Loaded(Rc<Summary>),
}

/// The page's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub phase: Phase,
    /// The findings of the loaded data set for the thresholds in the URL.
    pub findings: Option<Rc<Vec<FindingItem>>>,
    /// The summary shown before the current load started, restored when it is cancelled.
    pub previous: Option<Rc<Summary>>,
    /// A load or worker failure, shown above whatever screen is current.
    pub error: Option<String>,
    /// Counts completed loads, so the page queries a new data set again.
    pub generation: u64,
    /// The view, filters and identity, as the URL fragment says.
    pub location: Location,
    /// The latest answer to the page's query.
    pub view: Option<Rc<ViewData>>,
    /// The explorer's rows around the scroll position.
    pub window: Option<Rc<RowWindow>>,
    /// The event open in the detail drawer.
    pub detail: Option<Rc<EventDetail>>,
    /// The worker's wasm memory after the last load, in bytes (its peak so far).
    pub memory_bytes: Option<u64>,
    /// An export was asked for and has not arrived yet (the audit report first hashes every
    /// file, which takes seconds on large ones).
    pub exporting: bool,
    /// The lifecycle overview, once the lifecycle view asked for it.
    pub lifecycle: Option<Rc<LifecycleOverview>>,
    /// The person asked for and the swimlane (`None`: no such person in this data set).
    pub swimlane: Option<(u32, Option<Rc<Swimlane>>)>,
    /// The last person search's answer.
    pub persons: Option<Rc<PersonMatches>>,
}

/// Everything that changes the page's state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A load was sent to the worker.
    LoadStarted,
    Progress(FileProgress),
    Loaded(Rc<Summary>),
    /// The worker's wasm memory after a load, in bytes.
    Memory(u64),
    Cancelled,
    Failed(String),
    /// Back to the start screen with nothing loaded.
    Reset,
    DismissError,
    /// An export was sent to the worker.
    ExportStarted,
    /// The export arrived (or failed).
    ExportFinished,
    /// The URL fragment changed (a click, back/forward, a link).
    Navigate(Box<Location>),
    ViewReady(Rc<ViewData>),
    /// The findings for the current thresholds arrived.
    FindingsReady(Rc<Vec<FindingItem>>),
    RowsReady(Rc<RowWindow>),
    /// The drawer's event arrived (`None`: it no longer exists).
    DetailReady(Option<Rc<EventDetail>>),
    CloseDetail,
    LifecycleReady(Rc<LifecycleOverview>),
    /// A person's swimlane arrived (`None`: no such person).
    SwimlaneReady(u32, Option<Rc<Swimlane>>),
    PersonsFound(Rc<PersonMatches>),
}

/// Applies an action.
pub fn reduce(state: &AppState, action: Action) -> AppState {
    let mut next = state.clone();
    match action {
        Action::LoadStarted => {
            next.previous = match &state.phase {
                Phase::Loaded(summary) => Some(summary.clone()),
                Phase::Loading(_) => state.previous.clone(),
                Phase::Start => None,
            };
            next.phase = Phase::Loading(Vec::new());
            next.error = None;
        }
        Action::Progress(p) => {
            // Progress that arrives after a load ended (a late message) is ignored.
            if let Phase::Loading(files) = &mut next.phase {
                match files.iter_mut().find(|f| f.index == p.index) {
                    Some(f) => *f = p,
                    None => {
                        files.push(p);
                        crate::core::sort::sort_by_key(files, |f| f.index);
                    }
                }
            }
        }
        Action::Loaded(summary) => {
            next.phase = Phase::Loaded(summary);
            next.previous = None;
            next.generation += 1;
            next.view = None;
            next.window = None;
            next.detail = None;
            next.findings = None;
            next.lifecycle = None;
            next.swimlane = None;
            next.persons = None;
        }
        Action::Memory(bytes) => next.memory_bytes = Some(bytes),
        Action::Cancelled => {
            next.phase = match state.previous.clone() {
                Some(summary) => Phase::Loaded(summary),
                None => Phase::Start,
            };
            next.previous = None;
        }
        Action::Failed(message) => {
            if matches!(state.phase, Phase::Loading(_)) {
                next.phase = match state.previous.clone() {
                    Some(summary) => Phase::Loaded(summary),
                    None => Phase::Start,
                };
                next.previous = None;
            }
            next.error = Some(message);
        }
        Action::Reset => {
            // The location stays: it is the URL, and the same files may be dropped again.
            next = AppState {
                generation: state.generation,
                location: state.location.clone(),
                ..AppState::default()
            };
        }
        Action::DismissError => next.error = None,
        Action::ExportStarted => next.exporting = true,
        Action::ExportFinished => next.exporting = false,
        Action::Navigate(location) => next.location = *location,
        Action::FindingsReady(items) => next.findings = Some(items),
        Action::ViewReady(view) => {
            next.window = Some(Rc::new(view.rows.clone()));
            next.view = Some(view);
        }
        Action::RowsReady(window) => {
            // A window of an older query (another total) is dropped.
            if next.window.as_ref().is_none_or(|w| w.total == window.total) {
                next.window = Some(window);
            }
        }
        Action::DetailReady(detail) => next.detail = detail,
        Action::CloseDetail => next.detail = None,
        Action::LifecycleReady(overview) => next.lifecycle = Some(overview),
        Action::SwimlaneReady(person, swimlane) => next.swimlane = Some((person, swimlane)),
        Action::PersonsFound(found) => next.persons = Some(found),
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(index: u32, bytes_read: u64) -> FileProgress {
        FileProgress {
            index,
            name: format!("f{index}.json"),
            bytes_read,
            size_bytes: 100,
            events: bytes_read / 10,
        }
    }

    fn summary(events: u64) -> Summary {
        Summary {
            events,
            ..Summary::default()
        }
    }

    fn run(actions: Vec<Action>) -> AppState {
        actions
            .into_iter()
            .fold(AppState::default(), |s, a| reduce(&s, a))
    }

    #[test]
    fn progress_updates_each_file_in_order() {
        let s = run(vec![
            Action::LoadStarted,
            Action::Progress(progress(1, 0)),
            Action::Progress(progress(0, 0)),
            Action::Progress(progress(0, 50)),
        ]);
        assert_eq!(
            s.phase,
            Phase::Loading(vec![progress(0, 50), progress(1, 0)])
        );
    }

    #[test]
    fn loaded_replaces_the_progress() {
        let s = run(vec![
            Action::LoadStarted,
            Action::Progress(progress(0, 100)),
            Action::Loaded(Rc::new(summary(3))),
        ]);
        assert_eq!(s.phase, Phase::Loaded(Rc::new(summary(3))));
        assert_eq!(s.previous, None);
    }

    #[test]
    fn an_export_is_pending_until_it_arrives_or_fails() {
        let s = run(vec![
            Action::LoadStarted,
            Action::Loaded(Rc::new(summary(3))),
        ]);
        assert!(!s.exporting);
        let s = reduce(&s, Action::ExportStarted);
        assert!(s.exporting);
        assert!(!reduce(&s, Action::ExportFinished).exporting);
        // A worker crash resets the page, the pending export with it.
        assert!(!reduce(&s, Action::Reset).exporting);
    }

    #[test]
    fn the_memory_figure_follows_the_latest_load_and_resets_with_the_data() {
        let s = run(vec![
            Action::LoadStarted,
            Action::Loaded(Rc::new(summary(3))),
            Action::Memory(64 << 20),
            Action::LoadStarted,
            Action::Loaded(Rc::new(summary(5))),
            Action::Memory(96 << 20),
        ]);
        assert_eq!(s.memory_bytes, Some(96 << 20));
        let s = reduce(&s, Action::Reset);
        assert_eq!(s.memory_bytes, None);
    }

    #[test]
    fn cancel_restores_the_previous_data_set() {
        let s = run(vec![
            Action::LoadStarted,
            Action::Loaded(Rc::new(summary(3))),
            Action::LoadStarted,
            Action::Progress(progress(0, 10)),
            Action::Cancelled,
        ]);
        assert_eq!(s.phase, Phase::Loaded(Rc::new(summary(3))));
    }

    #[test]
    fn cancel_of_a_first_load_goes_back_to_start() {
        let s = run(vec![Action::LoadStarted, Action::Cancelled]);
        assert_eq!(s.phase, Phase::Start);
    }

    #[test]
    fn failure_keeps_the_page_working_and_shows_the_message() {
        let s = run(vec![Action::LoadStarted, Action::Failed("boom".into())]);
        assert_eq!(s.phase, Phase::Start);
        assert_eq!(s.error.as_deref(), Some("boom"));
        let s = reduce(&s, Action::DismissError);
        assert_eq!(s.error, None);
    }

    #[test]
    fn late_progress_after_load_is_ignored() {
        let s = run(vec![
            Action::LoadStarted,
            Action::Loaded(Rc::new(summary(1))),
            Action::Progress(progress(0, 100)),
        ]);
        assert_eq!(s.phase, Phase::Loaded(Rc::new(summary(1))));
    }

    #[test]
    fn a_new_load_asks_for_new_view_data_and_reset_keeps_the_location() {
        let loc = crate::core::url::from_fragment("view=explorer&status=failure");
        let s = run(vec![
            Action::Navigate(Box::new(loc.clone())),
            Action::LoadStarted,
            Action::Loaded(Rc::new(summary(3))),
            Action::ViewReady(Rc::new(ViewData::default())),
            Action::DetailReady(Some(Rc::new(EventDetail::default()))),
            Action::LifecycleReady(Rc::new(LifecycleOverview::default())),
            Action::SwimlaneReady(4, Some(Rc::new(Swimlane::default()))),
            Action::PersonsFound(Rc::new(PersonMatches::default())),
        ]);
        assert_eq!(s.generation, 1);
        assert!(s.view.is_some() && s.window.is_some() && s.detail.is_some());
        assert!(s.lifecycle.is_some() && s.persons.is_some());
        assert_eq!(s.swimlane.as_ref().map(|(p, _)| *p), Some(4));
        let again = reduce(&s, Action::Loaded(Rc::new(summary(3))));
        assert_eq!(again.generation, 2);
        assert!(again.view.is_none() && again.detail.is_none());
        assert!(again.lifecycle.is_none() && again.swimlane.is_none() && again.persons.is_none());
        let reset = reduce(&s, Action::Reset);
        assert_eq!(reset.phase, Phase::Start);
        assert_eq!(reset.location, loc);
        assert!(reset.view.is_none());
        let closed = reduce(&s, Action::CloseDetail);
        assert!(closed.detail.is_none());
    }

    #[test]
    fn percent_is_bounded() {
        assert_eq!(progress(0, 50).percent(), 50);
        assert_eq!(progress(0, 500).percent(), 100);
        let empty = FileProgress::default();
        assert_eq!(empty.percent(), 100);
    }
}
