//! The analysis session behind the app: it holds the loaded data set and the last query's
//! sorted matches, and answers the page's coarse requests (a query, a window of rows, one
//! event's detail, an export, the findings, the lifecycle overview, one person's swimlane)
//! with plain view data. The worker only forwards to it, so all of this is tested natively.

use serde::{Deserialize, Serialize};

use crate::core::analyze::columns::Columns;
use crate::core::analyze::dims::{job_key, system_name};
use crate::core::analyze::identity::{identity_events, identity_report, IdentityReport};
use crate::core::analyze::overview::{overview_in, OverviewReport};
use crate::core::analyze::query::{run_in, Facet, FacetValue, Filter};
use crate::core::filters::is_selected;
use crate::core::findings::{findings_with_lifecycle, Finding, FindingsConfig};
use crate::core::ingest::DataSet;
use crate::core::lifecycle::view::{
    self as lifecycle_view, LifecycleOverview, PersonMatches, Swimlane,
};
use crate::core::lifecycle::{self, LifecycleConfig, LifecycleReport};
use crate::core::model::{Status, Store};
use crate::core::time::format_iso;
use crate::core::vecmap::VecMap;
use crate::core::view::{
    event_detail, export_csv, export_json, identity_label, rows, sort_indices, Column, EventDetail,
    Row, Sort,
};

/// Most rows one request may ask for: a window of the virtualized table, never the whole set.
pub const MAX_WINDOW: u32 = 1_000;

/// Error codes that get a trend line (the most frequent first).
pub const TREND_CODES: usize = 50;

/// What the page wants to see: the filter, the explorer's order and first window, and the
/// identity the identity view shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub filter: Filter,
    pub sort: Sort,
    pub offset: u32,
    pub limit: u32,
    /// The identity view's search (an id, UPN or name); `None` skips the identity report.
    pub identity: Option<String>,
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    Csv,
    Json,
}

/// A request to the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    Query(Box<Query>),
    /// Another window of the last query's sorted rows (the table scrolled).
    Rows {
        offset: u32,
        limit: u32,
    },
    /// One event's full detail (the drawer).
    Detail {
        event: u32,
    },
    /// The last query's events, in the explorer's order.
    Export {
        format: ExportFormat,
    },
    /// The findings of the whole data set with these thresholds.
    Findings(Box<FindingsConfig>),
    /// The lifecycle overview with these SLAs (the findings' lifecycle settings).
    Lifecycle(Box<LifecycleConfig>),
    /// One person's swimlane, by the person's index in the lifecycle analysis.
    Person {
        config: Box<LifecycleConfig>,
        person: u32,
    },
    /// The persons whose name, UPN, worker id or account id matches the text.
    FindPersons {
        config: Box<LifecycleConfig>,
        text: String,
    },
}

/// A window of sorted rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowWindow {
    pub offset: u32,
    /// Rows after filtering (the explorer's count).
    pub total: u32,
    pub rows: Vec<Row>,
}

/// The per-code event counts over the timeline's buckets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorTrend {
    pub code: String,
    pub counts: Vec<u64>,
}

/// One cycle placed on its job's time axis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleMark {
    pub cycle_id: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub events: u64,
    pub failures: u64,
    /// "2025-01-02T03:04:05Z · 12 events, 1 failed"
    pub label: String,
}

/// A job's cycles on one time axis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCycles {
    pub job_id: String,
    pub name: String,
    pub first_ms: i64,
    pub last_ms: i64,
    pub cycles: Vec<CycleMark>,
}

/// One point on an identity's timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelinePoint {
    pub event: u32,
    pub time_ms: i64,
    pub status: String,
    /// "2025-01-02T03:04:05Z · create · failure · EntryConflict"
    pub label: String,
}

/// One lane of the identity timeline: a job writing to one target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub label: String,
    pub points: Vec<TimelinePoint>,
}

/// The identity view's data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityView {
    pub report: IdentityReport,
    pub lanes: Vec<Lane>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub first: String,
    pub last: String,
}

