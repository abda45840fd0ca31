//! Creates on the local endpoint what `infra/template.yaml` declares: the table (keys,
//! GSI1, stream, TTL), the user pool (immutable custom attributes, email and phone
//! sign-in, password policy, admin-only sign-up, verified updates of email and phone,
//! optional TOTP), its groups and app client, the files bucket and the SES sender
//! identity.

use anyhow::Context as _;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AttributeDataType, ExplicitAuthFlowsType, PasswordPolicyType,
    PreventUserExistenceErrorTypes, ResourceServerScopeType, SchemaAttributeType, SmsConfigurationType,
    SoftwareTokenMfaConfigType, StringAttributeConstraintsType, UserAttributeUpdateSettingsType, UserPoolMfaType,
    UserPoolPolicyType, UsernameAttributeType, VerifiedAttributeType,
};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use portico::domain::principal::{ApiScope, GROUP_ADMIN, GROUP_MEMBER, GROUP_OPERATOR, RESOURCE_SERVER};
use serde::{Deserialize, Serialize};

use crate::stack::Aws;

pub const TABLE: &str = "portico";
pub const BUCKET: &str = "portico-files";
pub const SENDER_DOMAIN: &str = "portico.test";
pub const SENDER: &str = "portal@portico.test";
/// What the app client may write on its own user, as the template declares: the names.
/// Email and phone (sign-in attributes) change only through the API.
pub const CLIENT_WRITE_ATTRIBUTES: [&str; 2] = ["given_name", "family_name"];

/// What provisioning created.
/// The configuration set's name (the template names it after the stack).
pub const CONFIGURATION_SET: &str = "portico-notifications";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Provisioned {
    pub table_name: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    pub bucket: String,
    pub sender: String,
    /// The SES configuration set notifications are sent with (its bounce and complaint
    /// destination exists only in AWS: the local endpoint does not send mail anywhere).
    #[serde(default)]
    pub configuration_set: String,
}

impl Provisioned {
    /// The OAuth 2.0 token endpoint integrations get tokens at: in AWS on the pool's
    /// domain, locally served by the local endpoint (`infra/local/local_cognito.py`).
    pub fn token_url(&self, endpoint: &str) -> String {
        format!("{}/oauth2/token", endpoint.trim_end_matches('/'))
    }

    /// The issuer Cognito writes into tokens of this pool.
    pub fn issuer(&self) -> String {
        format!("https://cognito-idp.{}.amazonaws.com/{}", crate::stack::REGION, self.user_pool_id)
    }
}

fn key(name: &str, kind: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder().attribute_name(name).key_type(kind).build()?)
}

fn string_attr(name: &str) -> anyhow::Result<AttributeDefinition> {
    Ok(AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build()?)
}

fn index(name: &str) -> anyhow::Result<GlobalSecondaryIndex> {
    Ok(GlobalSecondaryIndex::builder()
        .index_name(name)
        .set_key_schema(Some(vec![
            key(&format!("{name}PK"), KeyType::Hash)?,
            key(&format!("{name}SK"), KeyType::Range)?,
        ]))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()?)
}

async fn table(aws: &Aws) -> anyhow::Result<()> {
    let db = aws.dynamodb();
    db.create_table()
        .table_name(TABLE)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(vec![
            string_attr("PK")?,
            string_attr("SK")?,
            string_attr("GSI1PK")?,
            string_attr("GSI1SK")?,
            string_attr("GSI2PK")?,
            string_attr("GSI2SK")?,
            string_attr("GSI3PK")?,
            string_attr("GSI3SK")?,
        ]))
        .set_key_schema(Some(vec![key("PK", KeyType::Hash)?, key("SK", KeyType::Range)?]))
        .global_secondary_indexes(index("GSI1")?)
        .global_secondary_indexes(index("GSI2")?)
        .global_secondary_indexes(index("GSI3")?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()?,
        )
        .send()
        .await
        .context("CreateTable")?;
    db.update_time_to_live()
        .table_name(TABLE)
        .time_to_live_specification(
            TimeToLiveSpecification::builder().attribute_name("expires_at").enabled(true).build()?,
        )
        .send()
        .await
        .context("UpdateTimeToLive")?;
    Ok(())
}

fn custom_attr(name: &str) -> SchemaAttributeType {
    SchemaAttributeType::builder()
        .name(name)
        .attribute_data_type(AttributeDataType::String)
        .mutable(false)
        .string_attribute_constraints(
            StringAttributeConstraintsType::builder().min_length("4").max_length("64").build(),
        )
        .build()
}

