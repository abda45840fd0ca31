//! Assets as both the office and the members list them: an asset's history (its jobs),
//! and a list's sources by the next service due.

use portico::domain::asset::{AssetJobLink, HISTORY_PAGE};
use portico::domain::ids::{AssetId, TenantId};
use portico::domain::job::JobStatus;
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Page, Paging};
use portico::{App, Result};

/// One page of an asset's jobs, newest first (one Query of its links): with `statuses`,
/// only those. `list` names the list for its cursor (include who reads it).
pub async fn history(
    app: &App,
    tenant: TenantId,
    asset: AssetId,
    list: &str,
    statuses: &[JobStatus],
    cursor: Option<String>,
) -> Result<Page<AssetJobLink>> {
    // Empty is the first page, as `?cursor=` is.
    let paging = Paging { limit: HISTORY_PAGE, cursor: cursor.filter(|c| !c.is_empty()) };
    let wanted: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let conditions = Conditions::default().any_of("status", &wanted);
    let source = Source::all(keys::jobs_of_asset(tenant, asset));
    let mut page = app.store.newest_first::<AssetJobLink>(list, &[source], &conditions, &paging).await?;
    page.items.retain(|l| l.asset_id == asset && (statuses.is_empty() || statuses.contains(&l.status)));
    Ok(page)
}

/// The sources of an asset list: a partition's part with a service due by `by` (a range
/// of the sort key), or all of it.
pub fn due_source(query: keys::QueryKey, by: Option<portico::domain::tenant::Timestamp>) -> Source {
    let mut source = Source::all(query);
    if let Some(by) = by {
        source.lo = portico::domain::asset::due_sort(Some(by));
    }
    source
}