/// Everything every view shows for one query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewData {
    /// Events in the data set, before filtering.
    pub all_events: u32,
    /// The overview of the filtered events.
    pub overview: OverviewReport,
    /// A label per timeline bucket (its start, ISO 8601).
    pub bucket_labels: Vec<String>,
    pub facets: VecMap<Facet, Vec<FacetValue>>,
    /// The first window of the explorer; `rows.total` is the explorer's count.
    pub rows: RowWindow,
    pub error_trends: Vec<ErrorTrend>,
    pub jobs: Vec<JobCycles>,
    pub identity: Option<IdentityView>,
}

/// A file to download.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    pub file_name: String,
    pub mime: String,
    /// CSV and JSON are text; a string crosses the worker boundary without copying per byte.
    pub text: String,
    pub events: u32,
}

/// The session's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    View(Box<ViewData>),
    Rows(RowWindow),
    /// `None` when the event does not exist (a stale request after a reload).
    Detail(Option<Box<EventDetail>>),
    Export(Box<Export>),
    Findings(Vec<FindingItem>),
    Lifecycle(Box<LifecycleOverview>),
    /// `swimlane` is `None` when there is no such person (a link from another data set).
    Person {
        person: u32,
        swimlane: Option<Box<Swimlane>>,
    },
    Persons(Box<PersonMatches>),
}

/// One finding as the findings view lists it: the finding and the key that filters every view
/// to its events (`kind-N`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingItem {
    pub key: String,
    pub finding: Finding,
}

/// Most facet values sent per facet (the selected ones are always sent).
pub const MAX_FACET_VALUES: usize = 100;

/// Answers kept for recent queries: going back, clearing a filter or switching it on and off
/// again costs a lookup instead of a pass over every event.
const CACHED_QUERIES: usize = 8;

/// A query's answer without its window of rows and its identity report.
#[derive(Debug)]
struct Cached {
    filter: Filter,
    sort: Sort,
    view: ViewData,
    sorted: Vec<u32>,
}

/// The loaded data set and the last query's result.
#[derive(Debug, Default)]
pub struct Session {
    data: DataSet,
    file_names: Vec<String>,
    /// The last query's matches in the explorer's order.
    sorted: Vec<u32>,
    /// Recent answers, the most recent last.
    cache: Vec<Cached>,
    /// The findings for the last thresholds asked for (computed over the whole data set).
    findings: Option<(FindingsConfig, Vec<FindingItem>)>,
    /// The lifecycle analysis for the last SLAs asked for, shared by the findings and the
    /// lifecycle view, and its overview once asked for.
    lifecycle: Option<Lifecycle>,
    /// All events by time, oldest first and newest first (ties by store order), made on the
    /// first query that needs them: the explorer's default order then costs one pass over the
    /// events instead of a sort of every match on every filter change.
    by_time: std::cell::OnceCell<TimeOrder>,
    /// The columns filters and panels read, built at the first query.
    columns: std::cell::OnceCell<Columns>,
}

/// A lifecycle analysis and the settings it was made with.
#[derive(Debug)]
struct Lifecycle {
    config: LifecycleConfig,
    report: LifecycleReport,
    overview: Option<LifecycleOverview>,
}

/// Every event index by time, both ways.
#[derive(Debug, Default)]
struct TimeOrder {
    oldest_first: Vec<u32>,
    newest_first: Vec<u32>,
}

impl TimeOrder {
    fn new(store: &Store) -> TimeOrder {
        let time = |i: u32| store.events.get(i as usize).and_then(|e| e.time_ms);
        let mut oldest_first: Vec<u32> = (0..store.events.len() as u32).collect();
        oldest_first.sort_unstable_by_key(|&i| (time(i), i));
        // Newest first keeps store order among equal times: the runs of equal times, reversed.
        let mut newest_first = Vec::with_capacity(oldest_first.len());
        let mut end = oldest_first.len();
        while end > 0 {
            let t = oldest_first.get(end - 1).and_then(|&i| time(i));
            let start = oldest_first[..end]
                .iter()
                .rposition(|&i| time(i) != t)
                .map_or(0, |p| p + 1);
            newest_first.extend_from_slice(&oldest_first[start..end]);
            end = start;
        }
        TimeOrder {
            oldest_first,
            newest_first,
        }
    }
}

