//! The OpenAPI 3.1 description of the API, built from the same table that builds the
//! router: a route is added together with its description ([`Api::op`]), so the two cannot
//! drift apart. Schemas come from the Rust types serde writes (schemars), under
//! `#/components/schemas`.

use app::backend::state::AppState;
use axum::Router;
use axum::routing::MethodRouter;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone; a session, if sent, is checked and may change the answer.
    Public,
    /// A session (bearer token or cookie); the role the summary names.
    Required,
}

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;
/// A body: its media type and its schema.
type Content = (&'static str, SchemaFn);

/// What one operation takes and gives.
pub struct Doc {
    summary: &'static str,
    description: &'static str,
    tag: &'static str,
    auth: Auth,
    query: Vec<(&'static str, &'static str, Value)>,
    /// Takes an `Idempotency-Key` header.
    idempotent: bool,
    body: Option<Content>,
    responses: Vec<(u16, &'static str, Option<Content>)>,
    errors: Vec<u16>,
}

fn binary(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "contentMediaType": "application/octet-stream" })
}

fn text(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string" })
}

fn any_object(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "object" })
}

impl Doc {
    pub fn new(tag: &'static str, summary: &'static str) -> Self {
        Self {
            summary,
            description: "",
            tag,
            auth: Auth::Public,
            query: Vec::new(),
            idempotent: false,
            body: None,
            responses: Vec::new(),
            errors: Vec::new(),
        }
    }

    pub fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    /// A session is required (401 without one).
    pub fn signed_in(mut self) -> Self {
        self.auth = Auth::Required;
        self.errors.push(401);
        self
    }

    /// A query parameter: its name, what it means, and its schema.
    pub fn query(mut self, name: &'static str, description: &'static str, schema: Value) -> Self {
        self.query.push((name, description, schema));
        self
    }

    /// The filters a procedure's proposals share in every form (list, GeoJSON, clusters):
    /// category, district and status (`statuses` says which).
    pub fn proposal_filters(self, statuses: &'static str) -> Self {
        self.query(
            "category",
            "One of the procedure's categories.",
            json!({ "type": "string" }),
        )
        .query(
            "district",
            "A district's key (see `/districts`).",
            json!({ "type": "string" }),
        )
        .query("status", statuses, json!({ "type": "string" }))
    }

    /// A create that takes an `Idempotency-Key` header: sent again with the same key, it
    /// answers with what the first request created and creates nothing new.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// A JSON request body of this type (400 when malformed, 413 when too large, 415 when
    /// not JSON, 422 when its fields do not fit).
    pub fn body<T: JsonSchema>(mut self) -> Self {
        self.body = Some(("application/json", |g| g.subschema_for::<T>()));
        self.errors.extend([400, 413, 415, 422]);
        self
    }

    /// A request body in another format (a multipart upload).
    pub fn body_as(mut self, media_type: &'static str) -> Self {
        self.body = Some((media_type, any_object));
        self.errors.extend([400, 413, 415, 422]);
        self
    }

    /// A JSON answer of this type.
    pub fn ok<T: JsonSchema>(mut self, status: u16, description: &'static str) -> Self {
        self.responses.push((
            status,
            description,
            Some(("application/json", |g| g.subschema_for::<T>())),
        ));
        self
    }

    /// An answer of another media type (a file).
    pub fn file(mut self, media_type: &'static str, description: &'static str) -> Self {
        let schema: SchemaFn = if media_type.starts_with("text/") {
            text
        } else {
            binary
        };
        self.responses
            .push((200, description, Some((media_type, schema))));
        self
    }

    /// JSON-LD or another JSON flavour without a Rust type of its own.
    pub fn json_as(mut self, media_type: &'static str, description: &'static str) -> Self {
        self.responses
            .push((200, description, Some((media_type, any_object))));
        self
    }

    /// An answer without a body.
    pub fn empty(mut self, status: u16, description: &'static str) -> Self {
        self.responses.push((status, description, None));
        self
    }

    /// The error statuses this operation answers with besides the ones every operation
    /// may give (429, 500, 503).
    pub fn errors(mut self, statuses: &[u16]) -> Self {
        self.errors.extend_from_slice(statuses);
        self
    }
}

