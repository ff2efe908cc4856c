//! Reading the council's answer from an OParl 1.x server (the standard interface of German
//! council information systems): the `Paper` the results went to, its consultations, their
//! agenda items (whose `result` says what the council decided) and meetings (the date).
//!
//! Agenda items name the proposals they decide by their public number, "#123", and a
//! budget's projects by theirs, "P-12", as the report prints them; an item naming neither
//! is reported back, not guessed.

use super::results;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::db::storage_error;
use crate::backend::entity::{procedure, proposal};
use crate::backend::proxies::Networks;
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::content;
use crate::model::moderation::Visibility;
use crate::model::procedure::Slug;
use crate::model::results::DecisionSource;
use crate::model::results::{CouncilOutcome, CouncilPaper, OutcomeForm};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// The most consultations read from one paper.
const MAX_CONSULTATIONS: usize = 200;
/// The largest OParl object read.
const MAX_BODY_BYTES: u64 = 2 * 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportReport {
    /// Outcomes recorded or changed.
    pub recorded: u32,
    /// Outcomes that were already recorded as the council system has them.
    pub unchanged: u32,
    /// Agenda items that name no proposal of this procedure.
    pub unmatched: Vec<String>,
}

/// Reads the paper at `paper_url` (or the one the procedure is linked to), links the
/// procedure to it and records the outcome of every proposal an agenda item names.
pub async fn import(
    db: &DatabaseConnection,
    site: &SiteSettings,
    user: &CurrentUser,
    slug: &Slug,
    paper_url: Option<String>,
    now: DateTime<Utc>,
) -> Result<ImportReport, AppError> {
    user.require(Permission::Plan)?;
    let row = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let url = paper_url
        .filter(|u| !u.trim().is_empty())
        .or(row.council_paper_url.clone())
        .ok_or_else(|| AppError::invalid("url", "required"))?;
    let allowed = &site.oparl_allowed;
    let paper = fetch(url.trim(), allowed).await?;
    if !type_is(&paper, "Paper") {
        return Err(AppError::invalid("url", "not_an_oparl_paper"));
    }
    let linked = CouncilPaper {
        url: url.trim().to_owned(),
        reference: text(&paper, "reference"),
        title: text(&paper, "name"),
    };
    results::set_council_paper(db, user, slug, linked, now).await?;

    let mut report = ImportReport::default();
    let consultations = paper
        .get("consultation")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for consultation in consultations.into_iter().take(MAX_CONSULTATIONS) {
        let consultation = resolve(consultation, allowed).await?;
        let Some(item_url) = consultation.get("agendaItem").and_then(Value::as_str) else {
            continue;
        };
        let item = fetch(item_url, allowed).await?;
        let name = text(&item, "name");
        let matched = proposals_in(db, row.id, &proposal_numbers(&name)).await?;
        // An item naming nothing of ours is reported without reading its meeting.
        if matched.is_empty() && !content::names_council_items(&name) {
            report.unmatched.push(name);
            continue;
        }
        let form = outcome_form(&item, &consultation, allowed).await?;
        for id in &matched {
            let changed =
                results::record_outcome(db, site, user, *id, &form, DecisionSource::Oparl, now)
                    .await?;
            if changed {
                report.recorded += 1;
            } else {
                report.unchanged += 1;
            }
        }
        // The formats' items it names (a budget's projects).
        let (named, recorded, unchanged) =
            content::council_item(db, site, user, row.id, &name, &form, now).await?;
        report.recorded += recorded;
        report.unchanged += unchanged;
        if matched.is_empty() && named == 0 {
            report.unmatched.push(name);
        }
    }
    Ok(report)
}

/// The outcome an agenda item states, with the date of its meeting.
async fn outcome_form(
    item: &Value,
    consultation: &Value,
    allowed: &Networks,
) -> Result<OutcomeForm, AppError> {
    let meeting_url = item
        .get("meeting")
        .or_else(|| consultation.get("meeting"))
        .and_then(Value::as_str);
    let meeting_date = match meeting_url {
        Some(url) => date_of(&fetch(url, allowed).await?),
        None => String::new(),
    };
    let result = text(item, "result");
    let resolution = text(item, "resolutionText");
    Ok(OutcomeForm {
        outcome: CouncilOutcome::from_council_text(&result)
            .as_str()
            .to_owned(),
        justification: if resolution.is_empty() {
            result
        } else {
            resolution
        },
        meeting_date,
    })
}