impl Session {
    pub fn new(data: DataSet) -> Session {
        let file_names = data.files.iter().map(|f| f.name.clone()).collect();
        let sorted = (0..data.store.events.len() as u32).collect();
        Session {
            data,
            file_names,
            sorted,
            cache: Vec::new(),
            findings: None,
            by_time: std::cell::OnceCell::new(),
            columns: std::cell::OnceCell::new(),
            lifecycle: None,
        }
    }

    /// The lifecycle analysis with these settings, made once per data set and settings.
    fn lifecycle(&mut self, config: &LifecycleConfig) -> &mut Lifecycle {
        cached_lifecycle(&self.data.store, &mut self.lifecycle, config)
    }

    /// The lifecycle overview with these settings.
    pub fn lifecycle_overview(&mut self, config: &LifecycleConfig) -> LifecycleOverview {
        let store = &self.data.store;
        let l = cached_lifecycle(store, &mut self.lifecycle, config);
        l.overview
            .get_or_insert_with(|| lifecycle_view::overview(store, &l.report))
            .clone()
    }

    /// The findings with these thresholds, computed once per set of thresholds.
    pub fn findings(&mut self, config: &FindingsConfig) -> &[FindingItem] {
        let stale = self.findings.as_ref().is_none_or(|(c, _)| c != config);
        if stale {
            let store = &self.data.store;
            let l = cached_lifecycle(store, &mut self.lifecycle, &config.lifecycle);
            let found = findings_with_lifecycle(store, config, &l.report);
            let mut seen: VecMap<&'static str, usize> = VecMap::new();
            let items = found
                .into_iter()
                .map(|f| {
                    let n = seen.or_default(f.kind.as_str());
                    *n += 1;
                    FindingItem {
                        key: format!("{}-{}", f.kind.as_str(), n),
                        finding: f,
                    }
                })
                .collect();
            // A new set of findings changes what a `finding` filter means: drop cached answers.
            self.cache.clear();
            self.findings = Some((config.clone(), items));
        }
        self.findings
            .as_ref()
            .map_or(&[], |(_, items)| items.as_slice())
    }

    /// The events behind the finding `key`, if it is among the current findings.
    fn finding_events(&mut self, key: &str) -> Vec<u32> {
        let config = self
            .findings
            .as_ref()
            .map(|(c, _)| c.clone())
            .unwrap_or_default();
        self.findings(&config)
            .iter()
            .find(|i| i.key == key)
            .map(|i| i.finding.evidence.event_indices.clone())
            .unwrap_or_default()
    }

    pub fn data(&self) -> &DataSet {
        &self.data
    }

