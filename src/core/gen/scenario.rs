//! The simulation behind [`super::generate`]: a tenant, its people and jobs, and 40-minute
//! cycles that turn joiners, movers and leavers (and routine noise) into events.
//!
//! Identities chain across jobs: the Workday job creates the AD object whose id is the source id
//! of cloud sync, whose Entra object id is the source id of every app job. A success in one job
//! queues the same change for the next job downstream, which picks it up in its next cycle.

use std::collections::HashSet;

use super::rng::Rng;
use super::{
    Anomaly, GenConfig, GenError, GenEvent, GenIdentity, GenModified, GenStep, GenSystem,
    Generated, JobKind, JobTruth, Planted, PlantedChain, PlantedHop, Truth, CYCLE_MS,
};
use crate::core::model::{Action, Status, StepType};
use crate::core::vecmap::VecMap;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Where the random outcome of an error shows: the export call, or rule processing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FailAt {
    Export,
    Processing,
}

/// An error code from the spec's table, with a plausible reason.
struct ErrSpec {
    code: &'static str,
    reason: &'static str,
    category: &'static str,
    recommended: &'static str,
    at: FailAt,
}

const fn err(
    code: &'static str,
    reason: &'static str,
    category: &'static str,
    recommended: &'static str,
) -> ErrSpec {
    ErrSpec {
        code,
        reason,
        category,
        recommended,
        at: FailAt::Export,
    }
}

const INSUFF_RIGHTS: ErrSpec = err(
    "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
    "Failed to update {kind} '{x}' in Active Directory. LdapErr: INSUFF_ACCESS_RIGHTS (problem 4003): the provisioning agent's gMSA does not have permission to modify the object. The object may be protected by AdminSDHolder or its OU has inheritance disabled.",
    "nonServiceFailure",
    "Enable inheritance on the OU, or grant the gMSA rights on the object.",
);
const AD_COMPANY_LENGTH: ErrSpec = err(
    "SystemForCrossDomainIdentityManagementBadResponse",
    "Processing of the HTTP request resulted in an exception. The server response: ConstraintViolation-AtrErr: DSID-03200BBA, #1: 0: 00002082: DSID-03200BBA, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90092 (company). The value exceeds 64 characters.",
    "nonServiceFailure",
    "Truncate the value with Mid() in the attribute mapping.",
);
const UPN_NOT_UNIQUE: ErrSpec = err(
    "HybridSynchronizationActiveDirectoryUserPrincipalNameNotUnique",
    "Failed to create {kind} '{x}' in Active Directory. ConstraintViolation CONSTRAINT_ATT_TYPE - userPrincipalName: the value is already used by another object in the forest.",
    "nonServiceFailure",
    "Make the userPrincipalName expression unique, e.g. with SelectUniqueValue().",
);
const ENDPOINT_UNAVAILABLE: ErrSpec = ErrSpec {
    code: "EndpointUnavailable",
    reason: "The provisioning agent failed to read {kind} '{x}' from Active Directory: the endpoint is unavailable.",
    category: "failure",
    recommended: "Check the provisioning agent's event log (event ID 2).",
    at: FailAt::Processing,
};
const INVALID_UPN: ErrSpec = err(
    "AzureActiveDirectoryInvalidUserPrincipalName",
    "Failed to create or update {kind} '{x}' in Microsoft Entra ID: the userPrincipalName contains characters that are not allowed.",
    "nonServiceFailure",
    "Build the userPrincipalName with a valid expression such as DefaultDomain().",
);
const SERVER_BUSY: ErrSpec = err(
    "AzureDirectoryServiceServerBusy",
    "Microsoft Entra ID is busy (error 81). The operation on {kind} '{x}' will be retried automatically.",
    "failure",
    "None: the operation is retried. Contact support if it persists for 24 hours.",
);
const TIME_OUT: ErrSpec = err(
    "TimeOut",
    "The request to the Hybrid Identity Service for {kind} '{x}' timed out after 10 minutes.",
    "failure",
    "Troubleshoot the provisioning agent.",
);
const NO_ACTIVE_AGENTS: ErrSpec = err(
    "HybridIdentityServiceNoActiveAgents",
    "No provisioning agent is listening for the domain: the agent service is stopped or cannot reach Service Bus.",
    "nonServiceFailure",
    "Start the agent service and open the firewall to Service Bus.",
);
const EXPIRED_CREDENTIALS: ErrSpec = err(
    "AzureActiveDirectoryExpiredCredentials",
    "The credentials of the ADToAADSyncServiceAccount have expired. AADSTS50055: The password is expired. The remote server returned an error: (401) Unauthorized.",
    "nonServiceFailure",
    "Run Repair-AADCloudSyncToolsAccount to repair the service account.",
);
const UNAUTHORIZED: ErrSpec = err(
    "Unauthorized",
    "{target} returned an error response with the HTTP status code 401 (Unauthorized) for {kind} '{x}'. The secret token may have expired.",
    "nonServiceFailure",
    "Update the admin credentials in the provisioning configuration and test the connection.",
);
const TOO_MANY_REQUESTS: ErrSpec = err(
    "TooManyRequests",
    "{target} returned an error response with the HTTP status code 429 (Too Many Requests) for {kind} '{x}'.",
    "failure",
    "None: the request is retried automatically.",
);
const INTERNAL_SERVER_ERROR: ErrSpec = err(
    "InternalServerError",
    "{target} returned an error response with the HTTP status code 500 for {kind} '{x}'.",
    "failure",
    "None: the request is retried in 40 minutes.",
);
const DROPBOX_CONFLICT: ErrSpec = err(
    "DropboxEntryConflict",
    "Message: Dropbox returned an error response with the HTTP status code 409. This response indicates that a user or a group already exists with the same name. Target: {kind} '{x}'.",
    "nonServiceFailure",
    "Fix the conflicting values in the source, or change the matching attribute.",
);
const SALESFORCE_CONFLICT: ErrSpec = err(
    "SalesforceEntryConflict",
    "Message: Salesforce returned an error response with the HTTP status code 409: DUPLICATE_USERNAME for {kind} '{x}'.",
    "nonServiceFailure",
    "Make the Username unique across Salesforce orgs.",
);
const LICENSE_LIMIT: ErrSpec = err(
    "LicenseLimitExceeded",
    "Salesforce rejected {kind} '{x}': LICENSE_LIMIT_EXCEEDED, no licenses of the requested profile are available.",
    "nonServiceFailure",
    "Buy licenses or remove assignments of unused users.",
);
const SCIM_BAD_RESPONSE: ErrSpec = err(
    "SystemForCrossDomainIdentityManagementBadResponse",
    "Processing of the HTTP request resulted in an exception. {target} returned HTTP 500 for {kind} '{x}' with a body that is not a SCIM error.",
    "nonServiceFailure",
    "Ask the application's vendor to fix the SCIM endpoint.",
);
const SCIM_MULTIPLE: ErrSpec = err(
    "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
    "The GET request for {kind} '{x}' returned more than one resource; the filter on userName matched several users in {target}.",
    "nonServiceFailure",
    "Fix the SCIM filter implementation so that userName is unique.",
);
const SCIM_TIMEOUT: ErrSpec = err(
    "Timeout",
    "{target} did not answer the request for {kind} '{x}' in time.",
    "failure",
    "None: the request is retried in 40 minutes.",
);
const INSUFFICIENT_RIGHTS: ErrSpec = err(
    "InsufficientRights",
    "{target} refused to change {kind} '{x}': the provisioning account is authorized but not permitted to perform the operation.",
    "nonServiceFailure",
    "Check the permissions of the provisioning account in the application.",
);

/// Routine (transient or data) errors of a job; the first is the job's failure-spike code.
fn noise_errors(kind: JobKind) -> &'static [&'static ErrSpec] {
    match kind {
        JobKind::Workday => &[
            &INSUFF_RIGHTS,
            &AD_COMPANY_LENGTH,
            &ENDPOINT_UNAVAILABLE,
            &UPN_NOT_UNIQUE,
        ],
        JobKind::ApiInbound => &[&INVALID_UPN, &SERVER_BUSY],
        JobKind::CloudSync => &[&SERVER_BUSY, &TIME_OUT, &NO_ACTIVE_AGENTS],
        JobKind::Dropbox => &[
            &TOO_MANY_REQUESTS,
            &DROPBOX_CONFLICT,
            &INTERNAL_SERVER_ERROR,
        ],
        JobKind::Salesforce => &[&LICENSE_LIMIT, &SALESFORCE_CONFLICT, &TOO_MANY_REQUESTS],
        JobKind::Scim => &[&SCIM_BAD_RESPONSE, &SCIM_TIMEOUT, &SCIM_MULTIPLE],
    }
}

fn credential_error(kind: JobKind) -> &'static ErrSpec {
    match kind {
        JobKind::CloudSync | JobKind::ApiInbound => &EXPIRED_CREDENTIALS,
        _ => &UNAUTHORIZED,
    }
}

fn persistent_error(kind: JobKind) -> &'static ErrSpec {
    match kind {
        JobKind::Workday => &AD_COMPANY_LENGTH,
        JobKind::ApiInbound => &INVALID_UPN,
        JobKind::CloudSync => &NO_ACTIVE_AGENTS,
        JobKind::Dropbox => &DROPBOX_CONFLICT,
        JobKind::Salesforce => &SALESFORCE_CONFLICT,
        JobKind::Scim => &SCIM_MULTIPLE,
    }
}

fn onboarding_error(kind: JobKind) -> &'static ErrSpec {
    match kind {
        JobKind::Workday => &UPN_NOT_UNIQUE,
        JobKind::ApiInbound | JobKind::CloudSync => &INVALID_UPN,
        JobKind::Dropbox => &DROPBOX_CONFLICT,
        JobKind::Salesforce => &LICENSE_LIMIT,
        JobKind::Scim => &SCIM_MULTIPLE,
    }
}

fn deprovisioning_error(kind: JobKind) -> &'static ErrSpec {
    match kind {
        JobKind::Workday => &INSUFF_RIGHTS,
        _ => &INSUFFICIENT_RIGHTS,
    }
}

