//! Derived dimensions of an event: its scenario, the identity it concerns, normalized system
//! names. Shared by every analysis so that they agree on what "an identity" or "a job" is.

use serde::{Deserialize, Serialize};

use crate::core::model::{Event, Store, Sym};

/// The provisioning flow an event belongs to.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// HR system (Workday, SuccessFactors, API-driven) into Active Directory or Entra ID.
    HrInbound,
    /// Active Directory into Entra ID through cloud sync.
    CloudSync,
    /// Entra ID out to an application (SCIM or gallery app).
    AppProvisioning,
    /// Entra ID tenant to tenant.
    CrossTenant,
    #[default]
    Unknown,
}

impl Scenario {
    pub const ALL: [Scenario; 5] = [
        Scenario::HrInbound,
        Scenario::CloudSync,
        Scenario::AppProvisioning,
        Scenario::CrossTenant,
        Scenario::Unknown,
    ];

    /// The name used in JSON, filters and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::HrInbound => "hr_inbound",
            Scenario::CloudSync => "cloud_sync",
            Scenario::AppProvisioning => "app_provisioning",
            Scenario::CrossTenant => "cross_tenant",
            Scenario::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scenario::HrInbound => "HR inbound",
            Scenario::CloudSync => "Cloud sync",
            Scenario::AppProvisioning => "App provisioning",
            Scenario::CrossTenant => "Cross-tenant sync",
            Scenario::Unknown => "Unknown",
        }
    }
}

/// The one name provlens uses for Entra ID, whichever of its names the log carries.
pub const ENTRA: &str = "Microsoft Entra ID";

/// True for every name Entra ID has had in the logs.
pub fn is_entra(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case("Azure Active Directory")
        || n.eq_ignore_ascii_case("Microsoft Entra ID")
        || n.eq_ignore_ascii_case("Azure AD")
        || n.eq_ignore_ascii_case("Entra ID")
}

/// A system name with Entra ID's old and new names treated as one.
pub fn system_name(name: &str) -> &str {
    if is_entra(name) {
        ENTRA
    } else {
        name.trim()
    }
}

fn is_hr_system(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "workday",
        "successfactors",
        "api-driven",
        "inbound provisioning api",
        "sap",
        "oracle hcm",
    ]
    .iter()
    .any(|k| n.contains(k))
}

fn is_active_directory(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case("Active Directory")
        || n.eq_ignore_ascii_case("On-premises Active Directory")
}

/// Derives the scenario from the job id's template prefix, then from the system names.
pub fn scenario(job_id: &str, source: &str, target: &str) -> Scenario {
    let prefix = job_id.split('.').next().unwrap_or("").to_ascii_lowercase();
    if prefix.starts_with("azure2azure") {
        return Scenario::CrossTenant;
    }
    if prefix.starts_with("ad2aad") {
        return Scenario::CloudSync;
    }
    if ["workday", "successfactors", "api2", "sap", "oracle"]
        .iter()
        .any(|p| prefix.starts_with(p))
    {
        return Scenario::HrInbound;
    }
    if is_hr_system(source) {
        return Scenario::HrInbound;
    }
    if is_active_directory(source) && is_entra(target) {
        return Scenario::CloudSync;
    }
    if is_entra(source) && is_entra(target) {
        return Scenario::CrossTenant;
    }
    if is_entra(source) && !target.trim().is_empty() {
        return Scenario::AppProvisioning;
    }
    if !prefix.is_empty() && (prefix.contains("scim") || prefix.contains("outdelta")) {
        return Scenario::AppProvisioning;
    }
    Scenario::Unknown
}

/// The scenario of one stored event.
pub fn event_scenario(store: &Store, e: &Event) -> Scenario {
    scenario(
        store.str(e.job_id),
        store.str(e.source_system.name),
        store.str(e.target_system.name),
    )
}

/// The key that names the identity an event concerns: the source object id, else the
/// reportable identifier, else the UPN, else the display name.
pub fn identity_key(e: &Event) -> Sym {
    [e.source.id, e.reportable_id, e.source.upn, e.source.name]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or(Sym::EMPTY)
}

/// The job key: the job id, else the service principal's name (older exports lack job ids).
pub fn job_key(e: &Event) -> Sym {
    if e.job_id.is_empty() {
        e.service_principal.name
    } else {
        e.job_id
    }
}

/// An identity type compared case-insensitively: lowercase, and SCIM URNs shortened.
pub fn identity_type(raw: &str) -> String {
    let t = raw.trim();
    let short = t.rsplit(':').next().unwrap_or(t);
    if short.is_empty() {
        "unknown".to_string()
    } else {
        short.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_follow_job_prefixes_then_systems() {
        assert_eq!(
            scenario("AD2AADProvisioning.t.g", "", ""),
            Scenario::CloudSync
        );
        assert_eq!(scenario("Azure2Azure.t.g", "", ""), Scenario::CrossTenant);
        assert_eq!(scenario("Workday2AD.t.g", "", ""), Scenario::HrInbound);
        assert_eq!(
            scenario("x", "Active Directory", "Microsoft Entra ID"),
            Scenario::CloudSync
        );
        assert_eq!(
            scenario(
                "DropboxSCIMOutDelta.t.g",
                "Azure Active Directory",
                "Dropbox"
            ),
            Scenario::AppProvisioning
        );
        assert_eq!(
            scenario("", "Workday", "Active Directory"),
            Scenario::HrInbound
        );
        assert_eq!(scenario("", "", ""), Scenario::Unknown);
    }

    #[test]
    fn entra_names_are_one_system() {
        assert_eq!(system_name("Azure Active Directory"), ENTRA);
        assert_eq!(system_name("microsoft entra id"), ENTRA);
        assert_eq!(system_name("Dropbox"), "Dropbox");
    }

    #[test]
    fn identity_types_compare_case_insensitively() {
        assert_eq!(identity_type("User"), "user");
        assert_eq!(
            identity_type("urn:ietf:params:scim:schemas:core:2.0:User"),
            "user"
        );
        assert_eq!(identity_type(""), "unknown");
    }
}