    /// Sets the SHA-256 of file `index` once it has been computed (see
    /// [`DataSet::file_awaiting_hash`]).
    pub fn set_file_hash(&mut self, index: usize, sha256: String) {
        if let Some(f) = self.data.files.get_mut(index) {
            f.sha256 = sha256;
        }
    }

    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Query(q) => Response::View(Box::new(self.query(&q))),
            Request::Rows { offset, limit } => Response::Rows(self.window(offset, limit)),
            Request::Detail { event } => Response::Detail(
                event_detail(&self.data.store, event, &self.file_names).map(Box::new),
            ),
            Request::Export { format } => Response::Export(Box::new(self.export(format))),
            Request::Findings(config) => Response::Findings(self.findings(&config).to_vec()),
            Request::Lifecycle(config) => {
                Response::Lifecycle(Box::new(self.lifecycle_overview(&config)))
            }
            Request::Person { config, person } => {
                let store = &self.data.store;
                let l = cached_lifecycle(store, &mut self.lifecycle, &config);
                let swimlane = lifecycle_view::swimlane(store, &l.report, person);
                Response::Person {
                    person,
                    swimlane: swimlane.map(Box::new),
                }
            }
            Request::FindPersons { config, text } => {
                let found = lifecycle_view::find(&self.lifecycle(&config).report, &text);
                Response::Persons(Box::new(found))
            }
        }
    }

    /// Runs a query: filters, aggregates the matches and keeps them sorted for later windows.
    pub fn query(&mut self, q: &Query) -> ViewData {
        let hit = self
            .cache
            .iter()
            .position(|c| c.filter == q.filter && c.sort == q.sort);
        let cached = match hit {
            Some(i) => self.cache.remove(i),
            None => {
                let within = q.filter.finding.as_deref().map(|k| self.finding_events(k));
                self.compute(&q.filter, q.sort, within.as_deref())
            }
        };
        self.sorted.clone_from(&cached.sorted);
        let mut view = cached.view.clone();
        self.cache.push(cached);
        if self.cache.len() > CACHED_QUERIES {
            self.cache.remove(0);
        }
        view.rows = self.window(q.offset, q.limit);
        view.identity = q
            .identity
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|id| identity_view(&self.data.store, id));
        view
    }

    fn compute(&self, filter: &Filter, sort: Sort, within: Option<&[u32]>) -> Cached {
        let store = &self.data.store;
        let cols = self.columns.get_or_init(|| Columns::new(store));
        let result = run_in(store, cols, filter, within);
        let mut report = overview_in(store, cols, Some(&result.matches));
        let bucket_labels = report
            .timeline
            .buckets
            .iter()
            .map(|b| format_iso(b.start_ms))
            .collect();
        let error_trends = error_trends(store, cols, &result.matches, &report);
        let jobs = job_cycles(&report);
        // The page draws cycles from `jobs`; sending them twice would double the message.
        for j in &mut report.jobs {
            j.cycle_list.clear();
        }
        let mut facets = result.facets;
        for (facet, values) in facets.iter_mut() {
            if values.len() > MAX_FACET_VALUES {
                let mut k = 0;
                values.retain(|v| {
                    k += 1;
                    k <= MAX_FACET_VALUES || is_selected(filter, *facet, &v.value)
                });
            }
        }
        let mut sorted = result.matches;
        if sort.column == Column::Date {
            let order = self.by_time.get_or_init(|| TimeOrder::new(store));
            let all = if sort.descending {
                &order.newest_first
            } else {
                &order.oldest_first
            };
            sorted = in_order_of(all, &sorted);
        } else {
            sort_indices(store, &mut sorted, sort);
        }
        Cached {
            filter: filter.clone(),
            sort,
            view: ViewData {
                all_events: store.events.len() as u32,
                overview: report,
                bucket_labels,
                facets,
                rows: RowWindow::default(),
                error_trends,
                jobs,
                identity: None,
            },
            sorted,
        }
    }

    /// Rows `offset..offset + limit` of the last query's order.
    pub fn window(&self, offset: u32, limit: u32) -> RowWindow {
        let total = self.sorted.len() as u32;
        let offset = offset.min(total);
        RowWindow {
            offset,
            total,
            rows: rows(
                &self.data.store,
                &self.sorted,
                offset as usize,
                limit.min(MAX_WINDOW) as usize,
            ),
        }
    }

    /// The last query's events as a file.
    pub fn export(&self, format: ExportFormat) -> Export {
        let mut out: Vec<u8> = Vec::new();
        let store = &self.data.store;
        // Writing to a Vec cannot fail; an error would leave a truncated file, still readable.
        let (file_name, mime) = match format {
            ExportFormat::Csv => {
                let _ = export_csv(store, &self.sorted, &mut out);
                ("provisioning-events.csv", "text/csv")
            }
            ExportFormat::Json => {
                let _ = export_json(store, &self.sorted, &mut out);
                ("provisioning-events.json", "application/json")
            }
        };
        Export {
            file_name: file_name.to_string(),
            mime: mime.to_string(),
            text: String::from_utf8_lossy(&out).into_owned(),
            events: self.sorted.len() as u32,
        }
    }
}

/// The cached lifecycle analysis, made again when the settings differ.
fn cached_lifecycle<'a>(
    store: &Store,
    slot: &'a mut Option<Lifecycle>,
    config: &LifecycleConfig,
) -> &'a mut Lifecycle {
    if slot.as_ref().is_some_and(|l| l.config != *config) {
        *slot = None;
    }
    slot.get_or_insert_with(|| Lifecycle {
        config: config.clone(),
        report: lifecycle::analyze(store, config),
        overview: None,
    })
}

