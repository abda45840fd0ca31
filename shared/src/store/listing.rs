//! Newest-first lists merged from several partitions, a page at a time.
//!
//! A member's jobs (or work requests) live in one partition per customer and one per
//! site (see `keys.rs`); their scope names a few of those partitions. Every partition
//! sorts by the same key (`<time>#<id>`), so a page is a k-way merge: each partition is
//! queried, newest first, below the cursor, for at most `limit + 1` items; filters are
//! DynamoDB filter expressions, so each query still *reads* at most `limit + 1` items.
//! A page therefore costs at most `partitions × (limit + 1)` item reads, however many
//! items the partitions hold. When a filter skips items, a partition may stop early;
//! only items above every unfinished partition's frontier are certainly complete, so the
//! page ends there (and may be short, with a `next_cursor`).
//!
//! The cursor is the sort key of the last item returned, signed and bound to the list
//! (the caller's rights, the filter), so it cannot be replayed elsewhere.

use std::collections::HashMap;

use anyhow::Context as _;
use aws_sdk_dynamodb::types::AttributeValue;

use super::cursor::Position;
use super::keys::{QueryKey, Stored, GSI1, GSI1SK, GSI2, GSI2PK, GSI2SK, GSI3, GSI3PK, GSI3SK, PK, SK};
use super::{decode, item_type, Item, Page, Paging, Store};
use crate::error::Result;

/// How many partitions are queried at once.
const CONCURRENCY: usize = 16;
/// Query rounds per page before a short page is returned with a cursor.
const MAX_ROUNDS: usize = 3;

/// One partition a list reads, between two sort keys (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub query: QueryKey,
    pub lo: String,
    pub hi: String,
}

impl Source {
    /// The whole partition, or the part of it after the query's sort-key prefix.
    pub fn all(query: QueryKey) -> Self {
        let prefix = query.sk_prefix.clone().unwrap_or_default();
        Self { lo: format!("{prefix}0"), hi: format!("{prefix}~"), query }
    }

    /// Only sort keys that start with a time between `from` and `to` (stamps).
    pub fn between(query: QueryKey, from: Option<String>, to: Option<String>) -> Self {
        let mut s = Self::all(query);
        if let Some(from) = from {
            s.lo = from;
        }
        if let Some(to) = to {
            s.hi = format!("{to}~");
        }
        s
    }
}

