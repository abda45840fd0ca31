//! `/admin/customers/{customer_id}/contacts` and `/admin/contacts/{contact_id}`: people
//! on a customer with a notification role and no login, and turning one into a member.

use std::collections::{BTreeMap, BTreeSet};

use portico::domain::contact::{Contact, ContactInput, ContactPatch, ContactView, NewContact};
use portico::domain::customer::Customer;
use portico::domain::ids::{ContactId, CustomerId, GroupId, TenantId};
use portico::domain::mailing::NotificationKind;
use portico::domain::member::{Member, MemberView, NewMember};
use portico::domain::principal::AdminPrincipal;
use portico::domain::representation::{check_identity, check_version};
use portico::domain::rights::Permission;
use portico::domain::scope::ScopeInput;
use portico::domain::text::{Locale, Message};
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};
use serde::Deserialize;

use super::Upserted;
use crate::members::{invited, require_setup, send_credentials};
use crate::schema::Problem;

/// A contact by Portico id or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Contact>> {
    super::find_published(
        app,
        id_or_ref,
        ContactId::parse,
        |id| keys::contact_key(tenant, id),
        |r| keys::contact_ref(tenant, r),
    )
    .await
}

#[utoipa::path(get, path = "/admin/contacts/{contact_id}",
    params(("contact_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id or the back office's reference", example = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K")),
    responses((status = 200, body = ContactView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let found = find(app, admin.tenant, &req.path_param("contact_id")?).await?.ok_or(Error::NotFound)?;
    Ok(Reply::ok(&found.view())?.etag(found.version))
}

#[utoipa::path(put, path = "/admin/contacts/{contact_id}", request_body(content = ContactInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "first_name": "Bea", "last_name": "Billing", "email": "billing@harbor.test", "phone": "+31612345002", "role": "billing"})),
    params(("contact_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (a new one creates the contact), or Portico's id", example = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = ContactView), (status = 201, body = ContactView), (status = 400, body = Problem), (status = 404, body = Problem, description = "no contact has this Portico id"),
        (status = 409, body = Problem, description = "the customer differs from the one the contact was created under, or another request is publishing this reference at the same moment"),
        (status = 412, body = Problem), (status = 422, body = Problem, description = "the customer names none")))]
pub async fn put(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("contact_id")?;
    let input: ContactInput = req.body()?;
    upsert(app, &admin, &target, input, req.if_match()?).await?.reply()
}

/// `PUT /admin/contacts/{target}` with its parsed body: the route and a batch item.
pub async fn upsert(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: ContactInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let tenant = admin.tenant;
    let (before, reference) = super::current(
        app,
        "contact_id",
        target,
        ContactId::parse,
        |id| keys::contact_key(tenant, id),
        |r| keys::contact_ref(tenant, r),
        |found: &Contact| found.external_ref.clone(),
    )
    .await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    super::check_reference(input.external_ref.as_ref(), reference.as_ref())?;
    check_identity("id", input.id.as_ref(), before.as_ref().map(|b| &b.id))?;
    check_version(input.version, before.as_ref().map(|b| b.version))?;
    let customer = super::customers::named(app, tenant, "customer_id", &input.customer_id).await?;
    let mut tx = Tx::new(tenant, admin.actor());
    match (before, reference) {
        (Some(before), _) => {
            if customer.id != before.customer_id {
                return Err(Error::conflict(
                    "a contact's customer is fixed when it is created (`customer_id` must name the same customer)",
                ));
            }
            let mut after = before.clone();
            after.replace(input);
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "contacts");
            }
            tx.update(&before, &after, before.version, "contact.updated")?;
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "contacts")
        }
        (None, Some(reference)) => {
            let created = Contact::create(
                customer.id,
                NewContact {
                    first_name: input.first_name,
                    last_name: input.last_name,
                    email: input.email,
                    phone: input.phone,
                    role: input.role,
                    external_ref: Some(reference.clone()),
                },
            );
            tx.claim(
                keys::contact_ref(tenant, &reference),
                &created.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&created, "contact.created", "the contact exists")?;
            tx.require(keys::customer_key(tenant, customer.id));
            app.store.commit(tx).await?;
            Upserted::new(true, created.id, created.version, &created.view(), "contacts")
        }
        (None, None) => Err(Error::NotFound),
    }
}