/// The events of `matches` in the order `all` (a permutation of every event) gives them.
fn in_order_of(all: &[u32], matches: &[u32]) -> Vec<u32> {
    if matches.len() == all.len() {
        return all.to_vec();
    }
    let mut selected = vec![false; all.len()];
    for &i in matches {
        if let Some(slot) = selected.get_mut(i as usize) {
            *slot = true;
        }
    }
    all.iter()
        .copied()
        .filter(|&i| selected.get(i as usize).copied().unwrap_or(false))
        .collect()
}

/// Per error code (the most frequent [`TREND_CODES`]), its events in each timeline bucket.
fn error_trends(
    store: &Store,
    cols: &Columns,
    matches: &[u32],
    report: &OverviewReport,
) -> Vec<ErrorTrend> {
    let timeline = &report.timeline;
    let (Some(first), true) = (timeline.buckets.first(), timeline.bucket_ms > 0) else {
        return Vec::new();
    };
    let start = first.start_ms;
    let n = timeline.buckets.len();
    // The row of each charted code, by the columns' error id.
    let mut rows: Vec<Option<usize>> = vec![None; cols.errors.len()];
    for (k, err) in report.errors.iter().take(TREND_CODES).enumerate() {
        if let Some(sym) = store.strings.find(&err.code) {
            for (id, code) in cols.errors.iter().enumerate() {
                if *code == sym {
                    rows[id] = Some(k);
                }
            }
        }
    }
    let mut counts = vec![vec![0u64; n]; report.errors.len().min(TREND_CODES)];
    for &i in matches {
        let i = i as usize;
        let (Some(&error), Some(&t)) = (cols.error.get(i), cols.time.get(i)) else {
            continue;
        };
        let Some(Some(k)) = rows.get(error as usize) else {
            continue;
        };
        if t == crate::core::analyze::columns::NO_TIME {
            continue;
        }
        let b = ((t - start) / timeline.bucket_ms) as usize;
        if let Some(c) = counts.get_mut(*k).and_then(|row| row.get_mut(b)) {
            *c += 1;
        }
    }
    report
        .errors
        .iter()
        .take(TREND_CODES)
        .zip(counts)
        .map(|(err, counts)| ErrorTrend {
            code: err.code.clone(),
            counts,
        })
        .collect()
}

/// Each job's cycles on a time axis, for the dashboard's cycle timeline.
fn job_cycles(report: &OverviewReport) -> Vec<JobCycles> {
    report
        .jobs
        .iter()
        .map(|j| {
            let cycles: Vec<CycleMark> = j
                .cycle_list
                .iter()
                .filter_map(|c| {
                    let start_ms = c.start_ms?;
                    let failures: u64 = c
                        .counts
                        .0
                        .iter()
                        .filter(|(k, _)| k.ends_with("/failure"))
                        .map(|(_, n)| n)
                        .sum();
                    let when = c.start.clone().unwrap_or_default();
                    Some(CycleMark {
                        cycle_id: c.cycle_id.clone(),
                        start_ms,
                        end_ms: start_ms + c.duration_ms.unwrap_or(0),
                        events: c.events,
                        failures,
                        label: format!("{when} · {} events, {failures} failed", c.events),
                    })
                })
                .collect();
            JobCycles {
                job_id: j.job_id.clone(),
                name: j.name.clone(),
                first_ms: cycles.iter().map(|c| c.start_ms).min().unwrap_or(0),
                last_ms: cycles.iter().map(|c| c.end_ms).max().unwrap_or(0),
                cycles,
            }
        })
        .collect()
}