async fn user_pool(aws: &Aws) -> anyhow::Result<(String, String)> {
    let idp = aws.cognito();
    let pool = idp
        .create_user_pool()
        .pool_name("portico-users")
        .username_attributes(UsernameAttributeType::Email)
        .username_attributes(UsernameAttributeType::PhoneNumber)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(12)
                        .require_lowercase(true)
                        .require_uppercase(true)
                        .require_numbers(true)
                        .require_symbols(true)
                        .temporary_password_validity_days(7)
                        .build(),
                )
                .build(),
        )
        .schema(custom_attr("tenant_id"))
        .schema(custom_attr("member_id"))
        .schema(custom_attr("staff_id"))
        // As the template: only Portico creates users; a new email address or phone
        // number counts once its code comes back (the old one signs in until then);
        // TOTP multi-factor sign-in for those who turn it on; SMS codes through SNS.
        .admin_create_user_config(AdminCreateUserConfigType::builder().allow_admin_create_user_only(true).build())
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
        .user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .attributes_require_verification_before_update(VerifiedAttributeType::PhoneNumber)
                .build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .sms_configuration(
            SmsConfigurationType::builder()
                .sns_caller_arn(format!(
                    "arn:aws:iam::{}:role/portico-cognito-sms",
                    aws.account.as_deref().unwrap_or(crate::stack::DEFAULT_ACCOUNT)
                ))
                .external_id("portico-cognito-sms")
                .sns_region(crate::stack::REGION)
                .build(),
        )
        .send()
        .await
        .context("CreateUserPool")?
        .user_pool
        .context("no user pool")?;
    let pool_id = pool.id.context("no pool id")?;
    // CloudFormation's `EnabledMfas: [SOFTWARE_TOKEN_MFA]` is this call in the API.
    idp.set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .mfa_configuration(UserPoolMfaType::Optional)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .send()
        .await
        .context("SetUserPoolMfaConfig")?;
    for group in [GROUP_OPERATOR, GROUP_ADMIN, GROUP_MEMBER] {
        idp.create_group().user_pool_id(&pool_id).group_name(group).send().await.context("CreateGroup")?;
    }
    // As the template's `UserPoolResourceServer`: the scopes integrations are granted.
    let scopes = ApiScope::GRANTABLE
        .iter()
        .filter_map(|s| {
            s.name().map(|name| {
                ResourceServerScopeType::builder().scope_name(name).scope_description(s.description()).build()
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    idp.create_resource_server()
        .user_pool_id(&pool_id)
        .identifier(RESOURCE_SERVER)
        .name("Portico admin API")
        .set_scopes(Some(scopes))
        .send()
        .await
        .context("CreateResourceServer")?;
    let client = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("portal")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .enable_token_revocation(true)
        .set_read_attributes(Some(
            [
                "email",
                "email_verified",
                "phone_number",
                "phone_number_verified",
                "given_name",
                "family_name",
                "custom:tenant_id",
                "custom:member_id",
                "custom:staff_id",
            ]
            .map(String::from)
            .to_vec(),
        ))
        .set_write_attributes(Some(CLIENT_WRITE_ATTRIBUTES.map(String::from).to_vec()))
        .send()
        .await
        .context("CreateUserPoolClient")?
        .user_pool_client
        .context("no client")?;
    Ok((pool_id, client.client_id.context("no client id")?))
}

/// Provisions everything; safe to call once per (endpoint, account).
pub async fn provision(aws: &Aws) -> anyhow::Result<Provisioned> {
    let ((), (user_pool_id, user_pool_client_id)) = tokio::try_join!(table(aws), user_pool(aws))?;
    // Bucket names are global across accounts: tests' accounts get their own.
    let bucket = match &aws.account {
        Some(account) => format!("{BUCKET}-{account}"),
        None => BUCKET.to_owned(),
    };
    aws.s3().create_bucket().bucket(&bucket).send().await.context("CreateBucket")?;
    aws.ses().create_email_identity().email_identity(SENDER_DOMAIN).send().await.context("CreateEmailIdentity")?;
    aws.ses()
        .create_configuration_set()
        .configuration_set_name(CONFIGURATION_SET)
        .send()
        .await
        .context("CreateConfigurationSet")?;
    Ok(Provisioned {
        table_name: TABLE.into(),
        user_pool_id,
        user_pool_client_id,
        bucket,
        sender: SENDER.into(),
        configuration_set: CONFIGURATION_SET.into(),
    })
}
