//! The deployment's templates, as code reads them and as code writes them.
//!
//! `infra/template.yaml` (written by hand) holds what the functions share — table, user
//! pool, bucket, the HTTP API and its JWT authorizer — and one nested stack per area of
//! the product. Each area's stack, `infra/stacks/<area>.yaml`, is **generated** from the
//! route table (`portico_functions::ROUTES`, where each route declares the AWS it may
//! use): per operation a function with its own least-privilege policy, its integration,
//! its route and the permission for API Gateway to invoke it. Five resources per
//! operation, in stacks that each stay far below CloudFormation's 500 (see
//! `docs/decisions/0002-nested-stacks-per-area.md` and `infra/check_stack_size.py`).
//!
//! The local gateway reads its routes from the same files, so it serves what the
//! deployment serves.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context as _};
use portico_functions::{Access, Area, Route, ROUTES};
use serde_json::{json, Map, Value};

/// The file of an area's stack, relative to `infra/`.
pub fn stack_file(area: Area) -> String {
    format!("stacks/{}.yaml", area.name())
}

/// What the root template passes every area's stack.
pub const STACK_PARAMETERS: &[(&str, &str)] = &[
    ("ApiId", "The HTTP API the routes belong to"),
    ("AuthorizerId", "The API's Cognito JWT authorizer"),
    ("AdminAuthorizerId", "The admin routes' Lambda authorizer (staff and integrations)"),
    ("Table", "The DynamoDB table's name"),
    ("TableArn", "The DynamoDB table's ARN"),
    ("UserPool", "The Cognito user pool's id"),
    ("UserPoolArn", "The Cognito user pool's ARN"),
    ("FilesBucket", "The files bucket's name"),
    ("FilesBucketArn", "The files bucket's ARN"),
    ("SenderEmail", "The From address of Portico's email"),
    ("SenderDomain", "The SES identity mail is sent from"),
    ("AdminUrl", "Where tenant admins sign in"),
    ("CursorSecret", "Signs paging cursors"),
    ("OriginSecret", "What CloudFront adds to every request it sends to the API"),
    ("PreviousOriginSecret", "While OriginSecret is replaced, the one before it (or empty)"),
    ("LogGroup", "The log group every function writes to"),
    ("TokenUrl", "The user pool domain's OAuth 2.0 token endpoint (integrations' credentials)"),
    ("StripeSecretKey", "The platform's Stripe secret key (empty: no online payment)"),
    ("StripeWebhookSecret", "The signing secret of the platform's Stripe Connect webhook endpoint"),
];

fn r(name: &str) -> Value {
    json!({ "Ref": name })
}

fn sub(text: &str) -> Value {
    json!({ "Fn::Sub": text })
}