/// One documented operation.
struct Operation {
    method: &'static str,
    path: String,
    doc: Doc,
}

/// The router and its description, built together.
pub struct Api {
    router: Router<AppState>,
    operations: Vec<Operation>,
}

impl Default for Api {
    fn default() -> Self {
        Self {
            router: Router::new(),
            operations: Vec::new(),
        }
    }
}

impl Api {
    /// Routes `method path` to `handler` (a `get(…)`, `post(…)`, … of axum) and documents it.
    pub fn op(
        mut self,
        method: &'static str,
        path: &str,
        handler: MethodRouter<AppState>,
        doc: Doc,
    ) -> Self {
        self.router = self.router.route(path, handler);
        self.operations.push(Operation {
            method,
            path: path.to_owned(),
            doc,
        });
        self
    }

    /// Documents an operation another router serves (the image upload, which needs its own
    /// body limit).
    pub fn external(mut self, method: &'static str, path: &str, doc: Doc) -> Self {
        self.operations.push(Operation {
            method,
            path: path.to_owned(),
            doc,
        });
        self
    }

    pub fn merge(mut self, other: Api) -> Self {
        self.router = self.router.merge(other.router);
        self.operations.extend(other.operations);
        self
    }

    pub fn into_parts(self, server_url: &str) -> (Router<AppState>, Value) {
        let spec = self.spec(server_url);
        (self.router, spec)
    }

    fn spec(&self, server_url: &str) -> Value {
        let mut generator = SchemaSettings::draft2020_12()
            .with(|s| s.definitions_path = "/components/schemas".into())
            .into_generator();
        let error = generator.subschema_for::<ErrorBody>();
        let mut paths: Map<String, Value> = Map::new();
        for op in &self.operations {
            let doc = &op.doc;
            let mut parameters: Vec<Value> = path_parameters(&op.path);
            for (name, description, schema) in &doc.query {
                parameters.push(json!({
                    "name": name, "in": "query", "required": false,
                    "description": description, "schema": schema
                }));
            }
            if doc.idempotent {
                parameters.push(json!({
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "16 to 64 characters of A-Z, a-z, 0-9, - and _. A request sent again with the same key (by the same account) answers with what the first one created.",
                    "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$" }
                }));
            }
            let mut responses = Map::new();
            for (status, description, content) in &doc.responses {
                let mut response = json!({ "description": description });
                if let Some((media_type, schema)) = content {
                    response["content"] =
                        json!({ *media_type: { "schema": schema(&mut generator) } });
                }
                responses.insert(status.to_string(), response);
            }
            let mut errors = doc.errors.clone();
            errors.extend([429, 500, 503]);
            errors.sort_unstable();
            errors.dedup();
            for status in errors {
                responses.insert(
                    status.to_string(),
                    json!({
                        "description": error_description(status),
                        "content": { "application/json": { "schema": error } }
                    }),
                );
            }
            // Any other failure has the same shape.
            responses.insert(
                "default".to_owned(),
                json!({
                    "description": "Another failure, in the same shape.",
                    "content": { "application/json": { "schema": error } }
                }),
            );
            let mut operation = json!({
                "operationId": operation_id(op.method, &op.path),
                "summary": doc.summary,
                "tags": [doc.tag],
                "parameters": parameters,
                "responses": responses,
            });
            if !doc.description.is_empty() {
                operation["description"] = json!(doc.description);
            }
            if let Some((media_type, schema)) = &doc.body {
                operation["requestBody"] = json!({
                    "required": true,
                    "content": { *media_type: { "schema": schema(&mut generator) } }
                });
            }
            operation["security"] = match doc.auth {
                Auth::Public => json!([{}, { "bearer": [] }, { "session": [] }]),
                Auth::Required => json!([{ "bearer": [] }, { "session": [] }]),
            };
            let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
            item[op.method] = operation;
        }
        let schemas = generator.take_definitions(true);
        json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {
                "title": "Mitreden API",
                "version": "1",
                "description": "The public API of the participation platform: procedures, proposals, comments, votes, moderation, results and open data. Every failure has the shape {\"errors\":[{\"code\":…,\"detail\":…,\"field\":…,\"message\":…}]}, the message in the language of Accept-Language. Reads carry an ETag; requests are rate-limited per address and per account (429 with Retry-After).",
                "license": { "name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later" }
            },
            "servers": [{ "url": server_url }],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                "description": "The token POST /auth/login returns." },
                    "session": { "type": "apiKey", "in": "cookie", "name": app::backend::auth::SESSION_COOKIE,
                                 "description": "The session cookie the login sets (browsers)." }
                }
            }
        })
    }

    /// Every documented `(method, path)`, for the tests that hold router and description
    /// together.
    pub fn operations(&self) -> Vec<(&'static str, String)> {
        self.operations
            .iter()
            .map(|op| (op.method, op.path.clone()))
            .collect()
    }
}

