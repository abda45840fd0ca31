//! What a member may do: feature permissions, KPI reports and approval limits — granted
//! to a member and to access groups alike. A leaf: the entities that carry rights import
//! it, and it imports none of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Feature permissions (strings fixed by the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ViewJobs,
    ExportJobs,
    ViewCompletedJobs,
    CreateWorkRequests,
    AddJobNotes,
    ViewQuotes,
    ApproveQuotes,
    ViewInvoices,
    /// Pay invoices online (with the `payments` feature on).
    PayInvoices,
    ViewAssets,
    ViewDocuments,
    ViewMessages,
    ViewReports,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Permission::ViewJobs,
        Permission::ExportJobs,
        Permission::ViewCompletedJobs,
        Permission::CreateWorkRequests,
        Permission::AddJobNotes,
        Permission::ViewQuotes,
        Permission::ApproveQuotes,
        Permission::ViewInvoices,
        Permission::PayInvoices,
        Permission::ViewAssets,
        Permission::ViewDocuments,
        Permission::ViewMessages,
        Permission::ViewReports,
    ];
}

/// Approval limits: the most a member may approve per quote, per currency, in minor units
/// (`{"EUR": 500000}` is EUR 5,000.00).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct ApprovalLimits(pub BTreeMap<super::currency::Currency, i64>);

impl std::ops::Deref for ApprovalLimits {
    type Target = BTreeMap<super::currency::Currency, i64>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// KPI reports (strings fixed by the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    TotalServiceRepairs,
    CalibrationsOnTime,
    QuotesByStatus,
    OpenCallsContractEquipment,
    MostExpensiveEquipment,
    EquipmentOpenRejectedQuotes,
    EquipmentInService,
    CompletedServiceVisits,
    FirstTimeFix,
}