const GIVEN: [&str; 64] = [
    "Adele", "Alex", "Amara", "Ana", "Andre", "Anika", "Ben", "Bianca", "Carlos", "Chen", "Chloe",
    "Daniel", "Diego", "Elena", "Ellie", "Emeka", "Emma", "Farah", "Felix", "Grace", "Hana",
    "Hugo", "Ines", "Isaac", "Ivy", "Jakob", "James", "Joel", "Jonas", "Kai", "Kenji", "Lara",
    "Leila", "Liam", "Lucia", "Maya", "Mei", "Mateo", "Mia", "Nadia", "Nikhil", "Noah", "Olga",
    "Omar", "Pablo", "Priya", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Stefan", "Tariq", "Tess",
    "Tomas", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zara", "Zoe", "Aiko", "Bruno",
];
const FAMILY: [&str; 64] = [
    "Adams", "Ahmed", "Alvarez", "Andersen", "Baker", "Bauer", "Becker", "Brown", "Castro", "Chen",
    "Cohen", "Costa", "Das", "Dubois", "Eriksen", "Evans", "Fischer", "Garcia", "Gomez", "Gupta",
    "Hansen", "Hoffmann", "Ibrahim", "Ito", "Jensen", "Kaur", "Kim", "Kowalski", "Larsen", "Lee",
    "Lopez", "Martin", "Meyer", "Miller", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak",
    "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Quinn", "Rossi", "Sato", "Schmidt", "Silva",
    "Singh", "Smith", "Suzuki", "Tanaka", "Torres", "Varga", "Wagner", "Walker", "Wang", "Weber",
    "Wilson", "Wong", "Yamamoto", "Young", "Zhang",
];
const DEPARTMENTS: [&str; 10] = [
    "Finance",
    "Sales",
    "Marketing",
    "Engineering",
    "Human Resources",
    "Legal",
    "Operations",
    "Customer Success",
    "IT",
    "Procurement",
];
const TITLES: [&str; 12] = [
    "Analyst",
    "Senior Analyst",
    "Engineer",
    "Senior Engineer",
    "Manager",
    "Director",
    "Account Executive",
    "Specialist",
    "Coordinator",
    "Consultant",
    "Team Lead",
    "Associate",
];
const OFFICES: [&str; 6] = [
    "Seattle",
    "London",
    "Berlin",
    "Toronto",
    "Sydney",
    "Singapore",
];
const GROUPS: [&str; 12] = [
    "All Employees",
    "Sales EMEA",
    "Sales Americas",
    "Engineering",
    "Finance Team",
    "Contractors",
    "Marketing",
    "Legal",
    "IT Admins",
    "Customer Success",
    "Operations",
    "Managers",
];

const SCIM_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const SCIM_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTRA: &str = "Microsoft Entra ID";
const ENTRA_OLD: &str = "Azure Active Directory";
const AD: &str = "Active Directory";

/// Attributes that change for movers and in routine updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attr {
    Department,
    Title,
    Manager,
    Office,
    Phone,
}

/// A change to one attribute; manager values are person indices as text.
#[derive(Clone, Debug)]
struct Change {
    attr: Attr,
    old: String,
    new: String,
}

#[derive(Clone, Debug)]
enum Op {
    Create,
    Update(Vec<Change>),
    Disable,
    Delete,
}

/// A change waiting for a job's next cycle.
#[derive(Clone, Debug)]
struct Pending {
    person: usize,
    op: Op,
    ready_ms: i64,
    retry: bool,
}

/// What one event does.
enum Kind {
    Op(Op),
    SkipScope,
    SkipValidation,
    StagedDelete,
    GroupUpdate(usize, Vec<usize>),
}

/// Object state in one job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Absent,
    Active,
    Disabled,
    Deleted,
}

struct Person {
    given: &'static str,
    family: &'static str,
    upn: String,
    employee_id: String,
    wid: String,
    ext_id: String,
    ad_id: String,
    entra_id: String,
    app_ids: [String; 3],
    from_api: bool,
    apps: [bool; 3],
    department: String,
    title: String,
    office: String,
    phone: String,
    manager: usize,
    state: [State; 6],
    /// Planted anomalies own this person; routine changes leave it alone.
    reserved: bool,
}

impl Person {
    fn display(&self) -> String {
        format!("{} {}", self.given, self.family)
    }

    fn set(&mut self, attr: Attr, v: &str) {
        match attr {
            Attr::Department => self.department = v.to_string(),
            Attr::Title => self.title = v.to_string(),
            Attr::Manager => self.manager = v.parse().unwrap_or(self.manager),
            Attr::Office => self.office = v.to_string(),
            Attr::Phone => self.phone = v.to_string(),
        }
    }
}

struct Group {
    name: &'static str,
    ad_id: String,
    entra_id: String,
    app_ids: [String; 3],
}

struct Job {
    kind: JobKind,
    job_id: String,
    sp: GenSystem,
    source: GenSystem,
    target: GenSystem,
    cycles: Vec<i64>,
}

fn job_index(kind: JobKind) -> usize {
    kind as usize
}

fn app_index(kind: JobKind) -> Option<usize> {
    match kind {
        JobKind::Dropbox => Some(0),
        JobKind::Salesforce => Some(1),
        JobKind::Scim => Some(2),
        _ => None,
    }
}

/// A planted task for one cycle of one job.
#[derive(Clone, Debug)]
enum Task {
    Spike(usize, u32),
    Credentials(usize),
    Mass(usize, u32),
    Onboarding(usize, Vec<usize>),
    Deprovisioning(usize, Vec<usize>),
    Persistent(usize, Vec<usize>, bool),
    Flap(usize, usize, String, String),
    Staged(usize, u32),
}

impl Task {
    fn planted_index(&self) -> usize {
        match self {
            Task::Spike(i, _)
            | Task::Credentials(i)
            | Task::Mass(i, _)
            | Task::Onboarding(i, _)
            | Task::Deprovisioning(i, _)
            | Task::Persistent(i, _, _)
            | Task::Flap(i, _, _, _)
            | Task::Staged(i, _) => *i,
        }
    }

    fn planned_events(&self) -> u32 {
        match self {
            Task::Spike(_, n) | Task::Mass(_, n) | Task::Staged(_, n) => *n,
            Task::Credentials(_) => 3,
            Task::Onboarding(_, p) | Task::Deprovisioning(_, p) | Task::Persistent(_, p, _) => {
                p.len() as u32
            }
            Task::Flap(..) => 1,
        }
    }

    /// The cycle holds only planted events (pending changes wait for the next cycle).
    fn exclusive(&self) -> bool {
        matches!(
            self,
            Task::Mass(..) | Task::Staged(..) | Task::Credentials(_)
        )
    }
}

struct Sim {
    rng: Rng,
    tenant: String,
    jobs: Vec<Option<Job>>,
    people: Vec<Person>,
    groups: Vec<Group>,
    queues: Vec<Vec<Pending>>,
    planted: Vec<Planted>,
    /// Planted lifecycle chains: a create for (person, job) is not ready before this time.
    holds: VecMap<(usize, usize), i64>,
    /// Planted lifecycle chains: this op never flows to (person, job).
    drops: HashSet<(usize, usize, OpKind)>,
    chain_plants: Vec<ChainPlant>,
}

/// The kind of an [`Op`], for the planted drops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OpKind {
    Create,
    Update,
    Disable,
    Delete,
}

fn op_kind(op: &Op) -> OpKind {
    match op {
        Op::Create => OpKind::Create,
        Op::Update(_) => OpKind::Update,
        Op::Disable => OpKind::Disable,
        Op::Delete => OpKind::Delete,
    }
}

/// A planted person whose chain is recorded in the manifest once the events exist.
struct ChainPlant {
    planted: usize,
    person: usize,
    movement: &'static str,
    /// For movers: the department's new value.
    value: Option<String>,
}

/// Runs the simulation.
pub fn run(config: &GenConfig) -> Generated {
    let mut rng = Rng::new(config.seed);
    let days = i64::from(config.days.max(1));
    let start = config.start_ms;
    let end = start + days * DAY_MS;
    let target = i64::from(config.events);
    let tenant = rng.guid();
    let mut setup = rng.fork(1);
    let jobs = build_jobs(&mut setup, &tenant, &config.jobs, start, end);

    // Size the population so planted anomalies have enough people to act on.
    let mut needed = 150i64;
    for a in &config.anomalies {
        if let Anomaly::MassDeprovisioning { disables: n, .. }
        | Anomaly::StagedDeletes { count: n, .. } = a
        {
            needed = needed.max(i64::from(*n) * 2 + 100);
        }
    }
    let initial = (target / 6).clamp(needed, 60_000) as usize;
    let origins = (target / 22).max(4) as usize;
    let mut people_rng = rng.fork(2);
    let mut sim = Sim {
        rng: rng.fork(3),
        tenant: tenant.clone(),
        jobs,
        people: Vec::new(),
        groups: Vec::new(),
        queues: vec![Vec::new(); 6],
        planted: Vec::new(),
        holds: VecMap::new(),
        drops: HashSet::new(),
        chain_plants: Vec::new(),
    };
    sim.make_people(&mut people_rng, initial + origins / 2 + 16, initial);
    sim.make_groups(&mut people_rng);

    let mut plan_rng = rng.fork(4);
    let tasks = sim.plan_anomalies(&config.anomalies, start, end, initial, &mut plan_rng);
    let planned: i64 = tasks
        .values()
        .flat_map(|t| t.iter().map(|t| i64::from(t.planned_events())))
        .sum();
    let mut life_rng = rng.fork(5);
    sim.plan_lifecycle(&mut life_rng, origins, initial, start, end);

    // Every cycle of every job, in time order, with its share of the routine budget.
    let mut cycles: Vec<(i64, usize, usize)> = Vec::new();
    for (j, job) in sim.jobs.iter().enumerate() {
        if let Some(job) = job {
            for (k, &t) in job.cycles.iter().enumerate() {
                cycles.push((t, j, k));
            }
        }
    }
    crate::core::sort::sort(&mut cycles);
    let weights: Vec<f64> = cycles
        .iter()
        .map(|&(t, j, _)| job_weight(j) * time_weight(t))
        .collect();
    let total_weight: f64 = weights.iter().sum::<f64>().max(1e-9);
    let budget = (target - planned).max(0) as f64;
    let min_per_cycle = if budget >= 2.0 * cycles.len() as f64 {
        1
    } else {
        0
    };

    let mut events: Vec<GenEvent> = Vec::with_capacity(config.events as usize + 1024);
    let mut cum_weight = 0.0;
    let mut routine_emitted = 0i64;
    for (i, &(t0, j, k)) in cycles.iter().enumerate() {
        cum_weight += weights.get(i).copied().unwrap_or(0.0);
        let due_budget = budget * cum_weight / total_weight;
        let cycle_budget = budget * weights.get(i).copied().unwrap_or(0.0) / total_weight;
        let cycle_tasks = tasks.get(&(j, k)).cloned().unwrap_or_default();
        let before = events.len();
        let routine = sim.run_cycle(
            j,
            t0,
            &cycle_tasks,
            due_budget - routine_emitted as f64,
            cycle_budget,
            min_per_cycle,
            &mut events,
        );
        routine_emitted += routine as i64;
        // Keep the cycle's events in time order.
        if let Some(slice) = events.get_mut(before..) {
            crate::core::sort::sort_by_key(slice, |e| e.time_ms);
        }
    }
    crate::core::sort::sort_by_key(&mut events, |e| e.time_ms);
    sim.fill_chains(&events);
    for p in &mut sim.planted {
        crate::core::sort::sort_by_key(&mut p.event_ids, |id| id.clone());
    }
    sim.order_planted(&events);

    let truth = Truth {
        seed: config.seed,
        tenant_id: tenant,
        start_ms: start,
        end_ms: end,
        events: events.len() as u32,
        jobs: sim
            .jobs
            .iter()
            .flatten()
            .map(|j| JobTruth {
                kind: j.kind,
                job_id: j.job_id.clone(),
                name: j.sp.name.clone(),
                cycles: j.cycles.len() as u32,
            })
            .collect(),
        planted: sim.planted,
    };
    Generated { events, truth }
}

