//! The root component: owns the page state and the connection to the worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use crate::core::progress::{Action, Phase};
use crate::ui::browser;
use crate::ui::components::export_bar::ExportChoice;
use crate::ui::components::{
    error_banner::ErrorBanner, loading_view::LoadingView, start_screen::StartScreen,
    summary_view::SummaryView, theme_toggle::ThemeToggle,
};
use crate::ui::state::Store;
use crate::worker::codec::Structured;
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
        let mut spawner = Analyzer::spawner().encoding::<Structured>();
        spawner.callback(move |response| match response {
            Response::Progress(p) => dispatch.dispatch(Action::Progress(p)),
            Response::Loaded(s) => dispatch.dispatch(Action::Loaded(Rc::new(*s))),
            Response::Cancelled => dispatch.dispatch(Action::Cancelled),
            Response::Failed(m) => dispatch.dispatch(Action::Failed(m)),
            Response::Exported(done) => {
                if let Err(m) = browser::download(&done.file_name, &done.mime, &done.text) {
                    dispatch.dispatch(Action::Failed(m));
                }
            }
            Response::ExportFailed(m) => dispatch.dispatch(Action::Failed(m)),
            Response::Crashed(m) => {
                crashed.set(true);
                dispatch.dispatch(Action::Reset);
                dispatch.dispatch(Action::Failed(m));
            }
        });
        match browser::inline_worker_url() {
            Some(loader) => spawner.spawn_with_loader(&loader),
            None => spawner.spawn(&browser::worker_url()),
        }
    }
}

#[component]
pub fn App() -> Html {
    let store = use_reducer(Store::default);
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
    let on_export = request.reform(|choice: ExportChoice| {
        Request::Export(ExportRequest {
            kind: choice.kind,
            // The explorer's filters travel here once it has them; until then, all events.
            filter: Default::default(),
            share_key: choice.share_key,
            include_events: choice.include_events,
            produced_at: browser::now_text(),
        })
    });
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
            <SummaryView
                summary={summary.clone()}
                on_replace={on_replace}
                on_add={on_add}
                on_reset={on_reset}
                on_export={on_export}
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
