//! Offline knowledge base of provisioning error codes: what each code means, what to do about it,
//! and the service limits (escrow, quarantine, retries, deletion threshold) the findings rely on.
//!
//! The table is static and allocation-free so the browser app and the CLI share it as is.
//! Codes arrive in three shapes, and [`lookup`] handles all of them:
//! - exactly as listed (`TooManyRequests`);
//! - behind a known connector prefix (`AzureActiveDirectoryTimeout`, see [`CONNECTOR_PREFIXES`]);
//! - behind an application name (`ContosoEntryConflict`), recognised by the longest known suffix.
//!
//! Some failures have no code of their own and only show up in a message or a step description
//! (an LDAP error string, "not effectively entitled"); [`lookup_text`] finds those.

use serde::Serialize;

// ---------------------------------------------------------------------------------------------
// Service facts used by the findings engine.
// ---------------------------------------------------------------------------------------------

/// The escrow threshold is only evaluated once a job has accumulated this many failures.
pub const ESCROW_EVALUATION_MIN_FAILURES: u32 = 5_000;

/// A job is quarantined when strictly more than this share of its events (in percent) failed.
/// Failures caused by unresolved references (group members, managers) are not counted.
pub const ESCROW_QUARANTINE_FAILED_PERCENT: u32 = 40;

/// A job is quarantined when it holds strictly more than this many failures, whatever the
/// share. Failures caused by unresolved references are not counted.
pub const ESCROW_QUARANTINE_MAX_FAILURES: u32 = 40_000;

/// Hard limit on escrowed failures; unlike the two quarantine rules above, this one does count
/// reference failures.
pub const ESCROW_ABSOLUTE_MAX_FAILURES: u32 = 60_000;

/// Delays before the first escrow retries of a failed object, in hours. After the last one the
/// object is retried every [`ESCROW_RETRY_INTERVAL_HOURS`].
pub const ESCROW_RETRY_DELAYS_HOURS: [u32; 3] = [6, 12, 24];

/// Interval between escrow retries once the initial delays are used up, in hours.
pub const ESCROW_RETRY_INTERVAL_HOURS: u32 = 24;

/// How long a failed object is retried before its escrow is dropped and the job disabled, in
/// days.
pub const ESCROW_RETRY_WINDOW_DAYS: u32 = 28;

/// While a job is quarantined its incremental cycles run only this often, in hours.
pub const QUARANTINE_CYCLE_INTERVAL_HOURS: u32 = 24;

/// A job that stays quarantined for more than this many days (four weeks) is disabled.
pub const QUARANTINE_DISABLE_AFTER_DAYS: u32 = 28;

/// Default threshold of the "prevent accidental deletions" setting. It is evaluated per cycle
/// and counts deletes and disables together (users and groups alike). Objects held back by it
/// appear in the provisioning logs with the action `StagedDelete`
/// ([`crate::core::model::Action::StagedDelete`]).
pub const ACCIDENTAL_DELETION_DEFAULT_THRESHOLD: u32 = 500;

/// Typical length of an incremental provisioning cycle, in minutes. The interval is fixed by the
/// service and cannot be configured; the documentation gives 20 to 40 minutes.
pub const TYPICAL_INCREMENTAL_CYCLE_MINUTES: u32 = 40;

/// Delay after which a transient failure (throttling, timeout, target 500) is retried, in
/// minutes.
pub const TRANSIENT_RETRY_MINUTES: u32 = 40;

/// Step description written when the service replays an escrowed failure. A failure that
/// carries it is a retry of an older failure, not a new problem.
pub const RETRY_MARKER: &str = "We are retrying an operation that previously failed.";

/// Attribute that Entra writes into every update record whether or not it changed, always with
/// a null previous value. An update that touches only this attribute is noise.
pub const ALWAYS_LOGGED_ATTRIBUTE: &str = "accountDisabled";

// The escrow limits only make sense in this order; checked when the crate compiles.
const _: () = assert!(ESCROW_EVALUATION_MIN_FAILURES < ESCROW_QUARANTINE_MAX_FAILURES);
const _: () = assert!(ESCROW_QUARANTINE_MAX_FAILURES < ESCROW_ABSOLUTE_MAX_FAILURES);

/// Connector names that Microsoft puts in front of error codes. A code starting with one of
/// these is looked up again without it.
pub const CONNECTOR_PREFIXES: &[&str] = &[
    "HybridSynchronizationActiveDirectory",
    "SystemForCrossDomainIdentityManagement",
    "HybridIdentityService",
    "AzureActiveDirectory",
    "AzureDirectory",
];

/// A known suffix of an unknown code must be at least this long (and two words) to count: a
/// single short word such as `Timeout` or `Conflict` at the end of an application-specific code
/// says too little about the cause to attach an explanation and a fix to it.
pub const MIN_SUFFIX_LEN: usize = 10;

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

/// Which kind of provisioning a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Outbound provisioning to a SaaS application.
    App,
    /// Outbound provisioning to a SCIM endpoint, where the endpoint's behaviour is at fault.
    Scim,
    /// HR-driven provisioning into on-premises Active Directory through the agent.
    HrToAd,
    /// HR-driven or API-driven inbound provisioning into Entra ID.
    HrToEntra,
    /// Entra Cloud Sync (Active Directory to Entra ID through the lightweight agent).
    CloudSync,
    /// Cross-tenant synchronization between two Entra tenants.
    CrossTenant,
    /// The provisioning service itself or the state of the job.
    Service,
    /// Matching source objects to target objects.
    Matching,
    /// Importing objects from the source.
    Import,
    /// Objects deliberately left alone.
    Skip,
    /// Reference attributes: group members and managers.
    Reference,
}

/// Who or what has to act, in broad strokes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorClass {
    /// Passes on its own; the service retries.
    Transient,
    /// Attribute mappings, scoping, settings or the target's setup need changing.
    Configuration,
    /// The credentials the service uses are wrong, expired or missing.
    Credentials,
    /// The service authenticates but is not allowed to do what it tried.
    Permissions,
    /// A value on the object is missing, malformed or clashes with another object.
    Data,
    /// Source and target objects could not be paired one to one.
    Matching,
    /// The service cannot reach the target or its agent.
    Connectivity,
    /// The target ran out of licences or directory quota.
    Capacity,
    /// Microsoft's side failed in a way an administrator cannot repair alone.
    Service,
    /// The whole job is quarantined.
    Quarantine,
    /// Not a failure: expected behaviour worth knowing about.
    Informational,
}