fn job_weight(j: usize) -> f64 {
    [1.0, 0.4, 1.3, 1.0, 0.8, 0.6]
        .get(j)
        .copied()
        .unwrap_or(1.0)
}

/// More activity on weekday business hours (UTC), less at night and on weekends.
fn time_weight(t: i64) -> f64 {
    let hour = t.rem_euclid(DAY_MS) / HOUR_MS;
    // 1970-01-01 was a Thursday: day 0 → Thursday.
    let weekday = (t.div_euclid(DAY_MS) + 3).rem_euclid(7); // 0 = Monday
    let h = if (8..18).contains(&hour) { 3.0 } else { 1.0 };
    if weekday >= 5 {
        h * 0.4
    } else {
        h
    }
}

fn build_jobs(
    rng: &mut Rng,
    tenant: &str,
    kinds: &[JobKind],
    start: i64,
    end: i64,
) -> Vec<Option<Job>> {
    let plain = tenant.replace('-', "");
    let mut jobs: Vec<Option<Job>> = (0..6).map(|_| None).collect();
    for kind in JobKind::ALL {
        // Draw for every job so that removing one keeps the others' ids stable.
        let job_guid = rng.guid();
        let sp_id = rng.guid();
        let app_id = rng.guid();
        let src_id = rng.guid();
        let dst_id = rng.guid();
        let offset = rng.range(0, CYCLE_MS - 1);
        if !kinds.contains(&kind) {
            continue;
        }
        let (prefix, sp_name, src, dst) = match kind {
            JobKind::Workday => (
                "Workday2AD",
                "Workday to Active Directory User Provisioning",
                "Workday",
                AD,
            ),
            JobKind::ApiInbound => (
                "API2AAD",
                "API-driven provisioning to Microsoft Entra ID",
                "API-driven inbound provisioning",
                ENTRA,
            ),
            JobKind::CloudSync => ("AD2AADProvisioning", "contoso.com", AD, ENTRA),
            JobKind::Dropbox => ("DropboxSCIMOutDelta", "Dropbox Business", ENTRA, "Dropbox"),
            // An older gallery app: its events still name the source by the old brand.
            JobKind::Salesforce => ("salesforce", "Salesforce", ENTRA_OLD, "Salesforce"),
            JobKind::Scim => (
                "scim",
                "Contoso Learning Portal",
                ENTRA,
                "Contoso Learning Portal",
            ),
        };
        let details = |sp: &str| {
            vec![
                ("ApplicationId".to_string(), app_id.clone()),
                ("ServicePrincipalId".to_string(), sp_id.clone()),
                ("ServicePrincipalDisplayName".to_string(), sp.to_string()),
            ]
        };
        let (src_details, dst_details) = if kind.is_app() {
            (Vec::new(), details(sp_name))
        } else {
            (details(sp_name), Vec::new())
        };
        let mut cycles = Vec::new();
        let mut t = start + offset;
        while t < end {
            cycles.push(t + rng.range(0, 20_000));
            t += CYCLE_MS;
        }
        if let Some(slot) = jobs.get_mut(job_index(kind)) {
            *slot = Some(Job {
                kind,
                job_id: format!("{prefix}.{plain}.{job_guid}"),
                sp: GenSystem {
                    id: sp_id.clone(),
                    name: sp_name.to_string(),
                    details: Vec::new(),
                },
                source: GenSystem {
                    id: src_id,
                    name: src.to_string(),
                    details: src_details,
                },
                target: GenSystem {
                    id: dst_id,
                    name: dst.to_string(),
                    details: dst_details,
                },
                cycles,
            });
        }
    }
    jobs
}

fn phone(rng: &mut Rng) -> String {
    format!("+1 425 555 {:04}", rng.below(10_000))
}

fn dropbox_id(rng: &mut Rng) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    format!("dbmid:AA{}", rng.token(B64, 41))
}

fn salesforce_id(rng: &mut Rng) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    format!("0055e{}", rng.token(ALNUM, 13))
}

impl Sim {
    fn job(&self, j: usize) -> Option<&Job> {
        self.jobs.get(j).and_then(|j| j.as_ref())
    }

    fn has(&self, kind: JobKind) -> bool {
        self.job(job_index(kind)).is_some()
    }

    fn make_people(&mut self, rng: &mut Rng, total: usize, initial: usize) {
        let mut upns: HashSet<String> = HashSet::new();
        for i in 0..total {
            let given = rng.pick(&GIVEN);
            let family = rng.pick(&FAMILY);
            let base = format!("{}.{}", given.to_lowercase(), family.to_lowercase());
            let mut upn = format!("{base}@contoso.com");
            let mut n = 2;
            while !upns.insert(upn.clone()) {
                upn = format!("{base}{n}@contoso.com");
                n += 1;
            }
            let from_api = rng.chance(0.15);
            let apps = [rng.chance(0.75), rng.chance(0.45), rng.chance(0.4)];
            let active = i < initial;
            let mut state = [State::Absent; 6];
            if active {
                state = [State::Active; 6];
                for (a, kind) in [JobKind::Dropbox, JobKind::Salesforce, JobKind::Scim]
                    .into_iter()
                    .enumerate()
                {
                    if !apps.get(a).copied().unwrap_or(false) {
                        state[job_index(kind)] = State::Absent;
                    }
                }
                if from_api {
                    state[job_index(JobKind::Workday)] = State::Absent;
                    state[job_index(JobKind::CloudSync)] = State::Absent;
                } else {
                    state[job_index(JobKind::ApiInbound)] = State::Absent;
                }
            }
            let person = Person {
                given,
                family,
                upn,
                employee_id: format!("{}", 100_000 + i),
                wid: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
                ext_id: format!("CTR-{:05}", 10_000 + i),
                ad_id: rng.guid(),
                entra_id: rng.guid(),
                app_ids: [dropbox_id(rng), salesforce_id(rng), rng.guid()],
                from_api,
                apps,
                department: rng.pick(&DEPARTMENTS).to_string(),
                title: rng.pick(&TITLES).to_string(),
                office: rng.pick(&OFFICES).to_string(),
                phone: phone(rng),
                manager: rng.index(initial.clamp(1, 40)),
                state,
                reserved: false,
            };
            self.people.push(person);
        }
    }

    fn make_groups(&mut self, rng: &mut Rng) {
        for name in GROUPS {
            self.groups.push(Group {
                name,
                ad_id: rng.guid(),
                entra_id: rng.guid(),
                app_ids: [
                    format!("g:{}", rng.token(b"0123456789abcdef", 16)),
                    rng.guid(),
                    rng.guid(),
                ],
            });
        }
    }

    /// The first job a person's changes enter: their HR source, or the next job present.
    fn origin_jobs(&self, p: usize) -> Vec<usize> {
        let from_api = self.people.get(p).is_some_and(|x| x.from_api);
        if from_api && self.has(JobKind::ApiInbound) {
            return vec![job_index(JobKind::ApiInbound)];
        }
        if !from_api && self.has(JobKind::Workday) {
            return vec![job_index(JobKind::Workday)];
        }
        if !from_api && self.has(JobKind::CloudSync) {
            return vec![job_index(JobKind::CloudSync)];
        }
        self.app_jobs_of(p)
    }

    fn app_jobs_of(&self, p: usize) -> Vec<usize> {
        let Some(person) = self.people.get(p) else {
            return Vec::new();
        };
        [JobKind::Dropbox, JobKind::Salesforce, JobKind::Scim]
            .into_iter()
            .enumerate()
            .filter(|(a, k)| person.apps.get(*a).copied().unwrap_or(false) && self.has(*k))
            .map(|(_, k)| job_index(k))
            .collect()
    }

    /// Jobs that receive a change after it succeeds in job `j`.
    fn downstream(&self, j: usize, p: usize) -> Vec<usize> {
        match JobKind::ALL.get(j) {
            Some(JobKind::Workday) if self.has(JobKind::CloudSync) => {
                vec![job_index(JobKind::CloudSync)]
            }
            Some(JobKind::Workday) => self.app_jobs_of(p),
            Some(JobKind::ApiInbound | JobKind::CloudSync) => self.app_jobs_of(p),
            _ => Vec::new(),
        }
    }

    /// Joiners, movers and leavers, queued at their HR source at business-hour times.
    fn plan_lifecycle(
        &mut self,
        rng: &mut Rng,
        origins: usize,
        initial: usize,
        start: i64,
        end: i64,
    ) {
        let days = ((end - start) / DAY_MS).max(1);
        let mut next_joiner = initial;
        for _ in 0..origins {
            let day = rng.range(0, days - 1);
            let t = start + day * DAY_MS + rng.range(7 * HOUR_MS, 19 * HOUR_MS);
            let roll = rng.unit();
            let (p, op) = if roll < 0.35 && next_joiner < self.people.len() {
                let p = next_joiner;
                next_joiner += 1;
                (p, Op::Create)
            } else {
                let Some(p) = self.pick_person(rng, initial) else {
                    continue;
                };
                if roll < 0.78 {
                    let changes = self.mover_changes(rng, p, initial);
                    (p, Op::Update(changes))
                } else {
                    if let Some(x) = self.people.get_mut(p) {
                        // Leavers are not picked again for other changes.
                        x.reserved = true;
                    }
                    (p, Op::Disable)
                }
            };
            for j in self.origin_jobs(p) {
                if let Some(q) = self.queues.get_mut(j) {
                    q.push(Pending {
                        person: p,
                        op: op.clone(),
                        ready_ms: t,
                        retry: false,
                    });
                }
            }
        }
    }

