//! The root component: owns the page state and the connection to the worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use crate::core::filters::{findings_config, person_of, sort_of, view_key};
use crate::core::progress::{Action, AppState, Phase};
use crate::core::session::{self, Query};
use crate::core::url::{from_fragment, to_fragment, Location};
use crate::ui::browser;
use crate::ui::components::export_bar::ExportChoice;
use crate::ui::components::{
    error_banner::ErrorBanner, loading_view::LoadingView, start_screen::StartScreen,
    theme_toggle::ThemeToggle, workspace::Workspace,
};
use crate::ui::state::Store;
use crate::worker::codec::Binary;
use crate::worker::protocol::{ExportRequest, FileRef, LoadMode, Request, Response};
use crate::worker::Analyzer;

/// The connection to the worker, started on first use and again after the worker crashed.
struct Connection {
    bridge: RefCell<Option<WorkerBridge<Analyzer>>>,
    crashed: Rc<Cell<bool>>,
    dispatch: UseReducerDispatcher<Store>,
}

impl Connection {
    /// Starts the worker if it is not running, so that its script and wasm load during
    /// start-up: after that the page makes no request at all.
    fn start(&self) {
        let mut bridge = self.bridge.borrow_mut();
        if bridge.is_none() {
            *bridge = Some(self.spawn());
        }
    }

    fn send(&self, request: Request) {
        let mut bridge = self.bridge.borrow_mut();
        if bridge.is_none() || self.crashed.replace(false) {
            *bridge = Some(self.spawn());
        }
        if let Some(b) = bridge.as_ref() {
            b.send(request);
        }
    }

    fn spawn(&self) -> WorkerBridge<Analyzer> {
        let dispatch = self.dispatch.clone();
        let crashed = self.crashed.clone();
        let mut spawner = Analyzer::spawner().encoding::<Binary>();
        spawner.callback(move |response: Response| match response {
            Response::Progress(p) => dispatch.dispatch(Action::Progress(p)),
            Response::Loaded(s) => dispatch.dispatch(Action::Loaded(Rc::new(*s))),
            Response::Memory(bytes) => dispatch.dispatch(Action::Memory(bytes)),
            Response::Cancelled => dispatch.dispatch(Action::Cancelled),
            Response::Failed(m) => dispatch.dispatch(Action::Failed(m)),
            Response::Exported(done) => {
                dispatch.dispatch(Action::ExportFinished);
                if let Err(m) = browser::download(&done.file_name, &done.mime, &done.text) {
                    dispatch.dispatch(Action::Failed(m));
                }
            }
            Response::ExportFailed(m) => {
                dispatch.dispatch(Action::ExportFinished);
                dispatch.dispatch(Action::Failed(m));
            }
            Response::Crashed(m) => {
                crashed.set(true);
                dispatch.dispatch(Action::Reset);
                dispatch.dispatch(Action::Failed(m));
            }
            Response::Analyzed(answer) => match answer {
                session::Response::View(v) => dispatch.dispatch(Action::ViewReady(Rc::new(*v))),
                session::Response::Rows(w) => dispatch.dispatch(Action::RowsReady(Rc::new(w))),
                session::Response::Detail(d) => {
                    dispatch.dispatch(Action::DetailReady(d.map(|d| Rc::new(*d))))
                }
                session::Response::Findings(items) => {
                    dispatch.dispatch(Action::FindingsReady(Rc::new(items)))
                }
                session::Response::Lifecycle(o) => {
                    dispatch.dispatch(Action::LifecycleReady(Rc::new(*o)))
                }
                session::Response::Person { person, swimlane } => {
                    dispatch.dispatch(Action::SwimlaneReady(person, swimlane.map(|s| Rc::new(*s))))
                }
                session::Response::Persons(found) => {
                    dispatch.dispatch(Action::PersonsFound(Rc::new(*found)))
                }
                session::Response::Export(x) => {
                    if let Err(m) = browser::download(&x.file_name, &x.mime, &x.text) {
                        dispatch.dispatch(Action::Failed(m));
                    }
                }
            },
        });
        match browser::inline_worker_url() {
            Some(loader) => spawner.spawn_with_loader(&loader),
            None => spawner.spawn(&browser::worker_url()),
        }
    }
}