/// The IAM statements of one route's policy.
fn statements(route: &Route) -> Vec<Value> {
    let table = || json!([r("TableArn"), sub("${TableArn}/index/*")]);
    let mut dynamodb: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for access in route.access {
        match access {
            Access::Read => dynamodb.extend(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]),
            Access::Write => dynamodb.extend([
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem",
            ]),
            Access::Cognito(actions) => out.push(json!({
                "Effect": "Allow",
                "Action": actions.iter().map(|a| format!("cognito-idp:{a}")).collect::<Vec<_>>(),
                "Resource": r("UserPoolArn"),
            })),
            Access::Mail => out.push(json!({
                "Effect": "Allow",
                "Action": "ses:SendEmail",
                "Resource": sub("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderDomain}"),
            })),
            Access::FilesRead => out.push(json!({
                "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [sub("${FilesBucketArn}/tenants/*")],
            })),
            Access::FilesUpload => out.push(json!({
                "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [sub("${FilesBucketArn}/uploads/tenants/*")],
            })),
            Access::FilesAttach => out.extend([
                json!({
                    "Effect": "Allow", "Action": ["s3:GetObject"],
                    "Resource": [sub("${FilesBucketArn}/uploads/tenants/*"), sub("${FilesBucketArn}/tenants/*")],
                }),
                json!({
                    "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [sub("${FilesBucketArn}/tenants/*")],
                }),
                // HeadObject of a key that is not there answers 404 only to a caller who
                // may list the bucket (403 otherwise): attaching tells "not uploaded yet"
                // (a 4xx for the client) from a fault by it.
                json!({ "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [r("FilesBucketArn")] }),
            ]),
            Access::Public | Access::Processor => {}
        }
    }
    dynamodb.dedup();
    let mut all = vec![json!({"Effect": "Allow", "Action": dynamodb, "Resource": table()})];
    all.extend(out);
    all
}

/// Functions that may run longer than the stacks' default 10 seconds.
fn timeout(route: &Route) -> Option<u32> {
    match route.operation {
        // Up to 10,000 rows, page after page.
        "ExportMyJobs" => Some(30),
        _ => None,
    }
}

/// The four resources of one route (SAM adds the function's role).
fn resources(route: &Route) -> Vec<(String, Value)> {
    let op = route.operation;
    let function = format!("{op}Function");
    let integration = format!("{op}Integration");
    // In an execute-api ARN a path parameter is `*`.
    let arn_path: String =
        route.path.split('/').map(|s| if s.starts_with('{') { "*" } else { s }).collect::<Vec<_>>().join("/");
    let mut properties = json!({
        "Description": route.key(),
        "Policies": [{"Version": "2012-10-17", "Statement": statements(route)}],
    });
    if let Some(seconds) = timeout(route) {
        properties["Timeout"] = json!(seconds);
    }
    if route.access.contains(&Access::Processor) {
        // The processor's secrets, to these functions alone (docs/payments.md).
        properties["Environment"] = json!({"Variables": {
            "PORTICO_STRIPE_SECRET_KEY": r("StripeSecretKey"),
            "PORTICO_STRIPE_WEBHOOK_SECRET": r("StripeWebhookSecret"),
        }});
    }
    vec![
        (
            function.clone(),
            json!({
                "Type": "AWS::Serverless::Function",
                "Metadata": {"BuildMethod": "rust-cargolambda", "BuildProperties": {"Binary": "portico"}},
                "Properties": properties,
            }),
        ),
        (
            integration.clone(),
            json!({
                "Type": "AWS::ApiGatewayV2::Integration",
                "Properties": {
                    "ApiId": r("ApiId"),
                    "IntegrationType": "AWS_PROXY",
                    "IntegrationUri": {"Fn::GetAtt": [function, "Arn"]},
                    "PayloadFormatVersion": "2.0",
                },
            }),
        ),
        (format!("{op}Route"), {
            let mut properties = json!({
                "ApiId": r("ApiId"),
                "RouteKey": route.key(),
                "AuthorizationType": "JWT",
                "AuthorizerId": r("AuthorizerId"),
                "Target": sub(&format!("integrations/${{{integration}}}")),
            });
            if route.is_public() {
                properties["AuthorizationType"] = json!("NONE");
                properties.as_object_mut().map(|p| p.remove("AuthorizerId"));
            } else if route.audience() == portico_functions::Audience::Admin {
                // Integrations' tokens have no audience the JWT authorizer could check
                // (docs/decisions/0003-integration-tokens.md).
                properties["AuthorizationType"] = json!("CUSTOM");
                properties["AuthorizerId"] = r("AdminAuthorizerId");
            }
            json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": properties})
        }),
        (
            format!("{op}Permission"),
            json!({
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": r(&function),
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": sub(&format!(
                        "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{ApiId}}/*/{}{}",
                        route.method, arn_path
                    )),
                },
            }),
        ),
    ]
}