/// Whether waiting helps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Retry {
    /// The service retries on its own and the failure commonly clears without intervention.
    Automatic { note: &'static str },
    /// The service keeps retrying escrowed failures on its schedule, but they fail the same way
    /// until someone fixes the cause.
    FixRequired,
    /// Nothing failed; there is nothing to retry.
    NotAnError,
}

/// One code (or message pattern) with its meaning and remedy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KbEntry {
    /// The error code as Microsoft spells it. For failures known only from message text this is
    /// the characteristic fragment of that text.
    pub code: &'static str,
    /// Other spellings of the same failure that [`lookup`] also accepts.
    pub aliases: &'static [&'static str],
    /// Case-insensitive fragments that identify the failure in a status reason or a step
    /// description (see [`lookup_text`]).
    pub patterns: &'static [&'static str],
    pub scope: Scope,
    pub category: ErrorClass,
    /// HTTP status the documentation associates with the code, when it names one.
    pub http_status: Option<u16>,
    /// A few words, for a table cell.
    pub title: &'static str,
    /// What happened and why, for an identity administrator.
    pub explanation: &'static str,
    /// The recommended action.
    pub fix: &'static str,
    pub retries: Retry,
    /// Credential failures are what tips a job into quarantine; the findings watch for them.
    pub credential: bool,
    /// The document the facts come from.
    pub source: &'static str,
}

/// How [`lookup_match`] found an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchKind {
    /// The code or one of its aliases, ignoring ASCII case.
    Exact,
    /// The code after removing one of [`CONNECTOR_PREFIXES`].
    ConnectorPrefix,
    /// The longest known code the input ends with (an application-name prefix).
    Suffix,
}

/// An entry together with the way it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KbMatch {
    pub entry: &'static KbEntry,
    pub kind: MatchKind,
}

/// Finds the entry for an error code: exact (ignoring case), then without a connector prefix,
/// then by the longest known suffix.
pub fn lookup(code: &str) -> Option<&'static KbEntry> {
    lookup_match(code).map(|m| m.entry)
}

/// Like [`lookup`], but also says how the entry was found so the UI can flag guesses.
pub fn lookup_match(code: &str) -> Option<KbMatch> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    if let Some(entry) = find_exact(code) {
        return Some(KbMatch {
            entry,
            kind: MatchKind::Exact,
        });
    }
    for prefix in CONNECTOR_PREFIXES {
        if let Some(rest) = strip_prefix_ignore_case(code, prefix) {
            if let Some(entry) = find_exact(rest) {
                return Some(KbMatch {
                    entry,
                    kind: MatchKind::ConnectorPrefix,
                });
            }
        }
    }
    longest_suffix(code).map(|entry| KbMatch {
        entry,
        kind: MatchKind::Suffix,
    })
}

