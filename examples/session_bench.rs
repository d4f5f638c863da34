//! How long the app's analysis session takes to answer a query, natively (the browser's wasm is
//! slower by a small factor): `cargo run --profile native --example session_bench -- FILE...`.

use std::time::Instant;

use provlens::core::analyze::columns::Columns;
use provlens::core::analyze::overview::overview_in;
use provlens::core::analyze::query::{run_in, Filter};
use provlens::core::ingest::read_all;
use provlens::core::model::{Action, Status};
use provlens::core::session::{Query, Session};

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok().map(|b| (p.clone(), b)))
        .collect();
    let t = Instant::now();
    let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    println!("read {} events in {:?}", data.events(), t.elapsed());
    let t = Instant::now();
    let columns = Columns::new(&data.store);
    println!("columns (built once per data set) in {:?}", t.elapsed());
    let mut session = Session::new(data);
    let filters = [
        ("no filter", Filter::default()),
        (
            "status=failure",
            Filter {
                statuses: vec![Status::Failure],
                ..Filter::default()
            },
        ),
        (
            "action=create",
            Filter {
                actions: vec![Action::Create],
                ..Filter::default()
            },
        ),
    ];
    for (name, filter) in filters {
        let store = &session.data().store;
        let t = Instant::now();
        let result = run_in(store, &columns, &filter, None);
        let run_time = t.elapsed();
        let t = Instant::now();
        let _ = overview_in(store, &columns, Some(&result.matches));
        let overview_time = t.elapsed();
        let t = Instant::now();
        let view = session.query(&Query {
            filter,
            limit: 240,
            ..Query::default()
        });
        let query_time = t.elapsed();
        let t = Instant::now();
        let answer = provlens::core::wire::encode(&view).unwrap_or_default();
        println!(
            "{name:>15}: {} matches; run {run_time:?}, overview {overview_time:?}, whole query {query_time:?}; view data {} KB as sent to the page ({:?}), {} facet values, {} cycles",
            view.rows.total,
            answer.len() / 1024,
            t.elapsed(),
            view.facets.values().map(Vec::len).sum::<usize>(),
            view.jobs.iter().map(|j| j.cycles.len()).sum::<usize>(),
        );
    }
}