async fn owner(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Customer> {
    let id = req.path_id("customer_id", CustomerId::parse)?;
    app.store.get::<Customer>(keys::customer_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

async fn load(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Contact> {
    let id = req.path_id("contact_id", ContactId::parse)?;
    app.store.get::<Contact>(keys::contact_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(post, path = "/admin/customers/{customer_id}/contacts", request_body(content = NewContact, example = json!({"first_name": "Bea", "last_name": "Billing", "email": "billing@harbor.test", "phone": "+31612345002", "role": "billing"})),
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ContactView), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewContact = req.body()?;
    super::new_reference(input.external_ref.as_ref(), ContactId::parse)?;
    let customer = owner(app, &req, &admin).await?;
    let contact = Contact::create(customer.id, input);
    let reply = Reply::created(&contact.view())?.etag(contact.version).at(format!("/admin/contacts/{}", contact.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    if let Some(reference) = &contact.external_ref {
        tx.claim(
            keys::contact_ref(admin.tenant, reference),
            &contact.id.to_string(),
            "another contact has this reference",
        );
    }
    tx.create(&contact, "contact.created", "the contact exists")?;
    tx.require(keys::customer_key(admin.tenant, customer.id));
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/admin/customers/{customer_id}/contacts",
    params(("customer_id" = portico::domain::ids::CustomerId, Path, example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::ContactPage), (status = 404, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let customer = owner(app, &req, &admin).await?;
    let page: Page<Contact> =
        app.store.page("contacts", &keys::contacts_of_customer(admin.tenant, customer.id), &paging).await?;
    Reply::ok(&page.map(|c| c.view()))
}

#[utoipa::path(patch, path = "/admin/contacts/{contact_id}", request_body(content = ContactPatch, example = json!({"role": "site_manager"})),
    params(("contact_id" = portico::domain::ids::ContactId, Path, example = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = ContactView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: ContactPatch = req.body()?;
    let before = load(app, &req, &admin).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.apply(patch);
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "contact.updated").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/contacts/{contact_id}",
    params(("contact_id" = portico::domain::ids::ContactId, Path, example = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9M"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "the contact is gone; a member made from it stays"), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let contact = load(app, &req, &admin).await?;
    guard::if_match(&req, contact.version)?;
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&contact, contact.version, "contact.deleted")?;
    if let Some(reference) = &contact.external_ref {
        tx.release(keys::contact_ref(admin.tenant, reference));
    }
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}

/// `POST /admin/contacts/{contact_id}/create-user`: the member's rights and the
/// invitation's message. Everything else comes from the contact.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub admin: Option<bool>,
    #[serde(default, deserialize_with = "portico::domain::tenant::unique")]
    pub permissions: BTreeSet<Permission>,
    pub scope: Option<ScopeInput>,
    #[serde(default, deserialize_with = "portico::domain::tenant::unique")]
    pub group_ids: BTreeSet<GroupId>,
    #[serde(default, deserialize_with = "portico::domain::tenant::unique")]
    pub notifications: BTreeSet<NotificationKind>,
    pub locale: Option<Locale>,
    pub message: Option<Message>,
}

#[utoipa::path(post, path = "/admin/contacts/{contact_id}/create-user", request_body(content = Option<CreateUser>, description = "optional", example = json!({"permissions": ["view_jobs"], "message": "Welcome aboard."})),
    params(("contact_id" = portico::domain::ids::ContactId, Path, example = "con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K")),
    responses((status = 201, body = MemberView, description = "the member, invited"), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "set-up not complete, the contact is already a member, or the email is taken")))]
pub async fn create_user(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: CreateUser = req.body_or_default()?;
    let contact = load(app, &req, &admin).await?;
    if let Some(member) = contact.member_id {
        return Err(Error::conflict(format!("the contact is already member {member}")));
    }
    let wanted = [keys::customer_key(admin.tenant, contact.customer_id), keys::settings_key(admin.tenant)];
    let members_query = keys::members_of_customer(admin.tenant, contact.customer_id);
    let none = BTreeMap::new();
    let (found, existing) =
        tokio::try_join!(app.store.batch(&wanted), app.store.query::<Member>(&members_query, 1, &none))?;
    let settings = found.settings()?;
    require_setup(&settings)?;
    let customer =
        found.one::<Customer>()?.ok_or_else(|| Error::conflict("the contact's customer no longer exists"))?;
    let scope = app.store.resolve_scope(admin.tenant, Some(&customer), input.scope).await?;
    app.store.groups(admin.tenant, &input.group_ids).await?;
    let new_member = NewMember {
        customer_id: customer.id,
        first_name: contact.first_name.clone(),
        last_name: contact.last_name.clone(),
        email: contact.email.clone(),
        phone: contact.phone.clone(),
        job_title: None,
        locale: input.locale,
        admin: input.admin,
        permissions: input.permissions,
        reports: Default::default(),
        approval_limits: Default::default(),
        scope: None,
        group_ids: input.group_ids,
        notifications: input.notifications,
    };
    let mut member = Member::create(new_member, customer.path.clone(), scope, existing.0.is_empty());
    member.contact_id = Some(contact.id);
    let mut linked = contact.clone();
    linked.became(member.id);

    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.create(&member, "member.created", "the member exists")?;
    tx.claim(
        keys::member_email(admin.tenant, &member.email),
        &member.id.to_string(),
        "a member with this email address exists",
    );
    tx.update(&contact, &linked, contact.version, "contact.became_member")?;
    tx.require(keys::customer_key(admin.tenant, customer.id));
    app.store.commit(tx).await?;

    // The member exists now; if the email fails, POST /admin/members/{id}/invite resends.
    let message = input.message.as_ref().map(|m| m.as_str());
    let login = send_credentials(app, &admin, &member, &settings, message, &member.email).await?;
    let mut after = member.clone();
    after.mark_invited(login);
    invited(app, &admin, &member, &after, &member.email).await?;
    Ok(Reply::created(&after.view())?.etag(after.version).at(format!("/admin/members/{}", after.id)))
}