    /// A random unreserved person among the first `limit`.
    fn pick_person(&mut self, rng: &mut Rng, limit: usize) -> Option<usize> {
        for _ in 0..20 {
            let p = rng.index(limit.min(self.people.len()));
            if self.people.get(p).is_some_and(|x| !x.reserved) {
                return Some(p);
            }
        }
        None
    }

    fn mover_changes(&self, rng: &mut Rng, p: usize, initial: usize) -> Vec<Change> {
        let Some(person) = self.people.get(p) else {
            return Vec::new();
        };
        let mut out = vec![Change {
            attr: Attr::Title,
            old: person.title.clone(),
            new: other(rng, &TITLES, &person.title),
        }];
        if rng.chance(0.6) {
            out.push(Change {
                attr: Attr::Department,
                old: person.department.clone(),
                new: other(rng, &DEPARTMENTS, &person.department),
            });
        }
        if rng.chance(0.5) {
            let m = rng.index(initial.clamp(1, 60));
            if m != person.manager && m != p {
                out.push(Change {
                    attr: Attr::Manager,
                    old: person.manager.to_string(),
                    new: m.to_string(),
                });
            }
        }
        out
    }

    /// Decides which cycles hold planted events, and records the manifest entries.
    fn plan_anomalies(
        &mut self,
        anomalies: &[Anomaly],
        start: i64,
        end: i64,
        initial: usize,
        rng: &mut Rng,
    ) -> VecMap<(usize, usize), Vec<Task>> {
        let mut tasks: VecMap<(usize, usize), Vec<Task>> = VecMap::new();
        let mut count_of_kind: VecMap<&'static str, usize> = VecMap::new();
        for a in anomalies {
            let j = job_index(a.job());
            let Some(job) = self.job(j) else {
                continue;
            };
            let job_id = job.job_id.clone();
            let cycles = job.cycles.clone();
            let n = cycles.len();
            if n < 4 {
                continue;
            }
            let nth = count_of_kind.or_default(a.name());
            let shift = *nth as f64 * 0.07;
            *nth += 1;
            let at = |f: f64| (((f + shift).min(0.95)) * n as f64) as usize;
            let index = self.planted.len();
            let mut planted = Planted {
                anomaly: a.clone(),
                job_id,
                start_ms: 0,
                end_ms: 0,
                cycle_ids: Vec::new(),
                event_ids: Vec::new(),
                source_ids: Vec::new(),
                error_code: None,
                attribute: None,
                count: 0,
                chains: Vec::new(),
            };
            // Lifecycle chains start at the HR job and flow through cloud sync.
            let lifecycle = matches!(
                a,
                Anomaly::OnTimeJoiners { .. }
                    | Anomaly::SlowJoiner { .. }
                    | Anomaly::OrphanedAccess { .. }
                    | Anomaly::StalledMover { .. }
            );
            if lifecycle && !(self.has(JobKind::Workday) && self.has(JobKind::CloudSync)) {
                continue;
            }
            let span = end - start;
            let when = |percent: i64| start + span * percent / 100;
            let mut add = |k: usize, t: Task| tasks.or_default((j, k)).push(t);
            match a {
                Anomaly::SilentJob { hours, .. } => {
                    let k = at(0.30);
                    let t0 = cycles.get(k).copied().unwrap_or(start);
                    let t1 = t0 + i64::from(*hours) * HOUR_MS;
                    planted.start_ms = t0;
                    planted.end_ms = t1.min(end);
                    if let Some(Some(job)) = self.jobs.get_mut(j) {
                        job.cycles.retain(|&c| c < t0 || c >= t1);
                    }
                    // Cycle indices shifted: re-plan tasks for this job from here on only.
                    let removed = n - self.job(j).map_or(n, |jb| jb.cycles.len());
                    let moved: Vec<((usize, usize), Vec<Task>)> = tasks
                        .iter()
                        .filter(|((jj, kk), _)| *jj == j && *kk >= k)
                        .map(|(key, v)| (*key, v.clone()))
                        .collect();
                    for (key, _) in &moved {
                        tasks.remove(key);
                    }
                    for ((jj, kk), v) in moved {
                        if kk >= k + removed {
                            tasks.insert((jj, kk - removed), v);
                        }
                    }
                }
                Anomaly::FailureSpike { failures, .. } => {
                    let k = at(0.50);
                    planted.error_code = noise_errors(a.job()).first().map(|e| e.code.into());
                    add(k, Task::Spike(index, *failures));
                }
                Anomaly::CredentialErrors { cycles: c, .. } => {
                    let k = at(0.62);
                    planted.error_code = Some(credential_error(a.job()).code.into());
                    for kk in k..(k + *c as usize).min(n) {
                        add(kk, Task::Credentials(index));
                    }
                }
                Anomaly::MassDeprovisioning { disables, .. } => {
                    add(at(0.72), Task::Mass(index, *disables));
                }
                Anomaly::StagedDeletes { count, .. } => {
                    add(at(0.80), Task::Staged(index, *count));
                }
                Anomaly::FailedOnboarding { people, .. } => {
                    let k = at(0.40);
                    planted.error_code = Some(onboarding_error(a.job()).code.into());
                    let mut ps = Vec::new();
                    for _ in 0..*people {
                        let p = self.new_person(rng, initial);
                        ps.push(p);
                    }
                    for kk in k..n {
                        add(kk, Task::Onboarding(index, ps.clone()));
                    }
                }
                Anomaly::FailedDeprovisioning { people, .. } => {
                    let k = at(0.45);
                    planted.error_code = Some(deprovisioning_error(a.job()).code.into());
                    let ps = self.reserve_active(rng, j, *people as usize, initial);
                    for kk in k..n {
                        add(kk, Task::Deprovisioning(index, ps.clone()));
                    }
                }
                Anomaly::PersistentFailure {
                    cycles: c, people, ..
                } => {
                    let k = at(0.35);
                    planted.error_code = Some(persistent_error(a.job()).code.into());
                    let ps = self.reserve_active(rng, j, *people as usize, initial);
                    let last = (k + *c as usize).min(n);
                    for kk in k..last {
                        add(kk, Task::Persistent(index, ps.clone(), false));
                    }
                    if last < n {
                        add(last, Task::Persistent(index, ps, true));
                    }
                }
                Anomaly::OnTimeJoiners { people, .. } => {
                    planted.start_ms = when(15);
                    for i in 0..*people {
                        let p = self.lifecycle_person(rng, initial);
                        self.queue_origin(p, Op::Create, when(15 + 2 * i64::from(i)));
                        self.plant_chain(index, p, "joiner", None);
                    }
                    planted.count = *people;
                }
                Anomaly::SlowJoiner { job, hours } => {
                    let p = self.lifecycle_person(rng, initial);
                    let t = when(20);
                    planted.start_ms = t;
                    self.queue_origin(p, Op::Create, t);
                    // The HR create runs in the HR job's next cycle (within the hour): hold the
                    // downstream create until at least `hours` after it.
                    self.holds
                        .insert((p, job_index(*job)), t + (i64::from(*hours) + 1) * HOUR_MS);
                    self.plant_chain(index, p, "joiner", None);
                    planted.count = 1;
                }
                Anomaly::OrphanedAccess { job } => {
                    let p = self.lifecycle_person(rng, initial);
                    planted.start_ms = when(35);
                    self.queue_origin(p, Op::Create, when(10));
                    self.queue_origin(p, Op::Disable, when(35));
                    for kind in [OpKind::Disable, OpKind::Delete] {
                        self.drops.insert((p, job_index(*job), kind));
                    }
                    self.plant_chain(index, p, "leaver", None);
                    planted.count = 1;
                }
                Anomaly::StalledMover { job } => {
                    let p = self.lifecycle_person(rng, initial);
                    planted.start_ms = when(50);
                    planted.attribute = Some("department".into());
                    let old = self
                        .people
                        .get(p)
                        .map(|x| x.department.clone())
                        .unwrap_or_default();
                    let new = other(rng, &DEPARTMENTS, &old);
                    self.queue_origin(p, Op::Create, when(12));
                    let change = Change {
                        attr: Attr::Department,
                        old,
                        new: new.clone(),
                    };
                    self.queue_origin(p, Op::Update(vec![change]), when(50));
                    self.drops.insert((p, job_index(*job), OpKind::Update));
                    self.plant_chain(index, p, "mover", Some(new));
                    planted.count = 1;
                }
                Anomaly::AttributeFlapping { people, flips, .. } => {
                    let k = at(0.55);
                    planted.attribute = Some("department".into());
                    let ps = self.reserve_active(rng, j, *people as usize, initial);
                    for &p in &ps {
                        let a_val = self
                            .people
                            .get(p)
                            .map(|x| x.department.clone())
                            .unwrap_or_default();
                        let b_val = other(rng, &DEPARTMENTS, &a_val);
                        for f in 0..(*flips as usize).min(n.saturating_sub(k)) {
                            let (old, new) = if f % 2 == 0 {
                                (a_val.clone(), b_val.clone())
                            } else {
                                (b_val.clone(), a_val.clone())
                            };
                            add(k + f, Task::Flap(index, p, old, new));
                        }
                    }
                }
            }
            self.planted.push(planted);
        }
        tasks
    }

    /// A new hire for a planted lifecycle chain, assigned to every app.
    fn lifecycle_person(&mut self, rng: &mut Rng, initial: usize) -> usize {
        let p = self.new_person(rng, initial);
        if let Some(x) = self.people.get_mut(p) {
            x.apps = [true; 3];
        }
        p
    }

    /// Queues a change at the person's HR source.
    fn queue_origin(&mut self, p: usize, op: Op, ready_ms: i64) {
        for j in self.origin_jobs(p) {
            if let Some(q) = self.queues.get_mut(j) {
                q.push(Pending {
                    person: p,
                    op: op.clone(),
                    ready_ms,
                    retry: false,
                });
            }
        }
    }

    fn plant_chain(
        &mut self,
        planted: usize,
        person: usize,
        movement: &'static str,
        value: Option<String>,
    ) {
        if let Some(x) = self.people.get(person) {
            let sid = source_identity(JobKind::Workday, x).id;
            if let Some(p) = self.planted.get_mut(planted) {
                p.source_ids.push(sid.clone());
            }
        }
        self.chain_plants.push(ChainPlant {
            planted,
            person,
            movement,
            value,
        });
    }