/// An area's stack, as YAML.
pub fn area_stack(area: Area) -> anyhow::Result<String> {
    let mut parameters = Map::new();
    for (name, description) in STACK_PARAMETERS {
        let mut p = json!({"Type": "String", "Description": description});
        if name.contains("Secret") {
            p["NoEcho"] = json!(true);
        }
        parameters.insert((*name).to_owned(), p);
    }
    let mut resources_map = Map::new();
    for route in ROUTES.iter().filter(|r| r.area == area) {
        for (name, resource) in resources(route) {
            resources_map.insert(name, resource);
        }
    }
    if resources_map.is_empty() {
        bail!("area {} has no routes", area.name());
    }
    let doc = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": format!("Portico, {} operations: one function per route, each with its own policy. Generated from the route table (functions/src/lib.rs) by `make generate`; do not edit.", area.name()),
        "Parameters": parameters,
        "Globals": {"Function": {
            "Runtime": "provided.al2023",
            "Architectures": ["arm64"],
            "Handler": "bootstrap",
            "CodeUri": "../..",
            "MemorySize": 256,
            "Timeout": 10,
            "Tracing": "Active",
            "LoggingConfig": {"LogFormat": "JSON", "LogGroup": r("LogGroup")},
            "Environment": {"Variables": {
                "PORTICO_TABLE": r("Table"),
                "PORTICO_USER_POOL_ID": r("UserPool"),
                "PORTICO_SENDER": r("SenderEmail"),
                "PORTICO_ADMIN_URL": r("AdminUrl"),
                "PORTICO_CURSOR_SECRET": r("CursorSecret"),
                "PORTICO_BUCKET": r("FilesBucket"),
                // Requests that do not carry it are refused (`portico::http::origin`).
                "PORTICO_ORIGIN_SECRET": r("OriginSecret"),
                "PORTICO_ORIGIN_SECRET_PREVIOUS": r("PreviousOriginSecret"),
                "PORTICO_TOKEN_URL": r("TokenUrl"),
            }},
        }},
        "Resources": resources_map,
    });
    let yaml = serde_yaml_ng::to_string(&doc).context("writing YAML")?;
    // YAML 1.1 readers (cfn-lint's, say) would take an unquoted version for a date.
    let yaml = yaml
        .replacen("AWSTemplateFormatVersion: 2010-09-09", "AWSTemplateFormatVersion: '2010-09-09'", 1)
        .replace("Version: 2012-10-17\n", "Version: '2012-10-17'\n");
    Ok(format!("# Generated by `make generate` from the route table (functions/src/lib.rs). Do not edit.\n{yaml}"))
}

/// A route as the templates declare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRoute {
    pub method: String,
    pub path: String,
    /// The function's logical id (e.g. `CreateTenantFunction`).
    pub function: String,
    /// Which authorizer checks its callers' tokens.
    pub authorization: Authorization,
}

/// A route's `AuthorizationType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorization {
    /// None: anyone may call it (the links in emails).
    None,
    /// The Cognito JWT authorizer: ID tokens of the web app's client.
    Jwt,
    /// The Lambda REQUEST authorizer (`portico::http::authorizer`): ID tokens, and
    /// integrations' client-credentials tokens.
    Custom,
}

impl TemplateRoute {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

fn read(path: &Path) -> anyhow::Result<serde_yaml_ng::Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml_ng::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn resources_of(doc: &serde_yaml_ng::Value) -> anyhow::Result<&serde_yaml_ng::Mapping> {
    doc.get("Resources").and_then(|r| r.as_mapping()).context("a template without Resources")
}

fn type_of(resource: &serde_yaml_ng::Value) -> Option<&str> {
    resource.get("Type").and_then(|t| t.as_str())
}

/// The templates of a deployment: the root and every nested stack it names, by path.
pub fn templates(root: &Path) -> anyhow::Result<Vec<(std::path::PathBuf, serde_yaml_ng::Value)>> {
    let doc = read(root)?;
    let dir = root.parent().context("the template's folder")?;
    let mut all = Vec::new();
    for resource in resources_of(&doc)?.values() {
        if type_of(resource) == Some("AWS::Serverless::Application") {
            let location = resource
                .get("Properties")
                .and_then(|p| p.get("Location"))
                .and_then(|l| l.as_str())
                .context("a nested stack without a local Location")?;
            let path = dir.join(location);
            let nested = read(&path)?;
            all.push((path, nested));
        }
    }
    all.insert(0, (root.to_owned(), doc));
    Ok(all)
}

/// The text of `Fn::Sub` (long form or `!Sub`), `Ref` and `Fn::GetAtt`'s logical id.
fn intrinsic<'a>(value: &'a serde_yaml_ng::Value, function: &str) -> Option<&'a serde_yaml_ng::Value> {
    if let Some(v) = value.get(format!("Fn::{function}")).or_else(|| value.get(function)) {
        return Some(v);
    }
    match value {
        serde_yaml_ng::Value::Tagged(t) if t.tag == format!("!{function}").as_str() => Some(&t.value),
        _ => None,
    }
}