/// Extra conditions on the items read (a DynamoDB filter expression).
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    parts: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Conditions {
    /// `attribute` is one of `values` (no condition when `values` is empty).
    pub fn any_of(mut self, attribute: &str, values: &[&str]) -> Self {
        if values.is_empty() {
            return self;
        }
        let n = self.parts.len();
        let name = format!("#c{n}");
        let placeholders: Vec<String> = (0..values.len()).map(|i| format!(":c{n}v{i}")).collect();
        for (p, v) in placeholders.iter().zip(values) {
            self.values.insert(p.clone(), AttributeValue::S((*v).to_owned()));
        }
        self.names.insert(name.clone(), attribute.to_owned());
        self.parts.push(format!("{name} IN ({})", placeholders.join(", ")));
        self
    }

    /// `attribute` (a list) holds any of `values` (no condition when `values` is empty).
    pub fn contains_any(mut self, attribute: &str, values: &[&str]) -> Self {
        if values.is_empty() {
            return self;
        }
        let n = self.parts.len();
        let name = format!("#c{n}");
        let terms: Vec<String> = (0..values.len()).map(|i| format!("contains({name}, :c{n}v{i})")).collect();
        for (i, v) in values.iter().enumerate() {
            self.values.insert(format!(":c{n}v{i}"), AttributeValue::S((*v).to_owned()));
        }
        self.names.insert(name, attribute.to_owned());
        // DynamoDB refuses redundant parentheses.
        self.parts.push(if terms.len() == 1 { terms[0].clone() } else { format!("({})", terms.join(" OR ")) });
        self
    }

    /// `attribute` (a boolean) is true.
    pub fn is_true(mut self, attribute: &str) -> Self {
        let n = self.parts.len();
        let name = format!("#c{n}");
        self.values.insert(format!(":c{n}t"), AttributeValue::Bool(true));
        self.parts.push(format!("{name} = :c{n}t"));
        self.names.insert(name, attribute.to_owned());
        self
    }

    /// `attribute` (a string) is at least `lo` / at most `hi`.
    pub fn within(mut self, attribute: &str, lo: Option<String>, hi: Option<String>) -> Self {
        let n = self.parts.len();
        let name = format!("#c{n}");
        if let Some(lo) = lo {
            self.values.insert(format!(":c{n}lo"), AttributeValue::S(lo));
            self.parts.push(format!("{name} >= :c{n}lo"));
            self.names.insert(name.clone(), attribute.to_owned());
        }
        if let Some(hi) = hi {
            self.values.insert(format!(":c{n}hi"), AttributeValue::S(hi));
            self.parts.push(format!("{name} <= :c{n}hi"));
            self.names.insert(name, attribute.to_owned());
        }
        self
    }

    /// Invoices in any of `statuses` at the time `now` (a stamp): `paid` is
    /// `paid >= total` (`Invoice::settle`); `overdue` unpaid with `due_at < now`; `due` unpaid with
    /// `due_at >= now` (times are stored as fixed-width UTC text, so they compare as text).
    pub fn invoice_status(mut self, statuses: &[&str], now: String) -> Self {
        let unique: std::collections::BTreeSet<&str> = statuses.iter().copied().collect();
        if unique.is_empty() || unique.len() == 3 {
            return self;
        }
        let n = self.parts.len();
        let (paid, total, due, at) = (format!("#c{n}p"), format!("#c{n}t"), format!("#c{n}d"), format!(":c{n}now"));
        // DynamoDB refuses redundant parentheses and unused names or values.
        let single = unique.len() == 1;
        let unpaid = |cmp: &str| {
            let term = format!("{paid} < {total} AND {due} {cmp} {at}");
            if single {
                term
            } else {
                format!("({term})")
            }
        };
        let any: Vec<String> = unique
            .iter()
            .map(|s| match *s {
                "paid" => format!("{paid} >= {total}"),
                "overdue" => unpaid("<"),
                _ => unpaid(">="),
            })
            .collect();
        let expression = any.join(" OR ");
        self.names.insert(paid, "paid".into());
        self.names.insert(total, "total".into());
        if expression.contains(&due) {
            self.names.insert(due, "due_at".into());
            self.values.insert(at, AttributeValue::S(now));
        }
        self.parts.push(if single { expression } else { format!("({expression})") });
        self
    }

    fn expression(&self) -> Option<String> {
        (!self.parts.is_empty()).then(|| self.parts.join(" AND "))
    }
}

/// What one partition gave: its items with their sort keys, newest first, and — when it
/// has more — the sort key it stopped at.
struct Slice {
    items: Vec<(String, Item)>,
    frontier: Option<String>,
}

fn sort_attribute(index: Option<&str>) -> (&'static str, &'static str) {
    match index {
        None => (PK, SK),
        Some(GSI2) => (GSI2PK, GSI2SK),
        Some(GSI3) => (GSI3PK, GSI3SK),
        Some(GSI1) | Some(_) => (super::keys::GSI1PK, GSI1SK),
    }
}

impl Store {
    async fn slice(&self, source: &Source, below: Option<&str>, limit: i32, filter: &Conditions) -> Result<Slice> {
        let (pk_name, sk_name) = sort_attribute(source.query.index);
        let hi = match below {
            Some(b) if b < source.hi.as_str() => b.to_owned(),
            _ => source.hi.clone(),
        };
        if hi < source.lo {
            return Ok(Slice { items: Vec::new(), frontier: None });
        }
        let mut req = self
            .db
            .query()
            .table_name(&self.table)
            .set_index_name(source.query.index.map(str::to_owned))
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_names("#sk", sk_name)
            .expression_attribute_values(":pk", AttributeValue::S(source.query.pk.clone()))
            .expression_attribute_values(":lo", AttributeValue::S(source.lo.clone()))
            .expression_attribute_values(":hi", AttributeValue::S(hi))
            .scan_index_forward(false)
            .limit(limit);
        if let Some(expr) = filter.expression() {
            req = req.filter_expression(expr);
            for (k, v) in &filter.names {
                req = req.expression_attribute_names(k, v);
            }
            for (k, v) in &filter.values {
                req = req.expression_attribute_values(k, v.clone());
            }
        }
        let out = req.send().await.context("Query")?;
        let sk_of = |item: &Item| item.get(sk_name).and_then(|v| v.as_s().ok()).cloned();
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .filter_map(|item| sk_of(&item).map(|sk| (sk, item)))
            .filter(|(sk, _)| below.is_none_or(|b| sk.as_str() < b))
            .collect();
        let frontier = out.last_evaluated_key.as_ref().and_then(sk_of);
        Ok(Slice { items, frontier })
    }