/// Finds the entry for a failure described only in text: the status reason first, then the
/// step descriptions. The longest matching pattern wins, because longer fragments pin the cause
/// down more precisely (`CONSTRAINT_ATT_TYPE - userPrincipalName` beats `CONSTRAINT_ATT_TYPE`).
/// When no pattern matches, a whole word of the text that is itself a known multi-word code
/// (such as `EndpointUnavailable` in a step detail) is used.
pub fn lookup_text(reason: &str, step_descriptions: &[&str]) -> Option<&'static KbEntry> {
    let texts = || std::iter::once(reason).chain(step_descriptions.iter().copied());
    let mut best: Option<(usize, &'static KbEntry)> = None;
    for text in texts() {
        for entry in KB {
            for pattern in entry.patterns {
                let longer = best.is_none_or(|(len, _)| pattern.len() > len);
                if longer && contains_ignore_ascii_case(text, pattern) {
                    best = Some((pattern.len(), entry));
                }
            }
        }
    }
    if let Some((_, entry)) = best {
        return Some(entry);
    }
    texts()
        .flat_map(|text| text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter(|word| word.len() >= MIN_SUFFIX_LEN && word_count(word) >= 2)
        .find_map(find_exact_case)
}

const ENTRY: KbEntry = KbEntry {
    code: "",
    aliases: &[],
    patterns: &[],
    scope: Scope::App,
    category: ErrorClass::Configuration,
    http_status: None,
    title: "",
    explanation: "",
    fix: "",
    retries: Retry::FixRequired,
    credential: false,
    source: "analyze-logs doc",
};

const TRANSIENT_40_MIN: Retry = Retry::Automatic {
    note: "The service tries again about 40 minutes later.",
};

/// Every known code, grouped roughly as the Microsoft documentation groups them.
pub static KB: &[KbEntry] = &[
    // Application provisioning (analyze-logs doc).
    KbEntry {
        code: "Conflict",
        category: ErrorClass::Data,
        http_status: Some(409),
        title: "Conflicting value in the target",
        explanation: "The target application rejected the write with HTTP 409: another object \
            there already holds the value being written (often a user name or email), or the \
            object already exists under a different identity.",
        fix: "Find the clashing object in the target and correct the value on one side, or \
            change the matching attribute so the existing object is matched instead of \
            created. If the user should not be provisioned, unassign or scope them out.",
        ..ENTRY
    },
    KbEntry {
        code: "EntryConflict",
        category: ErrorClass::Matching,
        http_status: Some(409),
        title: "Object already exists in the target",
        explanation: "The service tried to create an object, but the target already has one \
            with a conflicting attribute value that the matching rules did not recognise as \
            the same object. Codes of this family usually carry the application's name in \
            front, for example ContosoEntryConflict.",
        fix: "Compare the matching attribute on both sides: fix the value so the existing \
            target object is matched, remove the duplicate in the target, or take the user \
            out of scope.",
        ..ENTRY
    },
    KbEntry {
        code: "TooManyRequests",
        category: ErrorClass::Transient,
        http_status: Some(429),
        title: "Target is throttling",
        explanation: "The target application answered HTTP 429: the service sent requests \
            faster than the application allows.",
        fix: "Nothing to do for occasional occurrences. If it persists across many cycles, ask \
            the application vendor about its rate limits.",
        retries: Retry::Automatic {
            note: "Throttled requests are retried automatically.",
        },
        ..ENTRY
    },
    KbEntry {
        code: "InternalServerError",
        category: ErrorClass::Transient,
        http_status: Some(500),
        title: "Target failed internally",
        explanation: "The target application hit an unexpected error of its own (HTTP 500) \
            while handling the request.",
        fix: "Usually none; it clears on retry. If the same object keeps failing, raise it \
            with the application vendor together with the request details.",
        retries: TRANSIENT_40_MIN,
        ..ENTRY
    },
    KbEntry {
        code: "InsufficientRights",
        category: ErrorClass::Permissions,
        title: "Not allowed in the target",
        explanation: "The service signed in to the target, but the account or token it uses \
            lacks the right to perform this operation.",
        fix: "Give the provisioning account the role that the application's provisioning \
            tutorial asks for, then let the next cycle retry.",
        ..ENTRY
    },
    KbEntry {
        code: "MethodNotAllowed",
        category: ErrorClass::Permissions,
        title: "Operation refused by the target",
        explanation: "The target refused the kind of request the service made. It belongs to \
            the same family as InsufficientRights: the connection works, the operation is not \
            permitted.",
        fix: "Check the provisioning account's permissions, and the application's provisioning \
            tutorial for operations the target does not support.",
        ..ENTRY
    },
    KbEntry {
        code: "NotPermitted",
        category: ErrorClass::Permissions,
        title: "Operation not permitted",
        explanation: "The target accepted the credentials but denied this particular action, \
            much like InsufficientRights.",
        fix: "Review the rights of the provisioning account in the target against the \
            application's provisioning tutorial.",
        ..ENTRY
    },
    KbEntry {
        code: "Unauthorized",
        category: ErrorClass::Credentials,
        http_status: Some(401),
        title: "Target rejected the credentials",
        explanation: "The target answered HTTP 401: the admin credentials or secret token \
            saved in the provisioning settings are wrong, expired or revoked. When most calls \
            fail like this, the job is quarantined.",
        fix: "Enter fresh credentials on the provisioning page, run Test Connection, and \
            restart the job if it is already quarantined.",
        credential: true,
        ..ENTRY
    },
    KbEntry {
        code: "UnprocessableEntity",
        title: "Target could not process the request",
        explanation: "The target returned a response the service did not expect, which \
            usually points at how the application itself is set up.",
        fix: "Review the application's configuration on the target side and the attribute \
            mappings against its provisioning tutorial.",
        ..ENTRY
    },
    KbEntry {
        code: "WebExceptionProtocolError",
        category: ErrorClass::Transient,
        title: "HTTP protocol error",
        explanation: "The connection to the target broke down at the HTTP level while the \
            request was in flight.",
        fix: "Nothing, unless it repeats for the same objects over several cycles; then check \
            the target's availability and its endpoint URL.",
        retries: TRANSIENT_40_MIN,
        ..ENTRY
    },
    KbEntry {
        code: "InvalidAnchor",
        category: ErrorClass::Data,
        title: "Previously linked object is gone",
        explanation: "The service remembers which target object it created or matched for \
            this user, but that object no longer exists in the target (for example it was \
            deleted there by hand).",
        fix: "Restart the provisioning job. That clears the cached links and runs a full \
            initial cycle, which matches or recreates the object.",
        ..ENTRY
    },
    KbEntry {
        code: "NotImplemented",
        title: "Unexpected response from the target",
        explanation: "The target answered in a way the service cannot interpret, typically \
            because a feature the mapping relies on is not supported or not set up there.",
        fix: "Check the application's configuration and compare the mappings with the \
            provisioning tutorial for that application.",
        ..ENTRY
    },
    KbEntry {
        code: "MandatoryFieldsMissing",
        aliases: &["MissingValues"],
        category: ErrorClass::Data,
        title: "Required values missing",
        explanation: "The target requires attributes that were empty on the object being \
            written, so the create or update was refused.",
        fix: "Fill in the source attributes, or map the required target attributes to an \
            expression that always yields a value.",
        ..ENTRY
    },
    KbEntry {
        code: "SchemaAttributeNotFound",
        title: "Mapped attribute unknown to the target",
        explanation: "A mapping writes to an attribute that does not exist in the target's \
            schema.",
        fix: "Remove or correct that mapping, or add the attribute to the target's schema \
            first.",
        ..ENTRY
    },
    KbEntry {
        code: "InternalError",
        scope: Scope::Service,
        category: ErrorClass::Transient,
        title: "Provisioning service failed internally",
        explanation: "The failure happened inside the Entra provisioning service, not in the \
            target.",
        fix: "Nothing for isolated cases. If it keeps recurring over a day or more, open a \
            support case with the job ID.",
        retries: TRANSIENT_40_MIN,
        ..ENTRY
    },
    KbEntry {
        code: "InvalidDomain",
        category: ErrorClass::Data,
        title: "Domain not accepted by the target",
        explanation: "An attribute value (usually an email address or user name) uses a domain \
            that the target does not accept.",
        fix: "Correct the domain in the source value or mapping, or register the domain in the \
            target so it is allowed.",
        ..ENTRY
    },
    KbEntry {
        code: "Timeout",
        category: ErrorClass::Transient,
        title: "Target answered too slowly",
        explanation: "The target did not respond within the time the service waits for a \
            call to complete.",
        fix: "Nothing for occasional occurrences. Persistent timeouts point at a slow or \
            overloaded target; raise them with the vendor.",
        retries: TRANSIENT_40_MIN,
        ..ENTRY
    },
    KbEntry {
        code: "LicenseLimitExceeded",
        category: ErrorClass::Capacity,
        title: "No licences left in the target",
        explanation: "The target application has no free licence for the user being created or \
            enabled.",
        fix: "Buy more licences in the application, or reduce the set of users assigned to it \
            in Entra.",
        ..ENTRY
    },
    KbEntry {
        code: "DuplicateTargetEntries",
        scope: Scope::Matching,
        category: ErrorClass::Matching,
        title: "Several target objects match",
        explanation: "More than one object in the target has the value of the matching \
            attribute, so the service cannot tell which one belongs to this user.",
        fix: "Remove or fix the duplicate in the target, or choose a matching attribute that \
            is unique there.",
        ..ENTRY
    },
    KbEntry {
        code: "DuplicateSourceEntries",
        scope: Scope::Matching,
        category: ErrorClass::Matching,
        title: "Several source objects match",
        explanation: "More than one object in the source carries the same matching value, so \
            they would all pair with one target object.",
        fix: "Make the matching attribute unique in the source, or match on a different \
            attribute.",
        ..ENTRY
    },
    KbEntry {
        code: "ImportSkipped",
        scope: Scope::Import,
        category: ErrorClass::Data,
        title: "No value for the matching attribute",
        explanation: "The user has no value in the attribute used for matching, so the service \
            cannot evaluate them and leaves them out.",
        fix: "Populate the matching attribute on the user in the source.",
        ..ENTRY
    },
    KbEntry {
        code: "EntrySynchronizationSkipped",
        scope: Scope::Skip,
        category: ErrorClass::Informational,
        title: "Skipped on purpose",
        explanation: "The object was not processed because it is out of scope or because \
            nothing about it needed to change. With \"sync all users and groups\" scope, many \
            such events are normal.",
        fix: "None needed. If the user should have been provisioned, check the assignment and \
            the scoping filters.",
        retries: Retry::NotAnError,
        ..ENTRY
    },
    // SCIM endpoints.
    KbEntry {
        code: "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
        scope: Scope::Scim,
        title: "SCIM filter returned several objects",
        explanation: "A SCIM query for one user or group by its matching value came back with \
            more than one result, which means the endpoint ignores or mishandles the filter.",
        fix: "Have the SCIM server evaluate the filter correctly so that an equality filter on \
            a unique attribute returns at most one object.",
        ..ENTRY
    },
    KbEntry {
        code: "SystemForCrossDomainIdentityManagementServiceIncompatible",
        scope: Scope::Scim,
        title: "SCIM response not understood",
        explanation: "The SCIM endpoint's answer could not be parsed; the service does not \
            consider it compatible with the SCIM protocol.",
        fix: "Bring the SCIM server's responses in line with the SCIM standard as Entra \
            expects it, then retry.",
        ..ENTRY
    },
    KbEntry {
        code: "SchemaPropertyCanOnlyAcceptValue",
        title: "Several values for a single-valued attribute",
        explanation: "A multi-valued source attribute is mapped to a target attribute that \
            holds exactly one value.",
        fix: "Change the mapping so only one value flows, for example with an expression that \
            picks a single entry.",
        ..ENTRY
    },
    // HR-driven provisioning to on-premises Active Directory.
    KbEntry {
        code: "SystemForCrossDomainIdentityManagementBadResponse",
        patterns: &["ConstraintViolation-AtrErr", "CONSTRAINT_ATT_TYPE"],
        scope: Scope::HrToAd,
        category: ErrorClass::Data,
        title: "Active Directory rejected a value",
        explanation: "Active Directory refused an attribute because it breaks a schema \
            constraint, most often a length limit: company and CN take at most 64 characters. \
            The message names the attribute after CONSTRAINT_ATT_TYPE.",
        fix: "Shorten the value in the mapping, for example with Mid(), or map a different \
            source attribute.",
        source: "Workday tutorial",
        ..ENTRY
    },
    KbEntry {
        code: "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
        aliases: &["INSUFF_ACCESS_RIGHTS"],
        patterns: &["INSUFF_ACCESS_RIGHTS", "problem 4003"],
        scope: Scope::HrToAd,
        category: ErrorClass::Permissions,
        title: "Agent account lacks rights in AD",
        explanation: "The agent's service account (a gMSA) may not write this object. Either \
            permission inheritance is switched off on its OU, or the user is protected by \
            AdminSDHolder (members of privileged groups), which resets its permissions. This \
            also happens in cloud sync.",
        fix: "Turn inheritance back on for the OU, handle AdminSDHolder-protected accounts \
            separately, or grant the service account the missing rights.",
        source: "insufficient-access-rights doc",
        ..ENTRY
    },
    KbEntry {
        code: "HybridSynchronizationActiveDirectoryCannotFindAttribute",
        scope: Scope::HrToAd,
        title: "Attribute missing from the AD schema",
        explanation: "The mapping writes an attribute that the agent does not know. The agent \
            caches the Active Directory schema, so recent schema extensions are not visible \
            to it yet.",
        fix: "Restart the provisioning agent after extending the schema, or fix the mapping if \
            the attribute really does not exist.",
        source: "hr-user-update-issues doc",
        ..ENTRY
    },
    KbEntry {
        code: "HybridSynchronizationActiveDirectoryUserPrincipalNameNotUnique",
        patterns: &["CONSTRAINT_ATT_TYPE - userPrincipalName"],
        scope: Scope::HrToAd,
        category: ErrorClass::Data,
        title: "UPN already used in the forest",
        explanation: "The userPrincipalName generated for the user is already taken by another \
            account somewhere in the Active Directory forest.",
        fix: "Make the UPN expression produce unique values, for example by adding a fallback \
            that appends a number or another attribute.",
        source: "Workday attribute troubleshooting doc",
        ..ENTRY
    },
    KbEntry {
        code: "InvalidAttributeSyntax",
        patterns: &["InvalidAttributeSyntax"],
        scope: Scope::HrToAd,
        category: ErrorClass::Data,
        title: "Empty value sent to AD",
        explanation: "Active Directory rejected an attribute with an LDAP syntax error (the \
            message reads InvalidAttributeSyntax-LdapErr … v3839). The usual cause is an empty \
            or null source value flowing into an attribute that does not accept one.",
        fix: "Wrap the mapping in IgnoreFlowIfNullOrEmpty(), or supply a default with Switch().",
        source: "hr-user-creation-issues doc",
        ..ENTRY
    },
    KbEntry {
        code: "OperationsError",
        patterns: &["No superior reference", "OperationsError-SvcErr"],
        scope: Scope::HrToAd,
        title: "Target OU does not exist",
        explanation: "Active Directory answered OperationsError with \"No superior \
            reference\": the container computed for the new account (parentDistinguishedName) \
            is not a valid OU in the domain.",
        fix: "Correct the expression that builds parentDistinguishedName so it yields an \
            existing OU.",
        source: "Workday tutorial",
        ..ENTRY
    },
    KbEntry {
        code: "EndpointUnavailable",
        scope: Scope::HrToAd,
        category: ErrorClass::Connectivity,
        title: "Agent could not read Active Directory",
        explanation: "Reported by an EntrySynchronizationError step: the provisioning agent \
            failed to query Active Directory for the object.",
        fix: "Look at the agent host's Event Viewer for entries with event ID 2 to find out why \
            the agent could not reach AD.",
        source: "Workday tutorial",
        ..ENTRY
    },
    // Inbound provisioning into Entra ID.
    KbEntry {
        code: "AzureActiveDirectoryInvalidUserPrincipalName",
        scope: Scope::HrToEntra,
        category: ErrorClass::Data,
        title: "Invalid UPN for Entra ID",
        explanation: "The userPrincipalName built for the new Entra user is not valid.",
        fix: "Build the UPN from an expression that always yields a valid value, for example \
            using RandomString() or DefaultDomain().",
        source: "inbound-provisioning-api-issues doc",
        ..ENTRY
    },
    // Cross-tenant synchronization.
    KbEntry {
        code: "AzureActiveDirectoryCannotUpdateObjectsOriginatedInExternalService",
        scope: Scope::CrossTenant,
        category: ErrorClass::Permissions,
        title: "Property owned by the target tenant",
        explanation: "Source-of-authority rules stop the sync from changing certain \
            properties (such as Mail or showInAddressList) on a user the target tenant \
            considers its own.",
        fix: "Usually nothing: the service retries without the blocked property. Change the \
            property in the target tenant if it must differ.",
        retries: Retry::Automatic {
            note: "The service retries the update without the blocked property.",
        },
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureDirectoryB2BManagementPolicyCheckFailure",
        scope: Scope::CrossTenant,
        title: "Automatic redemption not enabled",
        explanation: "Cross-tenant access settings do not allow automatic invitation \
            redemption in both directions, so the user cannot be created in the target.",
        fix: "Enable automatic redemption in the outbound settings of the source tenant and \
            the inbound settings of the target tenant.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureActiveDirectoryQuotaLimitExceeded",
        scope: Scope::CrossTenant,
        category: ErrorClass::Capacity,
        title: "Directory object quota reached",
        explanation: "The target tenant has reached its quota of directory objects and cannot \
            hold more users.",
        fix: "Have the target tenant's quota raised, or clean up unused objects there.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "InvitationCreationFailure",
        scope: Scope::CrossTenant,
        category: ErrorClass::Service,
        title: "Invitation could not be created",
        explanation: "Creating the B2B invitation for the user failed without a more specific \
            reason.",
        fix: "Open a Microsoft support case with the job ID and the failing user.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureActiveDirectoryForbidden",
        scope: Scope::CrossTenant,
        category: ErrorClass::Permissions,
        title: "External collaboration blocks invites",
        explanation: "The target tenant's external collaboration settings do not allow \
            inviting this user.",
        fix: "Allow invitations for the source tenant in the external collaboration settings.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "InvitationCreationFailureInvalidPropertyValue",
        scope: Scope::CrossTenant,
        category: ErrorClass::Data,
        title: "Invitation refused: bad property value",
        explanation: "A value used to invite the user is invalid: a malformed SMTP address, an \
            unsupported userType, or an email address already used by a group.",
        fix: "Correct mail and userType on the source user.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "InvitationCreationFailureAmbiguousUser",
        scope: Scope::CrossTenant,
        category: ErrorClass::Matching,
        title: "Address matches an internal user",
        explanation: "The invited user's proxy address is already held by an internal user of \
            the target tenant.",
        fix: "Delete the internal user in the target tenant if it is obsolete, or take the \
            source user out of scope.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureActiveDirectoryCannotUpdateObjectsMasteredOnPremises",
        scope: Scope::CrossTenant,
        category: ErrorClass::Permissions,
        title: "Target user is synced from on-premises",
        explanation: "The matched user in the target tenant has its source of authority in \
            on-premises Active Directory, so cross-tenant sync may not change it.",
        fix: "This cannot be updated through cross-tenant sync; manage the user on premises \
            in the target organisation, or scope it out.",
        source: "cross-tenant error codes",
        ..ENTRY
    },
    // Cloud sync (cloud-sync error codes reference).
    KbEntry {
        code: "TimeOut",
        scope: Scope::CloudSync,
        category: ErrorClass::Connectivity,
        title: "Agent request timed out",
        explanation: "A request sent through the Hybrid Identity Service to the cloud sync \
            agent got no answer within its 10-minute limit.",
        fix: "Troubleshoot the agent: check that its service runs, that the host is healthy, \
            and that it can reach Active Directory.",
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "HybridSynchronizationActiveDirectoryInternalServerError",
        scope: Scope::CloudSync,
        category: ErrorClass::Service,
        title: "Agent could not process the request",
        explanation: "The agent failed to turn the SCIM request into an Active Directory \
            search.",
        fix: "Read the HTTP response in the event details for the underlying cause.",
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "HybridIdentityServiceNoAgentsAssigned",
        scope: Scope::CloudSync,
        title: "No agent for the domain",
        explanation: "No cloud sync agent is registered for the Active Directory domain being \
            synchronised.",
        fix: "Install or re-register the provisioning agent for that domain.",
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "HybridIdentityServiceNoActiveAgents",
        scope: Scope::CloudSync,
        category: ErrorClass::Connectivity,
        title: "No agent is listening",
        explanation: "Agents are registered, but none is reachable: the agent service is \
            stopped or a firewall blocks its connection to Service Bus.",
        fix: "Start the agent service and open outbound access to Service Bus on the agent \
            host.",
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "HybridIdentityServiceInvalidResource",
        scope: Scope::CloudSync,
        title: "Agent resource name missing",
        explanation: "The resource name the service needs to address the agent is not set.",
        fix: "Re-register the agent, then restart the sync configuration.",
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "HybridIdentityServiceAgentSignalingError",
        scope: Scope::CloudSync,
        category: ErrorClass::Connectivity,
        title: "Service Bus cannot reach the agent",
        explanation: "The signal sent through Service Bus did not reach the agent.",
        fix: "Open a Microsoft support case and include the job ID.",
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureDirectoryServiceServerBusy",
        scope: Scope::CloudSync,
        category: ErrorClass::Transient,
        title: "Entra ID is busy",
        explanation: "Entra ID was too busy to handle the request (error 81).",
        fix: "Wait; it is retried automatically. Contact support only if it still fails after \
            24 hours.",
        retries: Retry::Automatic {
            note: "Retried automatically; escalate only after 24 hours.",
        },
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureActiveDirectoryInvalidCredential",
        patterns: &["AADSTS50034"],
        scope: Scope::CloudSync,
        category: ErrorClass::Credentials,
        title: "Sync service account missing",
        explanation: "The ADToAADSyncServiceAccount that cloud sync signs in with no longer \
            exists in the tenant (AADSTS50034).",
        fix: "Recreate the account with Repair-AADCloudSyncToolsAccount from the \
            AADCloudSyncTools module.",
        credential: true,
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureActiveDirectoryExpiredCredentials",
        patterns: &["AADSTS50055"],
        scope: Scope::CloudSync,
        category: ErrorClass::Credentials,
        http_status: Some(401),
        title: "Sync service account expired",
        explanation: "The credentials of the cloud sync service account have expired \
            (AADSTS50055, HTTP 401).",
        fix: "Repair the account with Repair-AADCloudSyncToolsAccount.",
        credential: true,
        source: "cloud-sync error codes",
        ..ENTRY
    },
    KbEntry {
        code: "AzureActiveDirectoryAuthenticationFailed",
        scope: Scope::CloudSync,
        category: ErrorClass::Credentials,
        title: "Authentication failed",
        explanation: "Cloud sync could not authenticate to Entra ID for a reason the service \
            does not identify.",
        fix: "Open a Microsoft support case.",
        credential: true,
        source: "cloud-sync error codes",
        ..ENTRY
    },
    // Skips and references.
    KbEntry {
        code: "AttributeValidationFailed",
        patterns: &["AttributeValidationFailed"],
        scope: Scope::Skip,
        category: ErrorClass::Data,
        title: "Required target attribute invalid",
        explanation: "Found as the SkipReason of an EntrySynchronizationSkip step, not as an \
            error code: an attribute the target requires (name.familyName, for example) is \
            empty or invalid, so the object was skipped.",
        fix: "Populate the source attribute that feeds the required target attribute.",
        source: "Elastic test fixture",
        ..ENTRY
    },
    KbEntry {
        code: "not effectively entitled",
        patterns: &["not effectively entitled"],
        scope: Scope::Skip,
        title: "Assignment not effective",
        explanation: "A step says the user is not effectively entitled to the application. \
            The assignment is broken, or it uses the Default Access role, which older \
            (pre-2020) configurations do not provision.",
        fix: "Remove the user's assignment and assign the user again with a proper role.",
        source: "no-users-provisioned doc",
        ..ENTRY
    },
    KbEntry {
        code: "UnableToResolveReferenceAttributeValue",
        patterns: &["UnableToResolveReferenceAttributeValue"],
        scope: Scope::Reference,
        category: ErrorClass::Data,
        title: "Referenced object not provisioned",
        explanation: "A reference attribute (group member, manager) points at an object that \
            has not been provisioned to the target, either not yet or because it is out of \
            scope. These failures do not count towards the 40 % escrow threshold.",
        fix: "Bring the referenced user or group into scope. If it is in scope but not yet \
            created, the reference resolves on a later cycle.",
        source: "log-analytics doc",
        ..ENTRY
    },
    // Job quarantine reasons (synchronizationJob status, shown beside the logs).
    KbEntry {
        code: "EncounteredQuarantineException",
        scope: Scope::Service,
        category: ErrorClass::Quarantine,
        title: "Quarantined: cannot connect",
        explanation: "The job is quarantined because the service cannot work with the target \
            at all, typically invalid credentials or no connection.",
        fix: "Fix the credentials or connectivity, run Test Connection, then restart the job.",
        credential: true,
        source: "quarantine-status doc",
        ..ENTRY
    },
    KbEntry {
        code: "EncounteredEscrowProportionThreshold",
        scope: Scope::Service,
        category: ErrorClass::Quarantine,
        title: "Quarantined: too many failures",
        explanation: "The job is quarantined because more than 40 % of its events failed \
            (reference failures aside). Cycles now run once a day.",
        fix: "Fix the most frequent error codes among the failures; quarantine lifts on the \
            next cycle once they succeed.",
        source: "quarantine-status doc",
        ..ENTRY
    },
    KbEntry {
        code: "QuarantineOnDemand",
        scope: Scope::Service,
        category: ErrorClass::Quarantine,
        title: "Quarantined by Microsoft",
        explanation: "Microsoft placed the job in quarantine manually.",
        fix: "Contact Microsoft support to learn why and what is needed to lift it.",
        source: "quarantine-status doc",
        ..ENTRY
    },
];

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

impl KbEntry {
    /// The code followed by its aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.code).chain(self.aliases.iter().copied())
    }
}

