//! One chip per loaded file (format, events, duplicates, rejected); clicking one lists its
//! issues.

use yew::prelude::*;

use crate::core::ingest::Issue;
use crate::core::report::FileSummary;

#[derive(Properties, PartialEq)]
pub struct FileChipsProps {
    pub files: Vec<FileSummary>,
    pub issues: Vec<Issue>,
}

#[component]
pub fn FileChips(props: &FileChipsProps) -> Html {
    let selected = use_state(|| None::<usize>);
    let chips = props.files.iter().enumerate().map(|(i, f)| {
        let onclick = {
            let selected = selected.clone();
            Callback::from(move |_: MouseEvent| {
                selected.set(if *selected == Some(i) { None } else { Some(i) })
            })
        };
        let format = f.format.map_or("not an export", |x| x.label());
        let class = classes!(
            "chip",
            f.refused.is_some().then_some("refused"),
            (f.rejected > 0).then_some("has-rejected"),
            (*selected == Some(i)).then_some("selected")
        );
        html! {
            <button {class} data-testid="file-chip" aria-expanded={(*selected == Some(i)).to_string()} {onclick}>
                <span class="chip-name">{ f.name.clone() }</span>
                <span class="chip-meta">
                    { meta(format, f) }
                </span>
            </button>
        }
    });
    let detail = selected.and_then(|i| props.files.get(i)).map(|f| {
        let issues: Vec<&Issue> = props.issues.iter().filter(|x| x.file == f.name).collect();
        html! {
            <div class="issues" data-testid="issues">
                <h3>{ format!("Issues in {}", f.name) }</h3>
                if issues.is_empty() {
                    <p class="muted">{"No issues: every record was read."}</p>
                } else {
                    <ul>
                        { for issues.iter().map(|x| html! {
                            <li>
                                <span class="position">{ x.position.to_string() }</span>
                                <span>{ x.message.clone() }</span>
                            </li>
                        }) }
                    </ul>
                }
            </div>
        }
    });
    html! {
        <div class="file-chips">
            <div class="chips">{ for chips }</div>
            { for detail }
        </div>
    }
}

/// "Portal JSON · 120 events · 3 duplicates · 0 rejected": duplicates only when there are any
/// (records an earlier file already held, so the events of overlapping exports add up).
fn meta(format: &str, f: &FileSummary) -> String {
    let duplicates = match f.duplicates {
        0 => String::new(),
        1 => " · 1 duplicate".to_string(),
        n => format!(" · {n} duplicates"),
    };
    format!(
        "{format} · {} events{duplicates} · {} rejected",
        f.events, f.rejected
    )
}