    /// A page of items of type `E` from `sources`, newest first (see the module docs).
    /// `list` names the list for its cursors: include whatever decides what it shows.
    pub async fn newest_first<E: Stored>(
        &self,
        list: &str,
        sources: &[Source],
        filter: &Conditions,
        paging: &Paging,
    ) -> Result<Page<E>> {
        let mut below: Option<String> = match &paging.cursor {
            Some(c) => self.cursors.decode(list, c)?.key.get("below").cloned(),
            None => None,
        };
        let limit = paging.limit as usize;
        let mut page: Vec<(String, Item)> = Vec::new();
        let mut done = sources.is_empty();
        for _round in 0..MAX_ROUNDS {
            if done || page.len() >= limit {
                break;
            }
            let want = (limit - page.len() + 1) as i32;
            let mut slices = Vec::with_capacity(sources.len());
            for chunk in sources.chunks(CONCURRENCY) {
                let calls = chunk.iter().map(|s| self.slice(s, below.as_deref(), want, filter));
                slices.extend(futures_util::future::try_join_all(calls).await?);
            }
            // Everything at or above the highest unfinished frontier has been seen.
            let threshold = slices.iter().filter_map(|s| s.frontier.clone()).max();
            let mut seen: Vec<(String, Item)> = slices
                .into_iter()
                .flat_map(|s| s.items)
                .filter(|(sk, _)| threshold.as_ref().is_none_or(|t| sk >= t))
                .collect();
            seen.sort_by(|a, b| b.0.cmp(&a.0));
            seen.dedup_by(|a, b| a.0 == b.0);
            let room = limit - page.len();
            if seen.len() > room {
                seen.truncate(room);
                below = seen.last().map(|(sk, _)| sk.clone());
                page.extend(seen);
                done = false;
                break;
            }
            page.extend(seen);
            match threshold {
                Some(t) => below = Some(t),
                None => done = true,
            }
            if page.len() >= limit {
                below = page.last().map(|(sk, _)| sk.clone());
                break;
            }
        }
        let next_cursor = (!done).then(|| {
            let key = below.iter().map(|b| ("below".to_owned(), b.clone())).collect();
            self.cursors.encode(list, &Position { part: 0, key })
        });
        let items = page
            .into_iter()
            .filter(|(_, item)| item_type(item) == Some(E::TYPE))
            .map(|(_, item)| decode(item))
            .collect::<Result<Vec<E>>>()?;
        Ok(Page { items, next_cursor })
    }
}

/// The list filters that admins' and members' lists share, as query conditions: one
/// place for each, whoever lists.
impl Conditions {
    /// Jobs by status and category (`GET /admin/jobs`, `GET /portal/jobs`).
    pub fn of_jobs(filter: &crate::domain::job::JobFilter) -> Self {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        let categories: Vec<&str> = filter.categories.iter().map(|c| c.as_str()).collect();
        Self::default().any_of("status", &statuses).any_of("category", &categories)
    }

    /// Quotes by status: the stored status (`expired` is a `sent` quote, told apart
    /// after the read).
    pub fn of_quotes(filter: &crate::domain::quote::QuoteFilter) -> Self {
        Self::default().any_of("status", &filter.stored())
    }

    /// Invoices by their status at `at` (derived from the balance and the due time).
    pub fn of_invoices(filter: &crate::domain::invoice::InvoiceFilter, at: crate::domain::tenant::Timestamp) -> Self {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        Self::default().invoice_status(&statuses, super::keys::stamp(at))
    }
}