/// The error shape of every failure.
#[derive(serde::Serialize, JsonSchema)]
pub struct ErrorBody {
    pub errors: Vec<ErrorEntry>,
}

#[derive(serde::Serialize, JsonSchema)]
pub struct ErrorEntry {
    /// Stable, snake_case: `not_found`, `invalid_input`, `unauthenticated`, `forbidden`,
    /// `conflict`, `rate_limited`, `payload_too_large`, `unsupported_media_type`,
    /// `unavailable`, `internal`, `request_failed`.
    pub code: String,
    pub detail: String,
    /// For `invalid_input`: the field at fault.
    pub field: Option<String>,
    /// The sentence a person reads, in the request's language (`Accept-Language`, else the
    /// instance's language; `Content-Language` names it).
    pub message: String,
}

fn error_description(status: u16) -> &'static str {
    match status {
        400 => "Malformed request (not valid JSON, say).",
        401 => "No valid session.",
        403 => "The account may not do this.",
        404 => "Not found.",
        409 => "Conflicts with the current state.",
        413 => "The request body is too large.",
        415 => "The request body is not in a format this operation takes.",
        422 => "A field does not fit (see `field`).",
        429 => "Too many requests; `Retry-After` says when to try again.",
        503 => "Temporarily unavailable.",
        _ => "Internal error.",
    }
}

/// `{slug}` and `{id}` as parameters: ids are positive integers.
fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = if name == "slug" {
                json!({ "type": "string", "pattern": "^[a-z0-9-]+$" })
            } else {
                json!({ "type": "integer", "minimum": 1 })
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect()
}

fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let clean: String = segment
            .trim_start_matches('{')
            .trim_end_matches('}')
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        id.push('_');
        id.push_str(&clean);
    }
    id
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The schema's name when it is a reference, else its type.
fn schema_name(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    if let Some(items) = schema.get("items") {
        return format!("[{}]", schema_name(items));
    }
    match schema.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
            .map(|options| {
                options
                    .iter()
                    .map(schema_name)
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .unwrap_or_else(|| "object".to_owned()),
    }
}

/// The human-readable documentation: every operation of the description, grouped by tag,
/// and every schema with its fields. Served by the instance itself (no CDN, no script).
pub fn html(spec: &Value) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Mitreden API v1</title><link rel=\"stylesheet\" href=\"/pkg/mitreden.css\"></head>\
         <body><main id=\"inhalt\" class=\"container api-docs\"><h1>Mitreden API v1</h1>",
    );
    let info = &spec["info"];
    out.push_str(&format!(
        "<p>{}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">OpenAPI 3.1 description</a>. \
         Base URL: <code>{}</code>. Authentication: <code>Authorization: Bearer &lt;token&gt;</code> \
         (from <code>POST /auth/login</code>) or the session cookie.</p>",
        escape(info["description"].as_str().unwrap_or_default()),
        escape(spec["servers"][0]["url"].as_str().unwrap_or_default())
    ));
    let empty = Map::new();
    let paths = spec["paths"].as_object().unwrap_or(&empty);
    let mut by_tag: std::collections::BTreeMap<String, Vec<(String, String, &Value)>> =
        std::collections::BTreeMap::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap_or(&empty) {
            let tag = operation["tags"][0].as_str().unwrap_or("other").to_owned();
            by_tag
                .entry(tag)
                .or_default()
                .push((method.to_uppercase(), path.clone(), operation));
        }
    }
    out.push_str("<nav aria-label=\"Sections\"><ul>");
    for tag in by_tag.keys() {
        out.push_str(&format!(
            "<li><a href=\"#{id}\">{name}</a></li>",
            id = escape(&tag.replace(' ', "-")),
            name = escape(tag)
        ));
    }
    out.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");
    for (tag, operations) in &by_tag {
        out.push_str(&format!(
            "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{name}</h2>",
            id = escape(&tag.replace(' ', "-")),
            name = escape(tag)
        ));
        for (method, path, operation) in operations {
            let signed_in = operation["security"].as_array().is_some_and(|options| {
                !options
                    .iter()
                    .any(|o| o.as_object().is_some_and(Map::is_empty))
            });
            out.push_str(&format!(
                "<article class=\"card\"><h3><code>{method} {path}</code></h3><p>{summary}{auth}</p>",
                path = escape(path),
                summary = escape(operation["summary"].as_str().unwrap_or_default()),
                auth = if signed_in { " <strong>(signed in)</strong>" } else { "" }
            ));
            if let Some(description) = operation["description"].as_str() {
                out.push_str(&format!("<p>{}</p>", escape(description)));
            }
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !parameters.is_empty() {
                out.push_str("<table class=\"table\"><caption>Parameters</caption><thead><tr><th scope=\"col\">name</th><th scope=\"col\">in</th><th scope=\"col\">type</th><th scope=\"col\">meaning</th></tr></thead><tbody>");
                for parameter in parameters {
                    out.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(parameter["name"].as_str().unwrap_or_default()),
                        escape(parameter["in"].as_str().unwrap_or_default()),
                        escape(&schema_name(&parameter["schema"])),
                        escape(parameter["description"].as_str().unwrap_or_default())
                    ));
                }
                out.push_str("</tbody></table>");
            }
            if let Some(content) = operation["requestBody"]["content"].as_object() {
                for (media_type, body) in content {
                    let name = schema_name(&body["schema"]);
                    out.push_str(&format!(
                        "<p>Body: <code>{}</code> <a href=\"#schema-{}\">{}</a></p>",
                        escape(media_type),
                        escape(&name),
                        escape(&name)
                    ));
                }
            }
            out.push_str("<ul>");
            for (status, response) in operation["responses"].as_object().unwrap_or(&empty) {
                let schema = response["content"]
                    .as_object()
                    .and_then(|c| c.values().next())
                    .map(|m| schema_name(&m["schema"]));
                out.push_str(&format!(
                    "<li><strong>{}</strong> {}{}</li>",
                    escape(status),
                    escape(response["description"].as_str().unwrap_or_default()),
                    schema.map_or_else(String::new, |name| format!(
                        " → <code>{}</code>",
                        escape(&name)
                    ))
                ));
            }
            out.push_str("</ul></article>");
        }
        out.push_str("</section>");
    }
    out.push_str("<section aria-labelledby=\"schemas\"><h2 id=\"schemas\">Schemas</h2>");
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap_or(&empty) {
        out.push_str(&format!(
            "<article class=\"card\" id=\"schema-{id}\"><h3>{name}</h3>",
            id = escape(name),
            name = escape(name)
        ));
        if let Some(description) = schema["description"].as_str() {
            out.push_str(&format!("<p>{}</p>", escape(description)));
        }
        if let Some(properties) = schema["properties"].as_object() {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push_str("<table class=\"table\"><thead><tr><th scope=\"col\">field</th><th scope=\"col\">type</th><th scope=\"col\">meaning</th></tr></thead><tbody>");
            for (field, property) in properties {
                out.push_str(&format!(
                    "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(field),
                    if required.contains(&field.as_str()) {
                        ""
                    } else {
                        " (optional)"
                    },
                    escape(&schema_name(property)),
                    escape(property["description"].as_str().unwrap_or_default())
                ));
            }
            out.push_str("</tbody></table>");
        } else if let Some(values) = schema["enum"].as_array() {
            let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            out.push_str(&format!(
                "<p>One of <code>{}</code></p>",
                escape(&values.join(", "))
            ));
        } else {
            out.push_str(&format!(
                "<p><code>{}</code></p>",
                escape(&schema_name(schema))
            ));
        }
        out.push_str("</article>");
    }
    out.push_str("</section></main></body></html>\n");
    out
}