#[component]
pub fn App() -> Html {
    let store = use_reducer(|| {
        Store(AppState {
            location: from_fragment(&browser::fragment()),
            ..AppState::default()
        })
    });
    let dark = use_state(browser::system_prefers_dark);
    let connection = {
        let dispatch = store.dispatcher();
        use_memo((), move |_| Connection {
            bridge: RefCell::new(None),
            crashed: Rc::new(Cell::new(false)),
            dispatch,
        })
    };
    {
        let dark = *dark;
        use_effect_with(dark, move |_| browser::apply_theme(dark));
    }
    {
        let connection = connection.clone();
        use_effect_with((), move |_| connection.start());
    }

    let request = {
        let connection = connection.clone();
        let dispatch = store.dispatcher();
        Callback::from(move |request: Request| {
            if matches!(request, Request::Load { .. } | Request::LoadDemo) {
                dispatch.dispatch(Action::LoadStarted);
            }
            if matches!(request, Request::Reset) {
                dispatch.dispatch(Action::Reset);
            }
            connection.send(request);
        })
    };
    let on_files = {
        let request = request.clone();
        Callback::from(move |(files, mode): (Vec<FileRef>, LoadMode)| {
            if !files.is_empty() {
                request.emit(Request::Load { files, mode });
            }
        })
    };
    let on_replace = on_files.reform(|files| (files, LoadMode::Replace));
    let on_add = on_files.reform(|files| (files, LoadMode::Add));
    let on_demo = request.reform(|()| Request::LoadDemo);
    let on_cancel = request.reform(|()| Request::Cancel);
    let on_reset = request.reform(|()| Request::Reset);
    // The URL fragment is the source of truth for the view, the filters and the identity:
    // clicks write it, and every change (clicks, back, forward, links) is read back from it.
    {
        let dispatch = store.dispatcher();
        use_effect_with((), move |_| {
            let listener = browser::on_fragment_change(move |f| {
                dispatch.dispatch(Action::Navigate(Box::new(from_fragment(&f))))
            });
            move || drop(listener)
        });
    }
    let on_navigate = {
        let dispatch = store.dispatcher();
        Callback::from(move |loc: Location| {
            browser::set_fragment(&to_fragment(&loc));
            dispatch.dispatch(Action::Navigate(Box::new(loc)));
        })
    };
    // Keyboard: "/" focuses the search, Esc closes the drawer.
    {
        let dispatch = store.dispatcher();
        use_effect_with((), move |_| {
            let listener = browser::on_key(move |k| match k.key.as_str() {
                "/" if !k.in_text_field && !k.modified => {
                    browser::focus_id("search");
                    true
                }
                "Escape" => {
                    dispatch.dispatch(Action::CloseDetail);
                    false
                }
                _ => false,
            });
            move || drop(listener)
        });
    }
    // The findings whenever the data set or the thresholds change (before the query below,
    // which may filter to one of them).
    {
        let connection = connection.clone();
        let state = &store.0;
        let loaded = matches!(state.phase, Phase::Loaded(_));
        let config = findings_config(&state.location);
        let deps = (loaded.then_some(state.generation), config);
        use_effect_with(deps, move |(generation, config)| {
            if generation.is_some() {
                connection.send(Request::analyze(session::Request::Findings(Box::new(
                    config.clone(),
                ))));
            }
        });
    }
    // A query whenever the data set, the filters, the sort or the shown identity change.
    {
        let connection = connection.clone();
        let state = &store.0;
        let loaded = matches!(state.phase, Phase::Loaded(_));
        let loc = &state.location;
        let identity = (view_key(loc) == "identity")
            .then(|| loc.identity.clone())
            .flatten();
        let deps = (
            loaded.then_some(state.generation),
            loc.filter.clone(),
            sort_of(loc),
            identity,
        );
        use_effect_with(deps, move |(generation, filter, sort, identity)| {
            if generation.is_some() {
                connection.send(Request::analyze(session::Request::Query(Box::new(Query {
                    filter: filter.clone(),
                    sort: *sort,
                    offset: 0,
                    limit: 80,
                    identity: identity.clone(),
                }))));
            }
        });
    }
    // The lifecycle view: its overview, and the person in the URL, with the SLAs the findings
    // use (so both agree), asked for only while the view is shown.
    let lifecycle_deps = {
        let state = &store.0;
        let shown =
            matches!(state.phase, Phase::Loaded(_)) && view_key(&state.location) == "lifecycle";
        (
            shown.then_some(state.generation),
            findings_config(&state.location).lifecycle,
        )
    };
    {
        let connection = connection.clone();
        use_effect_with(lifecycle_deps.clone(), move |(generation, config)| {
            if generation.is_some() {
                connection.send(Request::analyze(session::Request::Lifecycle(Box::new(
                    config.clone(),
                ))));
            }
        });
    }
    {
        let connection = connection.clone();
        let deps = (lifecycle_deps, person_of(&store.0.location));
        use_effect_with(deps, move |((generation, config), person)| {
            if let (Some(_), Some(person)) = (generation, *person) {
                connection.send(Request::analyze(session::Request::Person {
                    config: Box::new(config.clone()),
                    person,
                }));
            }
        });
    }
    let on_find_persons = {
        let config = findings_config(&store.0.location).lifecycle;
        request.reform(move |text: String| {
            Request::analyze(session::Request::FindPersons {
                config: Box::new(config.clone()),
                text: text.trim().to_string(),
            })
        })
    };
    let on_rows = request.reform(|(offset, limit): (u32, u32)| {
        Request::analyze(session::Request::Rows { offset, limit })
    });
    let on_open = request.reform(|event: u32| Request::analyze(session::Request::Detail { event }));
    // Exports (CSV, JSON, the audit report; optionally pseudonymized) cover the filtered events.
    let on_export = {
        let filter = store.0.location.filter.clone();
        let dispatch = store.dispatcher();
        request.reform(move |choice: ExportChoice| {
            dispatch.dispatch(Action::ExportStarted);
            Request::Export(ExportRequest {
                kind: choice.kind,
                filter: filter.clone(),
                share_key: choice.share_key,
                include_events: choice.include_events,
                produced_at: browser::now_text(),
            })
        })
    };
    let on_close = {
        let dispatch = store.dispatcher();
        Callback::from(move |()| dispatch.dispatch(Action::CloseDetail))
    };
    let on_dismiss = {
        let dispatch = store.dispatcher();
        Callback::from(move |()| dispatch.dispatch(Action::DismissError))
    };
    let on_toggle_theme = {
        let dark = dark.clone();
        Callback::from(move |()| dark.set(!*dark))
    };

    let state = &store.0;
    let main = match &state.phase {
        Phase::Start => html! {
            <StartScreen on_files={on_replace} on_demo={on_demo} refused={Vec::<String>::new()} />
        },
        Phase::Loading(files) => html! {
            <LoadingView files={files.clone()} on_cancel={on_cancel} />
        },
        Phase::Loaded(summary)
            if summary.events == 0 && summary.files.iter().all(|f| f.refused.is_some()) =>
        {
            // Nothing could be read: back to the start, saying why for each file.
            let refused = summary
                .files
                .iter()
                .filter_map(|f| f.refused.clone())
                .collect::<Vec<_>>();
            html! { <StartScreen on_files={on_replace} on_demo={on_demo} refused={refused} /> }
        }
        Phase::Loaded(summary) => html! {
            <Workspace
                summary={summary.clone()}
                view={state.view.clone()}
                window={state.window.clone()}
                detail={state.detail.clone()}
                findings={state.findings.clone()}
                memory_bytes={state.memory_bytes}
                exporting={state.exporting}
                lifecycle={state.lifecycle.clone()}
                swimlane={state.swimlane.clone()}
                persons={state.persons.clone()}
                on_find_persons={on_find_persons}
                location={state.location.clone()}
                on_navigate={on_navigate}
                on_rows={on_rows}
                on_open={on_open}
                on_close={on_close}
                on_export={on_export}
                on_replace={on_replace}
                on_add={on_add}
                on_reset={on_reset}
            />
        },
    };

    html! {
        <>
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{"◐"}</span>
                    <span class="name">{"provlens"}</span>
                    <span class="tagline">{"Entra ID provisioning logs, analyzed on this computer"}</span>
                </div>
                <ThemeToggle dark={*dark} on_toggle={on_toggle_theme} />
            </header>
            if let Some(message) = &state.error {
                <ErrorBanner message={message.clone()} on_dismiss={on_dismiss} />
            }
            <main class="content">{ main }</main>
            <footer class="footer">
                {format!("provlens {} · works offline · no data leaves this browser", crate::VERSION)}
            </footer>
        </>
    }
}
