//! Where files are dropped or picked (several at once).

use yew::prelude::*;

use crate::ui::browser;
use crate::worker::protocol::FileRef;

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    pub on_files: Callback<Vec<FileRef>>,
    /// The line in the zone, e.g. "Drop export files here".
    pub label: AttrValue,
    /// The picker button's text.
    pub pick_label: AttrValue,
    #[prop_or_default]
    pub compact: bool,
}

#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let hovering = use_state(|| false);
    let ondragover = {
        let hovering = hovering.clone();
        Callback::from(move |e: DragEvent| {
            // Without this the browser opens the file instead of dropping it here.
            e.prevent_default();
            hovering.set(true);
        })
    };
    let ondragleave = {
        let hovering = hovering.clone();
        Callback::from(move |_: DragEvent| hovering.set(false))
    };
    let ondrop = {
        let hovering = hovering.clone();
        let on_files = props.on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            hovering.set(false);
            on_files.emit(browser::dropped_files(&e));
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| on_files.emit(browser::picked_files(&e)))
    };
    let class = classes!(
        "dropzone",
        props.compact.then_some("compact"),
        (*hovering).then_some("hover")
    );
    html! {
        <div class={class} data-testid="dropzone" {ondragover} {ondragleave} {ondrop}>
            <p class="dropzone-label">{ props.label.clone() }</p>
            <label class="button primary">
                { props.pick_label.clone() }
                <input type="file" multiple=true class="visually-hidden" data-testid="file-input" {onchange} />
            </label>
        </div>
    }
}