/// The identity report plus its timeline lanes (one per job and target system).
fn identity_view(store: &Store, query: &str) -> IdentityView {
    let report = identity_report(store, query);
    let mut lanes: VecMap<String, Vec<TimelinePoint>> = VecMap::new();
    for i in identity_events(store, query) {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        let Some(t) = e.time_ms else {
            continue;
        };
        let target = system_name(store.str(e.target_system.name));
        // The target first: job ids are long and the label may be cut.
        let lane = format!("{target} · {}", store.str(job_key(e)));
        let code = store.str(e.error_code);
        let mut label = format!(
            "{} · {} · {} · {}",
            format_iso(t),
            identity_label(store, e),
            e.action.as_str(),
            e.status.as_str()
        );
        if !code.is_empty() {
            label.push_str(" · ");
            label.push_str(code);
        }
        lanes.or_default(lane).push(TimelinePoint {
            event: i,
            time_ms: t,
            status: e.status.as_str().to_string(),
            label,
        });
    }
    let times = lanes.values().flatten().map(|p| p.time_ms);
    let first_ms = times.clone().min().unwrap_or(0);
    let last_ms = times.max().unwrap_or(0);
    IdentityView {
        report,
        lanes: lanes
            .into_iter()
            .map(|(label, points)| Lane { label, points })
            .collect(),
        first_ms,
        last_ms,
        first: format_iso(first_ms),
        last: format_iso(last_ms),
    }
}

