//! Native benchmarks that print figures: read throughput per export format, the full analysis
//! of 100k events, and filter re-aggregation on 1M events. Run with `make bench`.
//!
//! Read throughput is the command line's path (`provlens summary`): the generated files are
//! written to `target/bench-ingest/` and read from there, one thread reading and hashing while
//! the parser frames each chunk and decodes its JSON records on two threads. The figure beside
//! it is the parser alone on one thread, the files already in memory and not hashed.
//!
//! Sizes can be changed with `PROVLENS_BENCH_EVENTS` (default 100000). Every figure is the best
//! of three runs, so a busy machine shows less noise.

use std::hint::black_box;

// The allocator the `provlens` command-line tool uses (see src/bin/provlens.rs).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use provlens::core::analyze::columns::Columns;
use provlens::core::analyze::overview::{overview, overview_in};
use provlens::core::analyze::query::{run_in, Filter};
use provlens::core::gen::write::{write_format, GenFormat, WriteOptions};
use provlens::core::gen::{generate, GenConfig};
use provlens::core::ingest::{DataSet, Ingest};
use provlens::core::model::{Status, Store};

const CHUNK: usize = 4 << 20;

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    match out {
        Some(v) => (best, v),
        None => (best, f()),
    }
}

fn ingest(files: &[(String, Vec<u8>)]) -> DataSet {
    let mut ing = Ingest::default().hash_files(false);
    for (name, bytes) in files {
        let mut st = ing.begin(name, bytes.len() as u64);
        for c in bytes.chunks(CHUNK) {
            ing.push(&mut st, c);
        }
        ing.end(st);
    }
    ing.finish()
}

/// The command line's read of files on disk (the benchmark is built for wasm only by clippy's
/// checks, where the in-memory read stands in).
#[cfg(not(target_arch = "wasm32"))]
fn cli_load(paths: &[std::path::PathBuf], _: &[(String, Vec<u8>)]) -> DataSet {
    provlens::cli::load(paths)
}

#[cfg(target_arch = "wasm32")]
fn cli_load(_: &[std::path::PathBuf], files: &[(String, Vec<u8>)]) -> DataSet {
    ingest(files)
}

/// Repeats a store's events until it holds `n` (for the 1M-event filter figure).
fn grow(store: &Store, n: usize) -> Store {
    let mut s = store.clone();
    let base = store.events.clone();
    while s.events.len() < n {
        for e in &base {
            if s.events.len() >= n {
                break;
            }
            s.events.push(e.clone());
        }
    }
    s
}

fn main() {
    let events: u32 = std::env::var("PROVLENS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let generated = generate(&GenConfig {
        events,
        days: 14,
        ..GenConfig::default()
    });
    println!(
        "provlens native benchmarks: {} generated events",
        generated.events.len()
    );
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>10} {:>16}",
        "format", "MB", "seconds", "MB/s", "events", "parser alone MB/s"
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-ingest");
    let mut portal: Option<DataSet> = None;
    for format in GenFormat::ALL {
        let files = write_format(format, &generated.events, &WriteOptions::default());
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        let at = dir.join(format.name());
        let _ = std::fs::remove_dir_all(&at);
        let paths: Vec<std::path::PathBuf> = files
            .iter()
            .map(|(name, b)| {
                let path = at.join(name);
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&path, b));
                if let Err(e) = written {
                    eprintln!("{}: {e}", path.display());
                    std::process::exit(1);
                }
                path
            })
            .collect();
        let (t, data) = best_of(3, || cli_load(&paths, &files));
        let (alone, _) = best_of(3, || ingest(&files));
        let mb = bytes as f64 / 1e6;
        println!(
            "{:<12} {:>10.1} {:>10.3} {:>10.0} {:>10} {:>16.0}",
            format.name(),
            mb,
            t.as_secs_f64(),
            mb / t.as_secs_f64(),
            data.events(),
            mb / alone.as_secs_f64()
        );
        if format == GenFormat::PortalJson {
            println!(
                "{:<12} store ≈ {:.0} MB for {:.0} MB of input ({:.2} bytes of store per input byte)",
                "",
                data.store.approx_bytes() as f64 / 1e6,
                mb,
                data.store.approx_bytes() as f64 / bytes as f64
            );
            portal = Some(data);
        }
    }
    let Some(data) = portal else {
        return;
    };
    let (t, report) = best_of(3, || overview(&data.store, None));
    println!(
        "full analysis (overview: totals, types, scenarios, timeline, jobs, cycles, errors, attributes) of {} events: {:.3} s (target ≤ 0.5 s)",
        report.totals.events,
        t.as_secs_f64()
    );
    let million = grow(&data.store, 1_000_000);
    let filter = Filter {
        statuses: vec![Status::Failure],
        ..Filter::default()
    };
    let (tc, cols) = best_of(3, || Columns::new(&million));
    println!(
        "columns of 1M events (built once per data set): {:.3} s",
        tc.as_secs_f64()
    );
    let (tq, q) = best_of(3, || run_in(&million, &cols, black_box(&filter), None));
    let (to, sub) = best_of(3, || overview_in(&million, &cols, Some(&q.matches)));
    println!(
        "filter on 1M events: query + facets {:.3} s, re-aggregation of {} matches {:.3} s, total {:.3} s (browser target ≤ 0.1 s)",
        tq.as_secs_f64(),
        sub.totals.events,
        to.as_secs_f64(),
        (tq + to).as_secs_f64()
    );
    let (tt, q2) = best_of(3, || {
        run_in(
            &million,
            &cols,
            &Filter {
                text: "contoso".into(),
                ..Filter::default()
            },
            None,
        )
    });
    println!(
        "free-text search on 1M events: {:.3} s ({} matches)",
        tt.as_secs_f64(),
        q2.matches.len()
    );
}