    /// Records in the manifest when each planted chain's change reached each system, from the
    /// generated events themselves.
    fn fill_chains(&mut self, events: &[GenEvent]) {
        let plants = std::mem::take(&mut self.chain_plants);
        for plant in &plants {
            let Some(person) = self.people.get(plant.person) else {
                continue;
            };
            let mut jobs = vec![job_index(JobKind::Workday), job_index(JobKind::CloudSync)];
            jobs.extend(self.app_jobs_of(plant.person));
            let of_job = |j: usize| -> Vec<&GenEvent> {
                let Some(job) = self.job(j) else {
                    return Vec::new();
                };
                let sid = source_identity(job.kind, person).id;
                events
                    .iter()
                    .filter(|e| e.job_id == job.job_id && e.source.id == sid)
                    .collect()
            };
            let attr_of = |j: usize| JobKind::ALL.get(j).map(|k| attr_name(*k, Attr::Department));
            let carries = |e: &GenEvent, j: usize| {
                let (Some(name), Some(v)) = (attr_of(j), plant.value.as_deref()) else {
                    return false;
                };
                e.modified
                    .iter()
                    .any(|m| m.name == name && m.new.as_deref() == Some(v))
            };
            let off = |e: &GenEvent| {
                matches!(e.action, Action::Disable | Action::Delete)
                    || (e.action == Action::Update
                        && e.modified.iter().any(|m| {
                            m.name == "accountEnabled" && m.new.as_deref() == Some("False")
                        }))
            };
            let hr = of_job(job_index(JobKind::Workday));
            let upstream = hr.iter().find(|e| {
                e.status != Status::Skipped
                    && match plant.movement {
                        "joiner" => e.action == Action::Create,
                        "leaver" => matches!(e.action, Action::Disable | Action::Delete),
                        _ => carries(e, job_index(JobKind::Workday)),
                    }
            });
            let t = upstream.map(|e| e.time_ms);
            let hops = jobs
                .iter()
                .filter_map(|&j| {
                    let job = self.job(j)?;
                    let hit = of_job(j).into_iter().find(|e| {
                        e.status == Status::Success
                            && t.is_some_and(|t| e.time_ms >= t)
                            && match plant.movement {
                                "joiner" => e.action == Action::Create,
                                "leaver" => off(e),
                                _ => carries(e, j),
                            }
                    });
                    Some(PlantedHop {
                        system: job.target.name.clone(),
                        job_id: job.job_id.clone(),
                        event_id: hit.map(|e| e.id.clone()),
                        time_ms: hit.map(|e| e.time_ms),
                    })
                })
                .collect::<Vec<_>>();
            let chain = PlantedChain {
                display_name: person.display(),
                upn: person.upn.clone(),
                worker_id: person.employee_id.clone(),
                movement: plant.movement.to_string(),
                attribute: plant
                    .value
                    .as_ref()
                    .and(attr_of(job_index(JobKind::Workday)).map(str::to_string)),
                value: plant.value.clone(),
                upstream_system: self
                    .job(job_index(JobKind::Workday))
                    .map(|j| j.source.name.clone())
                    .unwrap_or_default(),
                upstream_event_id: upstream.map(|e| e.id.clone()),
                upstream_ms: t,
                hops,
            };
            if let Some(p) = self.planted.get_mut(plant.planted) {
                for id in chain
                    .upstream_event_id
                    .iter()
                    .chain(chain.hops.iter().filter_map(|h| h.event_id.as_ref()))
                {
                    if !p.event_ids.contains(id) {
                        p.event_ids.push(id.clone());
                    }
                }
                if let Some(t) = chain.upstream_ms {
                    p.start_ms = if p.chains.is_empty() {
                        t
                    } else {
                        p.start_ms.min(t)
                    };
                }
                let last = chain.hops.iter().filter_map(|h| h.time_ms).max();
                p.end_ms = p.end_ms.max(last.or(chain.upstream_ms).unwrap_or(0));
                p.chains.push(chain);
            }
        }
    }

    /// Adds a person who does not exist anywhere yet (a new hire for a planted anomaly).
    fn new_person(&mut self, rng: &mut Rng, initial: usize) -> usize {
        let i = self.people.len();
        self.make_people(rng, 1, 0);
        if let Some(p) = self.people.get_mut(i) {
            p.reserved = true;
            p.from_api = false;
            p.employee_id = format!("{}", 900_000 + i);
            // Contractor ids are numbered like employee ids; keep them unique too.
            p.ext_id = format!("CTR-{}", 900_000 + i);
            p.manager %= initial.max(1);
            p.upn = p.upn.replace("@", &format!("{i}@"));
        }
        i
    }