/// Every route of the deployment, from the root template and its nested stacks: the
/// `AWS::ApiGatewayV2::Route`s (with their integration's function), and any function's
/// `HttpApi` events.
pub fn template_routes(root: &Path) -> anyhow::Result<Vec<TemplateRoute>> {
    let mut routes = Vec::new();
    for (path, doc) in templates(root)? {
        let resources = resources_of(&doc)?;
        let integrations: BTreeMap<&str, &serde_yaml_ng::Value> = resources
            .iter()
            .filter(|(_, r)| type_of(r) == Some("AWS::ApiGatewayV2::Integration"))
            .filter_map(|(name, r)| Some((name.as_str()?, r)))
            .collect();
        for (name, resource) in resources {
            let props = resource.get("Properties");
            match type_of(resource) {
                Some("AWS::ApiGatewayV2::Route") => {
                    let props = props.context("a route without Properties")?;
                    let key = props.get("RouteKey").and_then(|k| k.as_str()).context("a route without RouteKey")?;
                    let (method, route_path) = key.split_once(' ').context("a RouteKey without a method")?;
                    let target = props
                        .get("Target")
                        .and_then(|t| intrinsic(t, "Sub"))
                        .and_then(|t| t.as_str())
                        .context("a route without a Target")?;
                    let integration = target
                        .strip_prefix("integrations/${")
                        .and_then(|t| t.strip_suffix('}'))
                        .and_then(|i| integrations.get(i))
                        .with_context(|| format!("{key}: its integration is not in {}", path.display()))?;
                    let function = integration
                        .get("Properties")
                        .and_then(|p| p.get("IntegrationUri"))
                        .and_then(|u| intrinsic(u, "GetAtt"))
                        .and_then(|g| {
                            g.get(0)
                                .and_then(|f| f.as_str())
                                .map(str::to_owned)
                                .or_else(|| g.as_str().and_then(|s| s.split('.').next()).map(str::to_owned))
                        })
                        .with_context(|| format!("{key}: the integration names no function"))?;
                    routes.push(TemplateRoute {
                        method: method.to_uppercase(),
                        path: route_path.to_owned(),
                        function,
                        authorization: match props.get("AuthorizationType").and_then(|a| a.as_str()) {
                            Some("JWT") => Authorization::Jwt,
                            Some("CUSTOM") => Authorization::Custom,
                            _ => Authorization::None,
                        },
                    });
                }
                Some("AWS::Serverless::Function") => {
                    let Some(events) = props.and_then(|p| p.get("Events")).and_then(|e| e.as_mapping()) else {
                        continue;
                    };
                    for event in events.values().filter(|e| e.get("Type").and_then(|t| t.as_str()) == Some("HttpApi")) {
                        let p = event.get("Properties").context("HttpApi event without Properties")?;
                        let method =
                            p.get("Method").and_then(|m| m.as_str()).context("HttpApi event without Method")?;
                        let route_path =
                            p.get("Path").and_then(|m| m.as_str()).context("HttpApi event without Path")?;
                        routes.push(TemplateRoute {
                            method: method.to_uppercase(),
                            path: route_path.to_owned(),
                            function: name.as_str().context("resource name")?.to_owned(),
                            authorization: if p.get("Auth").and_then(|a| a.get("Authorizer")).and_then(|a| a.as_str())
                                == Some("NONE")
                            {
                                Authorization::None
                            } else {
                                Authorization::Jwt
                            },
                        });
                    }
                }
                _ => {}
            }
        }
    }
    Ok(routes)
}