/// The proposal numbers an agenda item names: every `#` followed by digits.
pub fn proposal_numbers(text: &str) -> Vec<i64> {
    crate::model::text::numbers_after(text, "#", false)
}

/// Of these numbers, the visible proposals of the procedure.
async fn proposals_in(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    numbers: &[i64],
) -> Result<Vec<i64>, AppError> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let rows = proposal::Entity::find()
        .filter(proposal::Column::ProcedureId.eq(procedure_id))
        .filter(proposal::Column::Id.is_in(numbers.to_vec()))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
    ids.sort_unstable();
    Ok(ids)
}

pub(crate) fn type_is(object: &Value, kind: &str) -> bool {
    object
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.rsplit('/').next() == Some(kind))
}

pub(crate) fn text(object: &Value, key: &str) -> String {
    object
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A meeting's date: the day its `start` falls on (`YYYY-MM-DD…`).
pub(crate) fn date_of(meeting: &Value) -> String {
    let start = text(meeting, "start");
    match start.get(..10) {
        Some(day) if crate::model::time::LocalDate::parse_iso(day).is_some() => day.to_owned(),
        _ => String::new(),
    }
}

/// An OParl list entry is either the object or its URL.
async fn resolve(entry: Value, allowed: &Networks) -> Result<Value, AppError> {
    match entry {
        Value::String(url) => fetch(&url, allowed).await,
        other => Ok(other),
    }
}

/// One OParl object over HTTP(S), with a timeout and a size limit, from public addresses
/// only (and the networks `allowed`), checked after name resolution for the first request
/// and for every redirect. Whatever fails (refused address, closed port, timeout, an
/// answer that is not JSON) is one and the same error: the import must not tell a planner
/// what answers where inside the city's network.
async fn fetch(url: &str, allowed: &Networks) -> Result<Value, AppError> {
    let unreachable = || AppError::invalid("url", "unreachable");
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(AppError::invalid("url", "not_a_web_address"));
    }
    let url = url.to_owned();
    let resolver = PublicOnly {
        allowed: allowed.clone(),
    };
    let body = tokio::task::spawn_blocking(move || -> Result<String, String> {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .max_redirects(5)
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            resolver,
        );
        let mut response = agent
            .get(&url)
            .header("Accept", "application/json")
            .call()
            .map_err(|e| format!("{url}: {e}"))?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_string()
            .map_err(|e| format!("{url}: {e}"))
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|detail| {
        tracing::warn!("OParl import: {detail}");
        unreachable()
    })?;
    serde_json::from_str(&body).map_err(|_| unreachable())
}

/// Resolves names as usual, then keeps only addresses on the public internet (or in the
/// allowed networks): loopback, private, link-local, shared, multicast and reserved ones
/// are dropped, so a name that resolves to them is "not found". ureq asks it for every
/// connection, redirects included, and connects to what it returns (no second lookup).
#[derive(Debug)]
struct PublicOnly {
    allowed: Networks,
}

impl ureq::unversioned::resolver::Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let all = ureq::unversioned::resolver::Resolver::resolve(
            &ureq::unversioned::resolver::DefaultResolver::default(),
            uri,
            config,
            timeout,
        )?;
        let mut kept = self.empty();
        for &address in &all {
            if public(address.ip()) || self.allowed.contains(address.ip()) {
                kept.push(address);
            } else {
                tracing::warn!(%address, "OParl import: address refused");
            }
        }
        if kept.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(kept)
    }
}

/// Whether an address is on the public internet.
pub(crate) fn public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0]) // NAT64 of any address
                || first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
        }
    }
}

fn public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4.is_unspecified()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_read() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "ff02::1",
        ] {
            assert!(
                !public(refused.parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))),
                "{refused}"
            );
        }
        for allowed in ["193.99.144.80", "2a00:1450:4001::200e", "::ffff:8.8.8.8"] {
            assert!(
                public(allowed.parse().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))),
                "{allowed}"
            );
        }
    }

    #[test]
    fn agenda_items_name_proposals_by_number() {
        assert_eq!(
            proposal_numbers("Bürgervorschläge #12 und #7 (Radweg), nicht #12"),
            vec![12, 7]
        );
        assert!(proposal_numbers("TOP 4: Haushalt").is_empty());
        assert!(proposal_numbers("# ohne Zahl").is_empty());
    }
}