/// Exact spelling first, so `TimeOut` (cloud sync) and `Timeout` (applications) stay apart;
/// then ignoring ASCII case.
fn find_exact(code: &str) -> Option<&'static KbEntry> {
    find_exact_case(code).or_else(|| {
        KB.iter()
            .find(|e| e.names().any(|n| n.eq_ignore_ascii_case(code)))
    })
}

fn find_exact_case(code: &str) -> Option<&'static KbEntry> {
    KB.iter().find(|e| e.names().any(|n| n == code))
}

fn strip_prefix_ignore_case<'a>(code: &'a str, prefix: &str) -> Option<&'a str> {
    let head = code.get(..prefix.len())?;
    let rest = code.get(prefix.len()..)?;
    (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then_some(rest)
}

/// The entry whose code is the longest suffix of `code`. The suffix must be long enough (see
/// [`MIN_SUFFIX_LEN`]), span at least two words, and start where a new word starts in `code`,
/// so that `ReentryConflict` does not pass for `EntryConflict`.
fn longest_suffix(code: &str) -> Option<&'static KbEntry> {
    let has_upper = code.bytes().any(|b| b.is_ascii_uppercase());
    let mut best: Option<(usize, &'static KbEntry)> = None;
    for entry in KB {
        for name in entry.names() {
            if name.len() < MIN_SUFFIX_LEN
                || name.len() >= code.len()
                || word_count(name) < 2
                || best.is_some_and(|(len, _)| name.len() <= len)
            {
                continue;
            }
            let start = code.len() - name.len();
            let Some(tail) = code.get(start..) else {
                continue;
            };
            let at_word_start = !has_upper
                || code
                    .as_bytes()
                    .get(start)
                    .is_some_and(|b| b.is_ascii_uppercase());
            if at_word_start && tail.eq_ignore_ascii_case(name) {
                best = Some((name.len(), entry));
            }
        }
    }
    best.map(|(_, entry)| entry)
}