/// The `Properties` of the root template's `AWS::Cognito::UserPoolClient`.
pub fn template_user_pool_client(root: &Path) -> anyhow::Result<serde_yaml_ng::Value> {
    properties_of(root, "AWS::Cognito::UserPoolClient")
}

/// The `Properties` of the root template's `AWS::Cognito::UserPoolResourceServer`.
pub fn template_resource_server(root: &Path) -> anyhow::Result<serde_yaml_ng::Value> {
    properties_of(root, "AWS::Cognito::UserPoolResourceServer")
}

/// The `Properties` of the root template's `AWS::Cognito::UserPool`.
pub fn template_user_pool(root: &Path) -> anyhow::Result<serde_yaml_ng::Value> {
    properties_of(root, "AWS::Cognito::UserPool")
}

fn properties_of(root: &Path, kind: &str) -> anyhow::Result<serde_yaml_ng::Value> {
    let doc = read(root)?;
    resources_of(&doc)?
        .values()
        .find(|r| type_of(r) == Some(kind))
        .and_then(|r| r.get("Properties"))
        .cloned()
        .with_context(|| format!("the template declares no {kind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_resource_server_declares_exactly_the_grantable_scopes() {
        use portico::domain::principal::{ApiScope, RESOURCE_SERVER};
        let root = crate::workspace_root().join("infra/template.yaml");
        let server = template_resource_server(&root).unwrap();
        assert_eq!(server["Identifier"].as_str(), Some(RESOURCE_SERVER));
        let declared: Vec<&str> =
            server["Scopes"].as_sequence().unwrap().iter().map(|s| s["ScopeName"].as_str().unwrap()).collect();
        let grantable: Vec<&str> = ApiScope::GRANTABLE.iter().filter_map(|s| s.name()).collect();
        assert_eq!(declared, grantable);
        // Each with the description the API's document gives it.
        for (scope, declared) in ApiScope::GRANTABLE.iter().zip(server["Scopes"].as_sequence().unwrap()) {
            assert_eq!(declared["ScopeDescription"].as_str(), Some(scope.description()), "{scope:?}");
        }
        // The domain that serves the token endpoint, named in every area's functions.
        assert!(properties_of(&root, "AWS::Cognito::UserPoolDomain").is_ok());
    }

    #[test]
    fn read_routes_only_read() {
        for route in ROUTES {
            let writes = route.access.contains(&Access::Write);
            // Reads never write; every POST writes (its Idempotency-Key record, at least).
            assert_eq!(writes, route.method != "GET", "{}: {:?}", route.key(), route.access);
            assert!(route.access.contains(&Access::Read) != writes, "{}: Read or Write, exactly one", route.key());
        }
    }

    #[test]
    fn a_routes_policy_names_only_what_it_declares() {
        let invite = ROUTES.iter().find(|r| r.operation == "InviteMember").unwrap();
        let text = serde_json::to_string(&statements(invite)).unwrap();
        assert!(text.contains("cognito-idp:AdminCreateUser") && text.contains("ses:SendEmail"));
        let read = ROUTES.iter().find(|r| r.operation == "GetMe").unwrap();
        let text = serde_json::to_string(&statements(read)).unwrap();
        assert!(!text.contains("PutItem") && !text.contains("cognito") && !text.contains("s3:"), "{text}");
        // Only the functions that make logins may create users.
        for route in ROUTES {
            let text = serde_json::to_string(&statements(route)).unwrap();
            let creates = text.contains("AdminCreateUser");
            assert_eq!(
                creates,
                ["CreateTenant", "InviteMember", "CreateUserFromContact", "CreateStaff"].contains(&route.operation),
                "{}",
                route.operation
            );
        }
    }

    /// The S3 statements of a route, as (action, resource) pairs.
    fn s3_grants(route: &Route) -> Vec<(String, String)> {
        let mut grants = Vec::new();
        for statement in statements(route) {
            let actions: Vec<String> = match &statement["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Array(a) => a.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect(),
                _ => Vec::new(),
            };
            for action in actions.into_iter().filter(|a| a.starts_with("s3:")) {
                for resource in statement["Resource"].as_array().into_iter().flatten() {
                    grants.push((action.clone(), resource["Fn::Sub"].as_str().unwrap_or_default().to_owned()));
                }
            }
        }
        grants
    }

    #[test]
    fn upload_urls_can_write_only_uploads_and_only_attaching_writes_files() {
        const FILES: &str = "${FilesBucketArn}/tenants/*";
        const UPLOADS: &str = "${FilesBucketArn}/uploads/tenants/*";
        for route in ROUTES {
            let grants = s3_grants(route);
            let writes = |resource: &str| grants.iter().any(|(a, r)| a == "s3:PutObject" && r == resource);
            // A presigned URL can do what its signer may: the upload routes' URLs write
            // under uploads/ alone, where nothing is ever downloaded from.
            assert_eq!(writes(UPLOADS), route.access.contains(&Access::FilesUpload), "{}", route.operation);
            assert_eq!(writes(FILES), route.access.contains(&Access::FilesAttach), "{}", route.operation);
            assert!(!(writes(FILES) && writes(UPLOADS)), "{}: one or the other", route.operation);
        }
        let upload = ROUTES.iter().find(|r| r.operation == "CreateUpload").unwrap();
        assert_eq!(s3_grants(upload), [("s3:PutObject".to_owned(), UPLOADS.to_owned())]);
    }

    #[test]
    fn every_api_function_knows_the_origin_secret_and_hides_it() {
        for area in Area::ALL {
            let stack: serde_yaml_ng::Value = serde_yaml_ng::from_str(&area_stack(area).unwrap()).unwrap();
            let area = area.name();
            let env = &stack["Globals"]["Function"]["Environment"]["Variables"];
            assert_eq!(env["PORTICO_ORIGIN_SECRET"]["Ref"], "OriginSecret", "{area}");
            assert_eq!(env["PORTICO_ORIGIN_SECRET_PREVIOUS"]["Ref"], "PreviousOriginSecret", "{area}");
            for secret in ["CursorSecret", "OriginSecret", "PreviousOriginSecret"] {
                assert_eq!(stack["Parameters"][secret]["NoEcho"], true, "{area} {secret}");
            }
        }
    }

    #[test]
    fn cloudfront_guards_the_api_with_limits_a_secret_and_headers() {
        let root = read(&crate::workspace_root().join("infra/template.yaml")).unwrap();
        let distribution = &root["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"];
        assert!(distribution.get("WebACLId").is_some(), "the web ACL with the limits per caller");
        let origins = distribution["Origins"].as_sequence().unwrap();
        let api = origins.iter().find(|o| o["Id"] == "api").unwrap();
        let header = &api["OriginCustomHeaders"][0];
        assert_eq!(header["HeaderName"].as_str(), Some(portico::http::origin::HEADER));
        assert!(intrinsic(&header["HeaderValue"], "Ref").is_some_and(|r| r == "OriginSecret"));
        let behaviours = distribution["CacheBehaviors"].as_sequence().unwrap();
        let to_api: Vec<_> = behaviours.iter().filter(|b| b["TargetOriginId"] == "api").collect();
        assert_eq!(to_api.len(), crate::gateway::API_PREFIXES.len());
        for b in to_api {
            let policy = intrinsic(&b["ResponseHeadersPolicyId"], "Ref");
            assert!(policy.is_some_and(|p| p == "ApiHeaders"), "{:?}", b["PathPattern"]);
        }
        let throttling = &root["Resources"]["ApiStage"]["Properties"]["DefaultRouteSettings"];
        assert!(
            throttling["ThrottlingRateLimit"].as_u64().is_some()
                && throttling["ThrottlingBurstLimit"].as_u64().is_some()
        );
    }

    #[test]
    fn an_execute_api_arn_names_the_route_with_stars_for_parameters() {
        let get = ROUTES.iter().find(|r| r.operation == "GetCustomer").unwrap();
        let permission = &resources(get)[3].1;
        assert_eq!(
            permission["Properties"]["SourceArn"]["Fn::Sub"],
            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiId}/*/GET/admin/customers/*"
        );
    }
}