    /// Reserves `n` people that are active in job `j`.
    fn reserve_active(&mut self, rng: &mut Rng, j: usize, n: usize, initial: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut tries = 0;
        while out.len() < n && tries < 10_000 {
            tries += 1;
            let p = rng.index(initial.min(self.people.len()));
            if let Some(x) = self.people.get_mut(p) {
                if !x.reserved && x.state.get(j) == Some(&State::Active) {
                    x.reserved = true;
                    out.push(p);
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn run_cycle(
        &mut self,
        j: usize,
        t0: i64,
        tasks: &[Task],
        behind: f64,
        cycle_budget: f64,
        min_per_cycle: i64,
        out: &mut Vec<GenEvent>,
    ) -> usize {
        let Some(job) = self.job(j) else {
            return 0;
        };
        let kind = job.kind;
        let cycle_id = self.rng.guid();
        let exclusive = tasks.iter().any(Task::exclusive);
        let credentials = tasks.iter().any(|t| matches!(t, Task::Credentials(_)));
        let quiet = !tasks.is_empty();
        let due: Vec<Pending> = if exclusive && !credentials {
            Vec::new()
        } else {
            let q = self
                .queues
                .get_mut(j)
                .map(std::mem::take)
                .unwrap_or_default();
            let (due, later): (Vec<Pending>, Vec<Pending>) =
                q.into_iter().partition(|p| p.ready_ms <= t0);
            if let Some(slot) = self.queues.get_mut(j) {
                *slot = later;
            }
            due
        };
        let fill = if exclusive {
            0
        } else {
            let want = behind.round() as i64 - due.len() as i64;
            want.clamp(min_per_cycle, (cycle_budget * 3.0) as i64 + 3)
        };
        let expected: i64 = tasks
            .iter()
            .map(|t| i64::from(t.planned_events()))
            .sum::<i64>()
            + due.len() as i64
            + fill;
        let spread = (expected * 3_000).clamp(90_000, 20 * MINUTE_MS);
        let mut c = Cycle {
            j,
            kind,
            t0,
            spread,
            cycle_id,
        };

        let mut planted_events: Vec<(usize, GenEvent)> = Vec::new();
        for task in tasks {
            self.run_task(&mut c, task, &mut planted_events);
        }

        let mut routine = Vec::new();
        for pend in due {
            let fail = if credentials {
                Some(credential_error(kind))
            } else if !quiet && self.rng.chance(0.03) {
                Some(self.noise_error(kind))
            } else {
                None
            };
            let e = self.apply(&mut c, pend, fail);
            if credentials {
                planted_events.push((tasks.first().map_or(0, Task::planted_index), e));
            } else {
                routine.push(e);
            }
        }
        for _ in 0..fill {
            if let Some(e) = self.filler(&mut c, quiet) {
                routine.push(e);
            }
        }
        let n_routine = routine.len();
        for (idx, e) in planted_events {
            if let Some(p) = self.planted.get_mut(idx) {
                if !p.cycle_ids.contains(&c.cycle_id) {
                    p.cycle_ids.push(c.cycle_id.clone());
                }
                if p.start_ms == 0 || e.time_ms < p.start_ms {
                    p.start_ms = e.time_ms;
                }
                p.end_ms = p.end_ms.max(e.time_ms);
                if !p.source_ids.contains(&e.source.id) {
                    p.source_ids.push(e.source.id.clone());
                }
                let counts = match &p.anomaly {
                    Anomaly::FailureSpike { .. } => {
                        e.error
                            .as_ref()
                            .map(|x| Some(x.code.as_str()) == p.error_code.as_deref())
                            == Some(true)
                    }
                    Anomaly::PersistentFailure { .. } | Anomaly::CredentialErrors { .. } => {
                        e.status == Status::Failure
                    }
                    _ => true,
                };
                if counts {
                    p.count += 1;
                    p.event_ids.push(e.id.clone());
                }
            }
            out.push(e);
        }
        out.extend(routine);
        n_routine
    }

    fn noise_error(&mut self, kind: JobKind) -> &'static ErrSpec {
        let list = noise_errors(kind);
        list.get(self.rng.index(list.len()))
            .copied()
            .unwrap_or(&INTERNAL_SERVER_ERROR)
    }

    fn run_task(&mut self, c: &mut Cycle, task: &Task, out: &mut Vec<(usize, GenEvent)>) {
        let idx = task.planted_index();
        let j = c.j;
        let kind = c.kind;
        match task {
            Task::Spike(_, n) => {
                let dominant = noise_errors(kind)
                    .first()
                    .copied()
                    .unwrap_or(&TOO_MANY_REQUESTS);
                let others = noise_errors(kind);
                let n_dominant = (*n as usize * 17).div_ceil(20);
                for i in 0..*n as usize {
                    let Some(p) = self.active_in(j) else { break };
                    let spec = if i < n_dominant {
                        dominant
                    } else {
                        others
                            .get(1 + i % others.len().saturating_sub(1).max(1))
                            .copied()
                            .unwrap_or(dominant)
                    };
                    let change = self.routine_change(p);
                    let e = self.event(c, p, Kind::Op(Op::Update(change)), Some(spec), false);
                    out.push((idx, e));
                }
            }
            Task::Credentials(_) => {
                for _ in 0..3 {
                    let Some(p) = self.active_in(j) else { break };
                    let change = self.routine_change(p);
                    let e = self.event(
                        c,
                        p,
                        Kind::Op(Op::Update(change)),
                        Some(credential_error(kind)),
                        false,
                    );
                    out.push((idx, e));
                }
            }
            Task::Mass(_, n) => {
                let mut victims: Vec<usize> = (0..self.people.len())
                    .filter(|&p| {
                        self.people
                            .get(p)
                            .is_some_and(|x| !x.reserved && x.state.get(j) == Some(&State::Active))
                    })
                    .collect();
                // A deterministic shuffle, then the first n.
                for i in (1..victims.len()).rev() {
                    let k = self.rng.index(i + 1);
                    victims.swap(i, k);
                }
                victims.truncate(*n as usize);
                crate::core::sort::sort(&mut victims);
                for p in victims {
                    if let Some(x) = self.people.get_mut(p) {
                        x.reserved = true;
                        if let Some(s) = x.state.get_mut(j) {
                            *s = State::Disabled;
                        }
                    }
                    let e = self.event(c, p, Kind::Op(Op::Disable), None, false);
                    out.push((idx, e));
                }
            }
            Task::Staged(_, n) => {
                let mut picked = 0;
                let mut tries = 0;
                let mut seen = HashSet::new();
                while picked < *n && tries < 100_000 {
                    tries += 1;
                    let p = self.rng.index(self.people.len());
                    let ok = self
                        .people
                        .get(p)
                        .is_some_and(|x| !x.reserved && x.state.get(j) == Some(&State::Active));
                    if ok && seen.insert(p) {
                        picked += 1;
                        let e = self.event(c, p, Kind::StagedDelete, None, false);
                        out.push((idx, e));
                    }
                }
            }
            Task::Onboarding(_, ps) => {
                for &p in ps {
                    let e = self.event(
                        c,
                        p,
                        Kind::Op(Op::Create),
                        Some(onboarding_error(kind)),
                        false,
                    );
                    out.push((idx, e));
                }
            }
            Task::Deprovisioning(_, ps) => {
                for &p in ps {
                    let e = self.event(
                        c,
                        p,
                        Kind::Op(Op::Disable),
                        Some(deprovisioning_error(kind)),
                        false,
                    );
                    out.push((idx, e));
                }
            }
            Task::Persistent(_, ps, recovered) => {
                for &p in ps {
                    let change = vec![Change {
                        attr: Attr::Office,
                        old: self
                            .people
                            .get(p)
                            .map(|x| x.office.clone())
                            .unwrap_or_default(),
                        new: "Dublin".to_string(),
                    }];
                    let fail = (!recovered).then(|| persistent_error(kind));
                    if *recovered {
                        if let Some(x) = self.people.get_mut(p) {
                            x.office = "Dublin".to_string();
                        }
                    }
                    let e = self.event(c, p, Kind::Op(Op::Update(change)), fail, *recovered);
                    out.push((idx, e));
                }
            }
            Task::Flap(_, p, old, new) => {
                if let Some(x) = self.people.get_mut(*p) {
                    x.department = new.clone();
                }
                let change = vec![Change {
                    attr: Attr::Department,
                    old: old.clone(),
                    new: new.clone(),
                }];
                let e = self.event(c, *p, Kind::Op(Op::Update(change)), None, false);
                out.push((idx, e));
            }
        }
    }

    /// A random person active in job `j`.
    fn active_in(&mut self, j: usize) -> Option<usize> {
        for _ in 0..200 {
            let p = self.rng.index(self.people.len());
            if self
                .people
                .get(p)
                .is_some_and(|x| !x.reserved && x.state.get(j) == Some(&State::Active))
            {
                return Some(p);
            }
        }
        None
    }

    /// A small attribute change (phone or office) that needs no propagation.
    fn routine_change(&mut self, p: usize) -> Vec<Change> {
        let Some(person) = self.people.get(p) else {
            return Vec::new();
        };
        if self.rng.chance(0.6) {
            let old = person.phone.clone();
            let new = phone(&mut self.rng);
            vec![Change {
                attr: Attr::Phone,
                old,
                new,
            }]
        } else {
            let old = person.office.clone();
            let new = other(&mut self.rng, &OFFICES, &old);
            vec![Change {
                attr: Attr::Office,
                old,
                new,
            }]
        }
    }

    /// Processes a queued change: one event, state updates, and propagation downstream.
    fn apply(&mut self, c: &mut Cycle, pend: Pending, fail: Option<&'static ErrSpec>) -> GenEvent {
        let p = pend.person;
        let j = c.j;
        let e = self.event(c, p, Kind::Op(pend.op.clone()), fail, pend.retry);
        if fail.is_some() {
            if let Some(q) = self.queues.get_mut(j) {
                q.push(Pending {
                    ready_ms: c.t0 + CYCLE_MS - 60_000,
                    retry: true,
                    ..pend
                });
            }
            return e;
        }
        if let Some(x) = self.people.get_mut(p) {
            let state = match &pend.op {
                Op::Create => State::Active,
                Op::Update(changes) => {
                    for ch in changes {
                        x.set(ch.attr, &ch.new);
                    }
                    x.state.get(j).copied().unwrap_or(State::Active)
                }
                Op::Disable => State::Disabled,
                Op::Delete => State::Deleted,
            };
            if let Some(s) = x.state.get_mut(j) {
                *s = state;
            }
        }
        let ready = e.time_ms + self.rng.range(MINUTE_MS, 5 * MINUTE_MS);
        let kind = op_kind(&pend.op);
        for d in self.downstream(j, p) {
            if self.drops.contains(&(p, d, kind)) {
                continue;
            }
            let held = match (kind, self.holds.get(&(p, d))) {
                (OpKind::Create, Some(&until)) => ready.max(until),
                _ => ready,
            };
            if let Some(q) = self.queues.get_mut(d) {
                q.push(Pending {
                    person: p,
                    op: pend.op.clone(),
                    ready_ms: held,
                    retry: false,
                });
            }
        }
        // Leavers: the directory object is deleted a few days after it was disabled.
        let deletes_here = match JobKind::ALL.get(j) {
            Some(JobKind::CloudSync | JobKind::ApiInbound) => true,
            Some(JobKind::Workday) => !self.has(JobKind::CloudSync),
            _ => false,
        };
        if matches!(pend.op, Op::Disable) && deletes_here {
            let later = e.time_ms + self.rng.range(DAY_MS, 3 * DAY_MS);
            let target_job = if JobKind::ALL.get(j) == Some(&JobKind::Workday) {
                self.app_jobs_of(p)
            } else {
                vec![j]
            };
            for d in target_job {
                if self.drops.contains(&(p, d, OpKind::Delete)) {
                    continue;
                }
                if let Some(q) = self.queues.get_mut(d) {
                    q.push(Pending {
                        person: p,
                        op: Op::Delete,
                        ready_ms: later,
                        retry: false,
                    });
                }
            }
        }
        e
    }

    /// One routine event: out-of-scope skips, small updates, group changes, transient errors.
    fn filler(&mut self, c: &mut Cycle, quiet: bool) -> Option<GenEvent> {
        let j = c.j;
        let kind = c.kind;
        let roll = self.rng.unit();
        let (p_skip, p_group, p_valid, p_fail) = match kind {
            JobKind::Workday => (0.25, 0.0, 0.0, 0.08),
            JobKind::ApiInbound => (0.25, 0.0, 0.0, 0.10),
            JobKind::CloudSync => (0.15, 0.15, 0.0, 0.06),
            JobKind::Dropbox | JobKind::Scim => (0.40, 0.08, 0.05, 0.07),
            JobKind::Salesforce => (0.40, 0.0, 0.05, 0.07),
        };
        if roll < p_skip {
            let p = self.rng.index(self.people.len());
            return Some(self.event(c, p, Kind::SkipScope, None, false));
        }
        if roll < p_skip + p_group {
            let g = self.rng.index(self.groups.len());
            let members = (0..self.rng.range(1, 3))
                .filter_map(|_| self.active_in(j))
                .collect();
            let p = self.active_in(j)?;
            return Some(self.event(c, p, Kind::GroupUpdate(g, members), None, false));
        }
        if roll < p_skip + p_group + p_valid {
            let p = self.rng.index(self.people.len());
            return Some(self.event(c, p, Kind::SkipValidation, None, false));
        }
        let p = self.active_in(j)?;
        let change = self.routine_change(p);
        if !quiet && roll < p_skip + p_group + p_valid + p_fail {
            let spec = self.noise_error(kind);
            let op = Op::Update(change);
            let e = self.event(c, p, Kind::Op(op.clone()), Some(spec), false);
            if let Some(q) = self.queues.get_mut(j) {
                q.push(Pending {
                    person: p,
                    op,
                    ready_ms: c.t0 + CYCLE_MS - 60_000,
                    retry: true,
                });
            }
            return Some(e);
        }
        for ch in &change {
            if let Some(x) = self.people.get_mut(p) {
                x.set(ch.attr, &ch.new);
            }
        }
        Some(self.event(c, p, Kind::Op(Op::Update(change)), None, false))
    }

    /// Sorts each manifest's cycle ids by the time of their first planted event.
    fn order_planted(&mut self, events: &[GenEvent]) {
        let mut first: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
        for e in events {
            first.entry(e.cycle_id.as_str()).or_insert(e.time_ms);
        }
        for p in &mut self.planted {
            crate::core::sort::sort_by_key(&mut p.cycle_ids, |c| {
                (first.get(c.as_str()).copied().unwrap_or(0), c.clone())
            });
            let order: std::collections::HashMap<&str, (i64, usize)> = events
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.as_str(), (e.time_ms, i)))
                .collect();
            crate::core::sort::sort_by_key(&mut p.event_ids, |id| {
                order.get(id.as_str()).copied().unwrap_or((0, 0))
            });
        }
    }

    /// Builds one event of job `c.j` about person `p`.
    fn event(
        &mut self,
        c: &mut Cycle,
        p: usize,
        kind: Kind,
        fail: Option<&'static ErrSpec>,
        retry: bool,
    ) -> GenEvent {
        let job_kind = c.kind;
        let time_ms = c.t0 + 5_000 + self.rng.range(0, c.spread);
        let id = self.rng.guid();
        let change_id = self.rng.guid();
        let duration_ms = match (fail.is_some(), &kind) {
            (true, _) => self.rng.range(2_000, 30_000),
            (false, Kind::SkipScope | Kind::SkipValidation | Kind::StagedDelete) => {
                self.rng.range(40, 900)
            }
            _ if job_kind == JobKind::Workday => self.rng.range(900, 7_000),
            _ => self.rng.range(250, 3_500),
        } as u32;
        let Some(job) = self.job(c.j) else {
            return empty_event(id);
        };
        let Some(person) = self.people.get(p) else {
            return empty_event(id);
        };
        let tname = job.target.name.clone();
        let sname = job.source.name.clone();
        let app = app_index(job_kind);
        let mut src = source_identity(job_kind, person);
        let mut dst = target_identity(job_kind, person);
        let mut label = "User";
        let mut reportable = match job_kind {
            JobKind::Workday => person.employee_id.clone(),
            JobKind::ApiInbound => person.ext_id.clone(),
            _ => person.upn.clone(),
        };
        if let Kind::GroupUpdate(g, _) = &kind {
            if let Some(group) = self.groups.get(*g) {
                label = "Group";
                reportable = group.name.to_string();
                let (sid, tid, skind, tkind) = match (job_kind, app) {
                    (JobKind::CloudSync, _) => (
                        group.ad_id.clone(),
                        group.entra_id.clone(),
                        "group",
                        "Group".to_string(),
                    ),
                    (_, Some(a)) => (
                        group.entra_id.clone(),
                        group.app_ids.get(a).cloned().unwrap_or_default(),
                        "Group",
                        if job_kind == JobKind::Salesforce {
                            "Group".to_string()
                        } else {
                            SCIM_GROUP.to_string()
                        },
                    ),
                    _ => (
                        group.entra_id.clone(),
                        group.entra_id.clone(),
                        "Group",
                        "Group".into(),
                    ),
                };
                src = GenIdentity {
                    id: sid,
                    name: group.name.to_string(),
                    kind: skind.to_string(),
                    upn: String::new(),
                };
                dst = GenIdentity {
                    id: tid,
                    name: group.name.to_string(),
                    kind: tkind,
                    upn: String::new(),
                };
            }
        }
        let x = if label == "Group" {
            reportable.clone()
        } else if job_kind == JobKind::Workday {
            person.display()
        } else {
            person.upn.clone()
        };
        let creates = matches!(kind, Kind::Op(Op::Create) | Kind::SkipValidation);
        if (creates && (fail.is_some() || matches!(kind, Kind::SkipValidation)))
            || matches!(kind, Kind::SkipScope)
        {
            dst.id.clear();
            if job_kind.is_app() {
                dst.name.clear();
            }
        }
        let (action, mut status) = match &kind {
            Kind::Op(Op::Create) => (Action::Create, Status::Success),
            Kind::Op(Op::Update(_)) | Kind::GroupUpdate(..) => (Action::Update, Status::Success),
            // Cloud sync reports a disabled account as an update of accountEnabled.
            Kind::Op(Op::Disable) if job_kind == JobKind::CloudSync => {
                (Action::Update, Status::Success)
            }
            Kind::Op(Op::Disable) => (Action::Disable, Status::Success),
            Kind::Op(Op::Delete) => (Action::Delete, Status::Success),
            Kind::SkipScope => (Action::Other, Status::Skipped),
            Kind::SkipValidation => (Action::Create, Status::Skipped),
            Kind::StagedDelete => (Action::StagedDelete, Status::Skipped),
        };
        if fail.is_some() {
            status = Status::Failure;
        }

        // Steps.
        let mut steps = Vec::new();
        let import_desc = if retry {
            "We are retrying an operation that previously failed.".to_string()
        } else {
            match job_kind {
                JobKind::Workday => {
                    format!("Retrieved Worker '{}' from Workday", person.employee_id)
                }
                JobKind::ApiInbound => format!(
                    "Retrieved User '{}' from API-driven inbound provisioning",
                    person.ext_id
                ),
                JobKind::CloudSync => format!(
                    "Retrieved {} '{}' from Active Directory",
                    label.to_lowercase(),
                    src.name
                ),
                _ => {
                    let change = if action == Action::Create {
                        "Add"
                    } else {
                        "Update"
                    };
                    format!("Received {label} '{x}' change of type ({change}) from {sname}")
                }
            }
        };
        let import_name = if job_kind.is_app() && action == Action::Create {
            "EntryImportAdd"
        } else {
            "EntryImport"
        };
        let mut import_details = Vec::new();
        match job_kind {
            JobKind::Workday => {
                import_details.push(("JoiningProperty".into(), person.employee_id.clone()));
                import_details.push(("SourceAnchor".into(), person.wid.clone()));
                if !dst.id.is_empty() {
                    import_details.push(("TargetAnchor".into(), dst.id.clone()));
                }
            }
            JobKind::CloudSync if label == "User" => {
                import_details.push(("objectGUID".into(), person.ad_id.clone()));
                import_details.push(("userPrincipalName".into(), person.upn.clone()));
            }
            _ if job_kind.is_app() && label == "User" => {
                let enabled = !matches!(kind, Kind::Op(Op::Disable | Op::Delete));
                import_details.push(("objectId".into(), person.entra_id.clone()));
                import_details.push(("accountEnabled".into(), tf(enabled).into()));
                import_details.push(("displayName".into(), person.display()));
                import_details.push(("userPrincipalName".into(), person.upn.clone()));
                import_details.push(("IsSoftDeleted".into(), tf(!enabled).into()));
                import_details.push(("appRoleAssignments".into(), "User".into()));
            }
            _ => {}
        }
        steps.push(step(
            import_name,
            StepType::Import,
            Status::Success,
            import_desc,
            import_details,
        ));
        if fail.map(|f| f.at) == Some(FailAt::Processing) {
            let f = fail.map_or("", |f| f.code);
            steps.push(step(
                "EntrySynchronizationError",
                StepType::Processing,
                Status::Failure,
                format!(
                    "Failed to process {label} '{x}': an error occurred while reading from {tname}"
                ),
                vec![("ErrorCode".into(), f.into())],
            ));
        } else {
            let in_scope = !matches!(kind, Kind::SkipScope | Kind::StagedDelete);
            let mut scope = vec![("Active in the source system".into(), tf(in_scope).into())];
            if job_kind.is_app() {
                scope.push(("Assigned to the application".into(), tf(in_scope).into()));
                scope.push(("User has the required role".into(), tf(in_scope).into()));
            }
            scope.push((
                "Scoping filter evaluation passed".into(),
                tf(in_scope).into(),
            ));
            scope.push(("ScopeEvaluationResult".into(), "{}".into()));
            steps.push(step(
                "EntrySynchronizationScoping",
                StepType::Scoping,
                Status::Success,
                format!("Determine if {label} in scope by evaluating against each scoping filter"),
                scope,
            ));
            let (match_attr, match_val) = match job_kind {
                JobKind::Workday => ("employeeID", person.employee_id.clone()),
                JobKind::ApiInbound => ("employeeId", person.ext_id.clone()),
                JobKind::CloudSync => ("objectGUID", person.ad_id.clone()),
                JobKind::Salesforce => ("Username", person.upn.clone()),
                _ => ("userName", person.upn.clone()),
            };
            match &kind {
                Kind::SkipScope => {
                    let reason = if job_kind.is_app() {
                        "NotEffectivelyEntitled"
                    } else {
                        "OutOfScope"
                    };
                    let why = if job_kind.is_app() {
                        format!("it is not assigned to the application in {sname}")
                    } else {
                        "it does not pass the scoping filter".to_string()
                    };
                    steps.push(step(
                        "EntrySynchronizationSkip",
                        StepType::Processing,
                        Status::Skipped,
                        format!("{label} '{x}' will be skipped because {why}"),
                        vec![
                            ("SkipReason".into(), reason.into()),
                            ("ReportableIdentifier".into(), reportable.clone()),
                        ],
                    ));
                }
                Kind::SkipValidation => {
                    steps.push(step(
                        "EntrySynchronizationAdd",
                        StepType::Matching,
                        Status::Success,
                        format!("{label} '{x}' will be created in {tname} ({label} is active and assigned in {sname}, but no matching {label} was found in {tname})"),
                        Vec::new(),
                    ));
                    let prop = if job_kind == JobKind::Salesforce {
                        "LastName"
                    } else {
                        "name.familyName"
                    };
                    steps.push(step(
                        "EntrySynchronizationSkip",
                        StepType::Processing,
                        Status::Skipped,
                        format!("{} '{x}' will be skipped because the value of the property {prop} is missing or invalid. Please update the value of the property {prop} on the object in the source system.", dst.kind),
                        vec![
                            ("PropertyName".into(), prop.into()),
                            ("SkipReason".into(), "AttributeValidationFailed".into()),
                            ("ReportableIdentifier".into(), reportable.clone()),
                        ],
                    ));
                }
                Kind::Op(Op::Create) => {
                    steps.push(step(
                        "EntryImportObjectNotFound",
                        StepType::Matching,
                        Status::Success,
                        format!("The {label} with {match_attr} '{match_val}' could not be found in {tname}"),
                        Vec::new(),
                    ));
                    steps.push(step(
                        "EntrySynchronizationAdd",
                        StepType::Matching,
                        Status::Success,
                        format!("{label} '{x}' will be created in {tname} ({label} is active and assigned in {sname}, but no matching {label} was found in {tname})"),
                        Vec::new(),
                    ));
                    let (desc, st) = if fail.is_some() {
                        (
                            format!("Failed to create {label} '{x}' in {tname}"),
                            Status::Failure,
                        )
                    } else {
                        (
                            format!("{label} '{x}' was created in {tname}"),
                            Status::Success,
                        )
                    };
                    steps.push(step(
                        "EntryExportAdd",
                        StepType::Export,
                        st,
                        desc,
                        vec![("ReportableIdentifier".into(), reportable.clone())],
                    ));
                }
                _ => {
                    steps.push(step(
                        "EntryImportByMatchingProperty",
                        StepType::Matching,
                        Status::Success,
                        format!("Retrieved {label} '{x}' from {tname}"),
                        vec![
                            (match_attr.into(), match_val.clone()),
                            ("id".into(), dst.id.clone()),
                        ],
                    ));
                    let (sync_name, export_name, verb) = match &kind {
                        Kind::Op(Op::Disable) if job_kind != JobKind::CloudSync => (
                            "EntrySynchronizationUpdate",
                            "EntryExportUpdateSoftDelete",
                            "disabled",
                        ),
                        Kind::Op(Op::Delete) => {
                            ("EntrySynchronizationDelete", "EntryExportDelete", "deleted")
                        }
                        _ => ("EntrySynchronizationUpdate", "EntryExportUpdate", "updated"),
                    };
                    if matches!(kind, Kind::StagedDelete) {
                        steps.push(step(
                            "EntrySynchronizationSkip",
                            StepType::Processing,
                            Status::Skipped,
                            format!("{label} '{x}' will not be deleted from {tname} because the number of deletions in this cycle exceeds the accidental deletion threshold; the deletion is staged until an administrator allows it"),
                            vec![
                                ("SkipReason".into(), "DeletionThresholdExceeded".into()),
                                ("ReportableIdentifier".into(), reportable.clone()),
                            ],
                        ));
                    } else {
                        steps.push(step(
                            sync_name,
                            StepType::Processing,
                            Status::Success,
                            format!("{label} '{x}' will be {verb} in {tname}"),
                            Vec::new(),
                        ));
                        let (desc, st) = if fail.is_some() {
                            let v = verb.trim_end_matches('d');
                            (
                                format!("Failed to {v} {label} '{x}' in {tname}"),
                                Status::Failure,
                            )
                        } else {
                            (
                                format!("{label} '{x}' was {verb} in {tname}"),
                                Status::Success,
                            )
                        };
                        steps.push(step(
                            export_name,
                            StepType::Export,
                            st,
                            desc,
                            vec![("ReportableIdentifier".into(), reportable.clone())],
                        ));
                    }
                }
            }
        }

        let modified = match &kind {
            Kind::Op(Op::Create) if fail.is_none() => self.create_mods(job_kind, p),
            Kind::Op(Op::Update(changes)) => changes
                .iter()
                .map(|ch| self.render_change(job_kind, ch))
                .collect(),
            Kind::Op(Op::Disable) if fail.is_none() => disable_mods(job_kind),
            Kind::GroupUpdate(_, members) => {
                let ids: Vec<String> = members
                    .iter()
                    .filter_map(|&m| self.people.get(m))
                    .map(|m| match (job_kind, app) {
                        (JobKind::CloudSync, _) => m.ad_id.clone(),
                        (_, Some(a)) => m.app_ids.get(a).cloned().unwrap_or_default(),
                        _ => m.entra_id.clone(),
                    })
                    .collect();
                vec![GenModified {
                    name: "members".into(),
                    old: None,
                    new: Some(ids.join(",")),
                }]
            }
            _ => Vec::new(),
        };

        let error = fail.map(|f| GenError {
            code: f.code.to_string(),
            reason: f
                .reason
                .replace("{kind}", label)
                .replace("{x}", &x)
                .replace("{target}", &tname),
            category: f.category.to_string(),
            recommended: Some(f.recommended.to_string()),
            additional: None,
        });
        GenEvent {
            id,
            time_ms,
            tenant_id: self.tenant.clone(),
            job_id: job.job_id.clone(),
            cycle_id: c.cycle_id.clone(),
            change_id,
            action,
            status,
            duration_ms,
            error,
            source_system: job.source.clone(),
            target_system: job.target.clone(),
            service_principal: job.sp.clone(),
            source: src,
            target: dst,
            steps,
            modified,
        }
    }

    fn manager_value(&self, kind: JobKind, m: &str) -> String {
        let Some(person) = m.parse::<usize>().ok().and_then(|i| self.people.get(i)) else {
            return String::new();
        };
        match kind {
            JobKind::Workday => {
                format!("CN={},OU=Users,OU=Corp,DC=contoso,DC=com", person.display())
            }
            JobKind::Dropbox | JobKind::Scim => person.entra_id.clone(),
            JobKind::Salesforce => person.app_ids[1].clone(),
            _ => person.entra_id.clone(),
        }
    }

    fn render_change(&self, kind: JobKind, ch: &Change) -> GenModified {
        let name = attr_name(kind, ch.attr);
        let (old, new) = if ch.attr == Attr::Manager {
            (
                self.manager_value(kind, &ch.old),
                self.manager_value(kind, &ch.new),
            )
        } else {
            (ch.old.clone(), ch.new.clone())
        };
        GenModified {
            name: name.to_string(),
            old: Some(old).filter(|s| !s.is_empty()),
            new: Some(new).filter(|s| !s.is_empty()),
        }
    }

    fn create_mods(&self, kind: JobKind, p: usize) -> Vec<GenModified> {
        let Some(x) = self.people.get(p) else {
            return Vec::new();
        };
        let m = |n: &str, v: String| GenModified {
            name: n.to_string(),
            old: None,
            new: Some(v),
        };
        match kind {
            JobKind::Workday => vec![
                m("givenName", x.given.into()),
                m("sn", x.family.into()),
                m("displayName", x.display()),
                m("userPrincipalName", x.upn.clone()),
                m("sAMAccountName", sam(x)),
                m("employeeID", x.employee_id.clone()),
                m("department", x.department.clone()),
                m("title", x.title.clone()),
                m("company", "Contoso Ltd.".into()),
                m(
                    "parentDistinguishedName",
                    "OU=Users,OU=Corp,DC=contoso,DC=com".into(),
                ),
                // Entra logs accountDisabled with a null previous value on every record.
                m("accountDisabled", "False".into()),
            ],
            JobKind::ApiInbound | JobKind::CloudSync => vec![
                m("accountEnabled", "True".into()),
                m("displayName", x.display()),
                m("givenName", x.given.into()),
                m("surname", x.family.into()),
                m("userPrincipalName", x.upn.clone()),
                m("mailNickname", sam(x)),
                m("department", x.department.clone()),
                m("jobTitle", x.title.clone()),
                m(
                    "employeeId",
                    if kind == JobKind::ApiInbound {
                        x.ext_id.clone()
                    } else {
                        x.employee_id.clone()
                    },
                ),
            ],
            JobKind::Salesforce => vec![
                m("Username", x.upn.clone()),
                m("Email", x.upn.clone()),
                m("FirstName", x.given.into()),
                m("LastName", x.family.into()),
                m("Alias", sam(x).chars().take(8).collect()),
                m("IsActive", "true".into()),
            ],
            _ => vec![
                m("externalId", sam(x)),
                m("userName", x.upn.clone()),
                m("name.givenName", x.given.into()),
                m("name.familyName", x.family.into()),
                m("active", "True".into()),
            ],
        }
    }
}

/// The cycle being run.
struct Cycle {
    j: usize,
    kind: JobKind,
    t0: i64,
    spread: i64,
    cycle_id: String,
}

fn empty_event(id: String) -> GenEvent {
    GenEvent {
        id,
        time_ms: 0,
        tenant_id: String::new(),
        job_id: String::new(),
        cycle_id: String::new(),
        change_id: String::new(),
        action: Action::Other,
        status: Status::Success,
        duration_ms: 0,
        error: None,
        source_system: GenSystem::default(),
        target_system: GenSystem::default(),
        service_principal: GenSystem::default(),
        source: GenIdentity::default(),
        target: GenIdentity::default(),
        steps: Vec::new(),
        modified: Vec::new(),
    }
}

fn tf(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn sam(x: &Person) -> String {
    x.upn.split('@').next().unwrap_or("").to_string()
}

fn other(rng: &mut Rng, items: &[&str], not: &str) -> String {
    for _ in 0..8 {
        let v = rng.pick(items);
        if v != not {
            return v.to_string();
        }
    }
    items
        .iter()
        .find(|v| **v != not)
        .map_or(String::new(), |v| (*v).to_string())
}

fn step(
    name: &str,
    kind: StepType,
    status: Status,
    description: String,
    details: Vec<(String, String)>,
) -> GenStep {
    GenStep {
        name: name.to_string(),
        kind,
        status,
        description,
        details,
    }
}

fn source_identity(kind: JobKind, p: &Person) -> GenIdentity {
    let (id, k, upn) = match kind {
        JobKind::Workday => (p.wid.clone(), "User", String::new()),
        JobKind::ApiInbound => (p.ext_id.clone(), "User", String::new()),
        // Cloud sync writes identity types in lowercase.
        JobKind::CloudSync => (p.ad_id.clone(), "user", p.upn.clone()),
        _ => (p.entra_id.clone(), "User", p.upn.clone()),
    };
    GenIdentity {
        id,
        name: p.display(),
        kind: k.to_string(),
        upn,
    }
}

fn target_identity(kind: JobKind, p: &Person) -> GenIdentity {
    let (id, k, upn) = match kind {
        JobKind::Workday => (p.ad_id.clone(), "User", p.upn.clone()),
        JobKind::ApiInbound | JobKind::CloudSync => (p.entra_id.clone(), "User", p.upn.clone()),
        JobKind::Dropbox => (p.app_ids[0].clone(), SCIM_USER, String::new()),
        JobKind::Salesforce => (p.app_ids[1].clone(), "User", String::new()),
        JobKind::Scim => (p.app_ids[2].clone(), SCIM_USER, String::new()),
    };
    GenIdentity {
        id,
        name: p.display(),
        kind: k.to_string(),
        upn,
    }
}

fn attr_name(kind: JobKind, attr: Attr) -> &'static str {
    match (kind, attr) {
        (JobKind::Workday, Attr::Department) => "department",
        (JobKind::Workday, Attr::Title) => "title",
        (JobKind::Workday, Attr::Manager) => "manager",
        (JobKind::Workday, Attr::Office) => "physicalDeliveryOfficeName",
        (JobKind::Workday, Attr::Phone) => "telephoneNumber",
        (JobKind::ApiInbound | JobKind::CloudSync, Attr::Department) => "department",
        (JobKind::ApiInbound | JobKind::CloudSync, Attr::Title) => "jobTitle",
        (JobKind::ApiInbound | JobKind::CloudSync, Attr::Manager) => "manager",
        (JobKind::ApiInbound | JobKind::CloudSync, Attr::Office) => "officeLocation",
        (JobKind::ApiInbound | JobKind::CloudSync, Attr::Phone) => "telephoneNumber",
        (JobKind::Salesforce, Attr::Department) => "Department",
        (JobKind::Salesforce, Attr::Title) => "Title",
        (JobKind::Salesforce, Attr::Manager) => "ManagerId",
        (JobKind::Salesforce, Attr::Office) => "City",
        (JobKind::Salesforce, Attr::Phone) => "Phone",
        (_, Attr::Department) => {
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
        }
        (_, Attr::Title) => "title",
        (_, Attr::Manager) => "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        (_, Attr::Office) => "addresses[type eq \"work\"].locality",
        (_, Attr::Phone) => "phoneNumbers[type eq \"work\"].value",
    }
}

fn disable_mods(kind: JobKind) -> Vec<GenModified> {
    let (name, old, new) = match kind {
        JobKind::Workday => ("accountDisabled", None, "True"),
        JobKind::ApiInbound | JobKind::CloudSync => ("accountEnabled", Some("True"), "False"),
        JobKind::Salesforce => ("IsActive", Some("true"), "false"),
        _ => ("active", Some("True"), "False"),
    };
    vec![GenModified {
        name: name.into(),
        old: old.map(str::to_string),
        new: Some(new.into()),
    }]
}
