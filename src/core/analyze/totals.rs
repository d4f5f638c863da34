//! Totals by status and action, and the time range covered.

use serde::{Deserialize, Serialize};

use crate::core::model::{Action, Event, Status};
use crate::core::time::format_iso;

/// Counts by status and action, plus the time range. Merging is associative.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub events: u64,
    pub by_status: [u64; 5],
    pub by_action: [u64; 7],
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
}

impl Totals {
    pub fn add(&mut self, e: &Event) {
        self.events += 1;
        self.by_status[e.status.index()] += 1;
        self.by_action[e.action.index()] += 1;
        if let Some(t) = e.time_ms {
            self.first_ms = Some(self.first_ms.map_or(t, |f| f.min(t)));
            self.last_ms = Some(self.last_ms.map_or(t, |l| l.max(t)));
        }
    }

    pub fn merge(&mut self, other: &Totals) {
        self.events += other.events;
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
        for (a, b) in self.by_action.iter_mut().zip(other.by_action) {
            *a += b;
        }
        self.first_ms = [self.first_ms, other.first_ms].into_iter().flatten().min();
        self.last_ms = [self.last_ms, other.last_ms].into_iter().flatten().max();
    }

    pub fn status(&self, s: Status) -> u64 {
        self.by_status[s.index()]
    }

    pub fn action(&self, a: Action) -> u64 {
        self.by_action[a.index()]
    }

    /// Share of successes among events with a known outcome other than skipped, in percent.
    pub fn success_rate(&self) -> Option<f64> {
        let decided = self.status(Status::Success)
            + self.status(Status::Failure)
            + self.status(Status::Warning);
        (decided > 0).then(|| 100.0 * self.status(Status::Success) as f64 / decided as f64)
    }

    pub fn finish(&self) -> TotalsReport {
        TotalsReport {
            events: self.events,
            by_status: StatusCounts {
                success: self.status(Status::Success),
                failure: self.status(Status::Failure),
                skipped: self.status(Status::Skipped),
                warning: self.status(Status::Warning),
                unknown: self.status(Status::Unknown),
            },
            by_action: ActionCounts {
                create: self.action(Action::Create),
                update: self.action(Action::Update),
                delete: self.action(Action::Delete),
                disable: self.action(Action::Disable),
                staged_delete: self.action(Action::StagedDelete),
                other: self.action(Action::Other),
                unknown: self.action(Action::Unknown),
            },
            time_range: TimeRange {
                first: self.first_ms.map(format_iso),
                last: self.last_ms.map(format_iso),
            },
        }
    }
}

/// Counts of events by status, named as the CLI contract names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub success: u64,
    pub failure: u64,
    pub skipped: u64,
    pub warning: u64,
    pub unknown: u64,
}

/// Counts of events by action, named as the CLI contract names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCounts {
    pub create: u64,
    pub update: u64,
    pub delete: u64,
    pub disable: u64,
    #[serde(rename = "stagedDelete")]
    pub staged_delete: u64,
    pub other: u64,
    pub unknown: u64,
}

/// First and last event time, ISO 8601 UTC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub first: Option<String>,
    pub last: Option<String>,
}

/// The finished totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsReport {
    pub events: u64,
    pub by_status: StatusCounts,
    pub by_action: ActionCounts,
    pub time_range: TimeRange,
}

/// Totals over a slice of events.
pub fn totals<'a>(events: impl IntoIterator<Item = &'a Event>) -> Totals {
    let mut t = Totals::default();
    for e in events {
        t.add(e);
    }
    t
}