/// Whether an event status counts as failed, for colouring.
pub fn is_failure(status: &str) -> bool {
    status == Status::Failure.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ingest::read_all;

    fn session() -> Session {
        let files = crate::core::gen::demo_files();
        let data = read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        Session::new(data)
    }

    fn view(s: &mut Session, filter: Filter) -> ViewData {
        match s.handle(Request::Query(Box::new(Query {
            filter,
            limit: 50,
            ..Query::default()
        }))) {
            Response::View(v) => *v,
            other => panic!("expected a view, got {other:?}"),
        }
    }

    #[test]
    fn a_query_counts_windows_and_aggregates_the_filtered_events() {
        let mut s = session();
        let all = view(&mut s, Filter::default());
        assert!(all.all_events > 1000);
        assert_eq!(all.rows.total, all.all_events);
        assert_eq!(all.rows.rows.len(), 50);
        assert_eq!(all.overview.totals.events, u64::from(all.all_events));

        let failed = view(
            &mut s,
            Filter {
                statuses: vec![Status::Failure],
                ..Filter::default()
            },
        );
        assert_eq!(
            u64::from(failed.rows.total),
            all.overview.totals.by_status.failure
        );
        assert_eq!(failed.overview.totals.by_status.success, 0);
        assert!(failed.rows.rows.iter().all(|r| r.status == "Failure"));
        // Faceted: the status facet still counts every status.
        let statuses = failed
            .facets
            .get(&Facet::Status)
            .cloned()
            .unwrap_or_default();
        assert!(statuses.iter().any(|v| v.value == "success" && v.count > 0));
    }

    #[test]
    fn rows_come_from_the_last_query_in_its_order() {
        let mut s = session();
        let v = view(&mut s, Filter::default());
        let Response::Rows(w) = s.handle(Request::Rows {
            offset: 10,
            limit: 5,
        }) else {
            panic!("expected rows");
        };
        assert_eq!(w.offset, 10);
        assert_eq!(w.rows, v.rows.rows[10..15].to_vec());
        let times: Vec<&String> = v.rows.rows.iter().map(|r| &r.time).collect();
        let mut sorted = times.clone();
        crate::core::sort::sort(&mut sorted);
        assert_eq!(times, sorted, "date ascending by default");
        // A window past the end is empty, never a panic.
        assert!(s.window(u32::MAX, 10).rows.is_empty());
        assert_eq!(s.window(0, 1_000_000).rows.len(), MAX_WINDOW as usize);
    }

    #[test]
    fn a_repeated_query_is_answered_the_same_from_the_cache() {
        let mut s = session();
        let failed = Filter {
            statuses: vec![Status::Failure],
            ..Filter::default()
        };
        let first = view(&mut s, failed.clone());
        let all = view(&mut s, Filter::default());
        let again = view(&mut s, failed);
        assert_eq!(first, again);
        assert_ne!(first.rows.total, all.rows.total);
        assert_eq!(s.sorted.len(), again.rows.total as usize);
        // Facets with many values (cycles) are capped.
        assert!(all.facets.values().all(|v| v.len() <= MAX_FACET_VALUES));
    }

    #[test]
    fn the_time_orders_match_a_sort_by_time_then_store_order() {
        let s = session();
        let mut store = s.data.store.clone();
        // Whole hours: many equal times, so the order among ties is tested too.
        for e in &mut store.events {
            e.time_ms = e.time_ms.map(|t| t - t.rem_euclid(3_600_000));
        }
        if let Some(e) = store.events.get_mut(3) {
            e.time_ms = None;
        }
        let order = TimeOrder::new(&store);
        let time = |i: u32| store.events[i as usize].time_ms;
        let mut oldest: Vec<u32> = (0..store.events.len() as u32).collect();
        let mut newest = oldest.clone();
        oldest.sort_by_key(|&i| (time(i), i));
        newest.sort_by_key(|&i| (std::cmp::Reverse(time(i)), i));
        assert_eq!(order.oldest_first, oldest);
        assert_eq!(order.newest_first, newest);
        // A subset comes out in the same order as sorting it.
        let subset: Vec<u32> = (0..store.events.len() as u32).rev().step_by(3).collect();
        let mut expected = subset.clone();
        expected.sort_by_key(|&i| (std::cmp::Reverse(time(i)), i));
        assert_eq!(in_order_of(&order.newest_first, &subset), expected);
    }

    #[test]
    fn error_trends_add_up_to_each_codes_count() {
        let mut s = session();
        let v = view(&mut s, Filter::default());
        assert!(!v.error_trends.is_empty());
        for (trend, err) in v.error_trends.iter().zip(&v.overview.errors) {
            assert_eq!(trend.code, err.code);
            assert_eq!(trend.counts.len(), v.overview.timeline.buckets.len());
            assert_eq!(trend.counts.iter().sum::<u64>(), err.count, "{}", err.code);
        }
        assert_eq!(v.bucket_labels.len(), v.overview.timeline.buckets.len());
    }

    #[test]
    fn jobs_carry_their_cycles_on_a_time_axis() {
        let mut s = session();
        let v = view(&mut s, Filter::default());
        assert_eq!(v.jobs.len(), v.overview.jobs.len());
        assert!(v.overview.jobs.iter().all(|j| j.cycle_list.is_empty()));
        for j in &v.jobs {
            assert!(!j.cycles.is_empty());
            assert!(j
                .cycles
                .iter()
                .all(|c| c.start_ms >= j.first_ms && c.end_ms <= j.last_ms));
        }
    }

    #[test]
    fn detail_export_and_identity_answer_from_the_session() {
        let mut s = session();
        let failed = Filter {
            statuses: vec![Status::Failure],
            ..Filter::default()
        };
        let v = view(&mut s, failed.clone());
        let first = &v.rows.rows[0];
        let Response::Detail(Some(d)) = s.handle(Request::Detail { event: first.event }) else {
            panic!("expected a detail");
        };
        assert_eq!(d.row, *first);
        assert_eq!(
            s.handle(Request::Detail { event: u32::MAX }),
            Response::Detail(None)
        );

        let Response::Export(csv) = s.handle(Request::Export {
            format: ExportFormat::Csv,
        }) else {
            panic!("expected an export");
        };
        assert_eq!(csv.events, v.rows.total);
        assert_eq!(csv.text.lines().count(), v.rows.total as usize + 1);
        assert!(csv.text.starts_with("Date (UTC),Identity"));
        let Response::Export(json) = s.handle(Request::Export {
            format: ExportFormat::Json,
        }) else {
            panic!("expected an export");
        };
        let parsed: Result<Vec<serde_json::Value>, _> = serde_json::from_str(&json.text);
        assert_eq!(parsed.map(|p| p.len()).ok(), Some(v.rows.total as usize));

        let who = first.identity.clone();
        let mut q = Query {
            filter: failed,
            identity: Some(who.clone()),
            limit: 1,
            ..Query::default()
        };
        let Response::View(v) = s.handle(Request::Query(Box::new(q.clone()))) else {
            panic!("expected a view");
        };
        let Some(id) = v.identity else {
            panic!("expected an identity view");
        };
        assert!(!id.lanes.is_empty());
        let points: usize = id.lanes.iter().map(|l| l.points.len()).sum();
        assert!(points > 0 && points <= id.report.events.len());
        assert!(id.first_ms <= id.last_ms);
        q.identity = Some("  ".into());
        let Response::View(v) = s.handle(Request::Query(Box::new(q))) else {
            panic!("expected a view");
        };
        assert!(v.identity.is_none());
    }
}