/// Counts CamelCase or underscore-separated words: `TooManyRequests` has three,
/// `INSUFF_ACCESS_RIGHTS` three, `Timeout` one.
fn word_count(name: &str) -> usize {
    let mut count = 0;
    let mut prev: Option<u8> = None;
    for b in name.bytes() {
        let starts = match prev {
            None => b.is_ascii_alphanumeric(),
            Some(p) => {
                (b.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                    || (b.is_ascii_alphanumeric() && !p.is_ascii_alphanumeric())
            }
        };
        if starts {
            count += 1;
        }
        prev = Some(b);
    }
    count
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Every code named in rows 1–53 of the error-code table in the export-formats reference
    /// (§8), with the row it comes from.
    const SPEC_CODES: &[(u32, &str)] = &[
        (1, "Conflict"),
        (1, "EntryConflict"),
        (2, "TooManyRequests"),
        (3, "InternalServerError"),
        (4, "InsufficientRights"),
        (5, "MethodNotAllowed"),
        (6, "NotPermitted"),
        (7, "Unauthorized"),
        (8, "UnprocessableEntity"),
        (9, "WebExceptionProtocolError"),
        (10, "InvalidAnchor"),
        (11, "NotImplemented"),
        (12, "MandatoryFieldsMissing"),
        (12, "MissingValues"),
        (13, "SchemaAttributeNotFound"),
        (14, "InternalError"),
        (15, "InvalidDomain"),
        (16, "Timeout"),
        (17, "LicenseLimitExceeded"),
        (18, "DuplicateTargetEntries"),
        (19, "DuplicateSourceEntries"),
        (20, "ImportSkipped"),
        (21, "EntrySynchronizationSkipped"),
        (
            22,
            "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
        ),
        (
            23,
            "SystemForCrossDomainIdentityManagementServiceIncompatible",
        ),
        (24, "SchemaPropertyCanOnlyAcceptValue"),
        (25, "SystemForCrossDomainIdentityManagementBadResponse"),
        (
            26,
            "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
        ),
        (26, "INSUFF_ACCESS_RIGHTS"),
        (
            27,
            "HybridSynchronizationActiveDirectoryCannotFindAttribute",
        ),
        (
            28,
            "HybridSynchronizationActiveDirectoryUserPrincipalNameNotUnique",
        ),
        (31, "EndpointUnavailable"),
        (32, "AzureActiveDirectoryInvalidUserPrincipalName"),
        (
            33,
            "AzureActiveDirectoryCannotUpdateObjectsOriginatedInExternalService",
        ),
        (34, "AzureDirectoryB2BManagementPolicyCheckFailure"),
        (35, "AzureActiveDirectoryQuotaLimitExceeded"),
        (36, "InvitationCreationFailure"),
        (37, "AzureActiveDirectoryForbidden"),
        (38, "InvitationCreationFailureInvalidPropertyValue"),
        (39, "InvitationCreationFailureAmbiguousUser"),
        (
            40,
            "AzureActiveDirectoryCannotUpdateObjectsMasteredOnPremises",
        ),
        (41, "TimeOut"),
        (
            42,
            "HybridSynchronizationActiveDirectoryInternalServerError",
        ),
        (43, "HybridIdentityServiceNoAgentsAssigned"),
        (44, "HybridIdentityServiceNoActiveAgents"),
        (45, "HybridIdentityServiceInvalidResource"),
        (46, "HybridIdentityServiceAgentSignalingError"),
        (47, "AzureDirectoryServiceServerBusy"),
        (48, "AzureActiveDirectoryInvalidCredential"),
        (49, "AzureActiveDirectoryExpiredCredentials"),
        (50, "AzureActiveDirectoryAuthenticationFailed"),
        (51, "AttributeValidationFailed"),
        (53, "UnableToResolveReferenceAttributeValue"),
    ];

    /// Rows of §8 known from message or step text, each with a sample text and the entry it
    /// must resolve to.
    const SPEC_TEXTS: &[(u32, &str, &str)] = &[
        (
            25,
            "ConstraintViolation-AtrErr: DSID-0000, CONSTRAINT_ATT_TYPE - company",
            "SystemForCrossDomainIdentityManagementBadResponse",
        ),
        (
            26,
            "00002098: SecErr: DSID-0000, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0",
            "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
        ),
        (
            28,
            "ConstraintViolation-AtrErr: DSID-0000, CONSTRAINT_ATT_TYPE - userPrincipalName",
            "HybridSynchronizationActiveDirectoryUserPrincipalNameNotUnique",
        ),
        (
            29,
            "InvalidAttributeSyntax-LdapErr: DSID-0000, comment: conversion failed, v3839",
            "InvalidAttributeSyntax",
        ),
        (
            30,
            "OperationsError-SvcErr: DSID-0000, problem 5012, No superior reference",
            "OperationsError",
        ),
        (
            51,
            "Skipped: SkipReason AttributeValidationFailed for name.familyName",
            "AttributeValidationFailed",
        ),
        (
            52,
            "User 'alex@contoso.com' is not effectively entitled to the application",
            "not effectively entitled",
        ),
        (
            53,
            "Failed to resolve manager: UnableToResolveReferenceAttributeValue",
            "UnableToResolveReferenceAttributeValue",
        ),
    ];

    fn check(code: &str, expected: Option<(&str, MatchKind)>) {
        let found = lookup_match(code).map(|m| (m.entry.code, m.kind));
        assert_eq!(found, expected, "lookup({code:?})");
    }

    #[test]
    fn every_spec_code_has_an_entry() {
        for (row, code) in SPEC_CODES {
            let entry = lookup(code);
            assert!(entry.is_some(), "row {row}: no entry for {code}");
            let kind = lookup_match(code).map(|m| m.kind);
            assert_eq!(kind, Some(MatchKind::Exact), "row {row}: {code} not exact");
        }
        let rows: HashSet<u32> = SPEC_CODES
            .iter()
            .map(|(row, _)| *row)
            .chain(SPEC_TEXTS.iter().map(|(row, _, _)| *row))
            .collect();
        assert_eq!(rows, (1..=53).collect(), "every row of §8 is covered");
    }

    #[test]
    fn every_spec_message_pattern_is_recognised() {
        for (row, text, expected) in SPEC_TEXTS {
            let from_reason = lookup_text(text, &[]).map(|e| e.code);
            assert_eq!(from_reason, Some(*expected), "row {row}: reason {text:?}");
            let from_step = lookup_text("", &["Retrieved user from source", text]).map(|e| e.code);
            assert_eq!(from_step, Some(*expected), "row {row}: step {text:?}");
        }
    }

    #[test]
    fn table_is_large_unique_and_complete() {
        assert!(KB.len() >= 50, "only {} entries", KB.len());
        let mut seen = HashSet::new();
        for entry in KB {
            for name in entry.names() {
                assert!(seen.insert(name), "duplicate code or alias {name}");
            }
            for text in [entry.title, entry.explanation, entry.fix, entry.source] {
                assert!(!text.trim().is_empty(), "{} has an empty field", entry.code);
            }
            if let Retry::Automatic { note } = entry.retries {
                assert!(!note.is_empty(), "{} has an empty retry note", entry.code);
            }
        }
        // Ignoring case, the only clash is the documented pair of timeout spellings.
        let mut folded: Vec<String> = seen.iter().map(|n| n.to_ascii_lowercase()).collect();
        crate::core::sort::sort(&mut folded);
        let clashes: Vec<&String> = folded
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| &w[0])
            .collect();
        assert_eq!(clashes, vec!["timeout"]);
    }

    #[test]
    fn timeout_spellings_stay_apart() {
        assert_eq!(lookup("Timeout").map(|e| e.scope), Some(Scope::App));
        assert_eq!(lookup("TimeOut").map(|e| e.scope), Some(Scope::CloudSync));
        assert_eq!(lookup("timeout").map(|e| e.scope), Some(Scope::App));
    }

    #[test]
    fn exact_lookup_ignores_case_and_whitespace() {
        check(
            "toomanyrequests",
            Some(("TooManyRequests", MatchKind::Exact)),
        );
        check(
            " MissingValues ",
            Some(("MandatoryFieldsMissing", MatchKind::Exact)),
        );
        check(
            "insuff_access_rights",
            Some((
                "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
                MatchKind::Exact,
            )),
        );
        check("", None);
    }

    #[test]
    fn application_prefixes_match_by_suffix() {
        check(
            "ContosoEntryConflict",
            Some(("EntryConflict", MatchKind::Suffix)),
        );
        check(
            "DropboxEntryConflict",
            Some(("EntryConflict", MatchKind::Suffix)),
        );
        check(
            "contosoentryconflict",
            Some(("EntryConflict", MatchKind::Suffix)),
        );
        check(
            "SalesforceInsufficientRights",
            Some(("InsufficientRights", MatchKind::Suffix)),
        );
        check(
            "WorkplaceTooManyRequests",
            Some(("TooManyRequests", MatchKind::Suffix)),
        );
        // InternalServerError is longer than InternalError and wins.
        check(
            "ServiceNowInternalServerError",
            Some(("InternalServerError", MatchKind::Suffix)),
        );
    }

    #[test]
    fn prefixed_codes_in_the_table_match_exactly() {
        check(
            "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
            Some((
                "HybridSynchronizationActiveDirectoryInsufficientAccessRights",
                MatchKind::Exact,
            )),
        );
        check(
            "HybridSynchronizationActiveDirectoryInternalServerError",
            Some((
                "HybridSynchronizationActiveDirectoryInternalServerError",
                MatchKind::Exact,
            )),
        );
        check(
            "AzureActiveDirectoryForbidden",
            Some(("AzureActiveDirectoryForbidden", MatchKind::Exact)),
        );
    }

    #[test]
    fn connector_prefixes_are_stripped_before_looking_again() {
        // After a known connector name even a one-word code is trusted.
        check(
            "AzureActiveDirectoryTimeout",
            Some(("Timeout", MatchKind::ConnectorPrefix)),
        );
        check(
            "HybridIdentityServiceTimeOut",
            Some(("TimeOut", MatchKind::ConnectorPrefix)),
        );
        check(
            "SystemForCrossDomainIdentityManagementConflict",
            Some(("Conflict", MatchKind::ConnectorPrefix)),
        );
        check(
            "AzureDirectoryUnauthorized",
            Some(("Unauthorized", MatchKind::ConnectorPrefix)),
        );
    }

    #[test]
    fn weak_or_unknown_suffixes_do_not_match() {
        // Unknown tails.
        check("ContosoSomethingUnexpected", None);
        check("AzureActiveDirectoryUnknownFailure", None);
        // One-word codes say too little after an unknown application name.
        check("FooBarTimeout", None);
        check("ContosoConflict", None);
        check("ContosoUnauthorized", None);
        // The suffix has to start a word.
        check("ReentryConflict", None);
    }

    #[test]
    fn text_prefers_the_most_specific_pattern() {
        let upn = "ConstraintViolation-AtrErr: CONSTRAINT_ATT_TYPE - userPrincipalName";
        assert_eq!(
            lookup_text(upn, &[]).map(|e| e.code),
            Some("HybridSynchronizationActiveDirectoryUserPrincipalNameNotUnique")
        );
        // A known multi-word code mentioned in a step detail is found when no pattern matches.
        assert_eq!(
            lookup_text(
                "",
                &["EntrySynchronizationError: ErrorCode = EndpointUnavailable"]
            )
            .map(|e| e.code),
            Some("EndpointUnavailable")
        );
        assert_eq!(
            lookup_text("AADSTS50055: password expired", &[]).map(|e| e.code),
            Some("AzureActiveDirectoryExpiredCredentials")
        );
        // Ordinary words are not codes.
        assert_eq!(
            lookup_text("There was a conflict and a timeout", &["Processed"]),
            None
        );
        assert_eq!(lookup_text("", &[]), None);
    }

    #[test]
    fn every_pattern_finds_its_own_entry() {
        for entry in KB {
            for pattern in entry.patterns {
                assert!(
                    !pattern.trim().is_empty(),
                    "{} has an empty pattern",
                    entry.code
                );
                let lower = pattern.to_ascii_lowercase();
                let found = lookup_text(&lower, &[]).map(|e| e.code);
                assert_eq!(found, Some(entry.code), "pattern {pattern:?}");
            }
        }
    }

    #[test]
    fn credential_failures_are_flagged() {
        for code in [
            "Unauthorized",
            "AzureActiveDirectoryInvalidCredential",
            "AzureActiveDirectoryExpiredCredentials",
        ] {
            assert_eq!(lookup(code).map(|e| e.credential), Some(true), "{code}");
        }
        for entry in KB.iter().filter(|e| e.credential) {
            assert!(
                matches!(
                    entry.category,
                    ErrorClass::Credentials | ErrorClass::Quarantine
                ),
                "{} is flagged as a credential failure",
                entry.code
            );
        }
        assert_eq!(lookup("TooManyRequests").map(|e| e.credential), Some(false));
    }

    #[test]
    fn transient_codes_retry_automatically() {
        for entry in KB.iter().filter(|e| e.category == ErrorClass::Transient) {
            assert!(
                matches!(entry.retries, Retry::Automatic { .. }),
                "{}",
                entry.code
            );
        }
        assert_eq!(
            lookup("EntrySynchronizationSkipped").map(|e| e.retries),
            Some(Retry::NotAnError)
        );
    }

    #[test]
    fn service_facts_hold_together() {
        assert_eq!(ESCROW_RETRY_DELAYS_HOURS.iter().sum::<u32>(), 42);
        assert_eq!(QUARANTINE_DISABLE_AFTER_DAYS, 4 * 7);
        assert_eq!(TRANSIENT_RETRY_MINUTES, TYPICAL_INCREMENTAL_CYCLE_MINUTES);
        assert!(RETRY_MARKER.starts_with("We are retrying"));
        assert_eq!(ALWAYS_LOGGED_ATTRIBUTE, "accountDisabled");
    }

    #[test]
    fn entries_serialize_for_the_app() {
        let json = serde_json::to_value(lookup("TooManyRequests")).unwrap_or_default();
        assert_eq!(json["code"], "TooManyRequests");
        assert_eq!(json["category"], "transient");
        assert_eq!(json["retries"]["kind"], "automatic");
        assert_eq!(json["httpStatus"], 429);
    }
}
