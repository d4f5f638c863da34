//! The first screen: drop zone, picker, what can be read, the privacy promise and the demo.

use yew::prelude::*;

use crate::core::sniff::Format;
use crate::worker::protocol::FileRef;

use super::drop_zone::DropZone;

/// The formats listed on the start screen (gzip and zip wrap them).
const LISTED: [Format; 9] = [
    Format::PortalJson,
    Format::PortalCsvEvents,
    Format::PortalCsvSteps,
    Format::PortalCsvModified,
    Format::GraphJson,
    Format::SdkJson,
    Format::DiagnosticJson,
    Format::LogAnalyticsCsv,
    Format::LogAnalyticsJson,
];

#[derive(Properties, PartialEq)]
pub struct StartScreenProps {
    pub on_files: Callback<Vec<FileRef>>,
    pub on_demo: Callback<()>,
    /// Why the files of the last load were refused, one message per file.
    pub refused: Vec<String>,
}

#[component]
pub fn StartScreen(props: &StartScreenProps) -> Html {
    let on_demo = props.on_demo.reform(|_: MouseEvent| ());
    html! {
        <section class="start">
            { for props.refused.iter().map(|m| html! {
                <p class="notice refused" role="alert" data-testid="refused">{ m.clone() }</p>
            }) }
            <h1>{"Analyze Entra ID provisioning logs"}</h1>
            <p class="privacy" data-testid="privacy">
                {"Your files are read and analyzed inside this browser tab; not a byte is uploaded anywhere."}
            </p>
            <DropZone
                on_files={props.on_files.clone()}
                label="Drop one or more provisioning-log exports here"
                pick_label="Choose files…"
            />
            <div class="start-actions">
                <button class="button" data-testid="open-demo" onclick={on_demo}>{"Open demo data"}</button>
            </div>
            <details class="formats" open=true>
                <summary>{"Supported formats"}</summary>
                <ul>
                    { for LISTED.iter().map(|f| html! { <li>{ f.label() }</li> }) }
                    <li>{"Any of these inside a .zip or .gz"}</li>
                </ul>
            </details>
        </section>
    }
}
