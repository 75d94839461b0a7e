//! Routes: one request type per documented path, its `RouteInfo`, the route table, and the
//! facades' namespace methods.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::Overrides;
use crate::docs::{lines, lit};
use crate::names::{field, pascal, singular};
use crate::types::{Selector, Side, TypeGen, first_sentence, merge_branches};

/// One route as the generator sees it.
#[derive(Debug, Clone)]
pub struct RouteModel {
    pub index: usize,
    pub path: String,
    pub name: String,
    pub namespace: Vec<String>,
    pub method_name: String,
    pub type_name: String,
    pub method: &'static str,
    pub idempotent: bool,
    pub reason: String,
    pub paginated: bool,
    pub title: String,
    pub doc: String,
    pub deprecated: Option<String>,
    pub output: String,
    /// Whether the facades wait for the action attempt the route answers with (the rule is
    /// seamapi-core's `action::waits`; this only says so in the docs).
    pub waits: bool,
}

/// The method Seam's JavaScript SDK (`@seamapi/http` 2.32.0) sends: the first of GET,
/// DELETE, PATCH, PUT the path accepts, else POST.
pub fn method_of(ops: &Map<String, Value>) -> &'static str {
    for (m, name) in [
        ("get", "Get"),
        ("delete", "Delete"),
        ("patch", "Patch"),
        ("put", "Put"),
    ] {
        if ops.contains_key(m) {
            return name;
        }
    }
    "Post"
}

/// The one documented rule for retry safety (see the routes module's table).
pub fn safety(
    path: &str,
    method: &str,
    method_name: &str,
    action_attempt: bool,
    overrides: &Overrides,
) -> (bool, String) {
    if let Some(why) = overrides.not_idempotent.get(path) {
        return (false, why.clone());
    }
    if let Some(why) = overrides.idempotent.get(path) {
        return (true, why.clone());
    }
    if action_attempt {
        return (
            false,
            "answers with an action attempt: a replay could run the action twice".into(),
        );
    }
    if method_name.contains("create") {
        return (false, "a replay could create a second resource".into());
    }
    match method {
        "Get" => (true, "a read".into()),
        "Delete" => (true, "deleting twice leaves the same state".into()),
        "Put" => (
            true,
            "sent as PUT: repeating it leaves the same state".into(),
        ),
        "Patch" => (
            true,
            "an update to given values: repeating it leaves the same state".into(),
        ),
        _ => (false, "not known to be safe to repeat".into()),
    }
}

fn auth_of(op: &Value) -> String {
    let mut flags = Vec::new();
    for scheme in op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for name in scheme.as_object().into_iter().flat_map(|o| o.keys()) {
            let flag = match name.as_str() {
                "api_key" => "API_KEY",
                "pat_with_workspace" => "PERSONAL_ACCESS_TOKEN",
                "console_session_with_workspace" => "CONSOLE_SESSION",
                "pat_without_workspace" => "PERSONAL_ACCESS_TOKEN_WITHOUT_WORKSPACE",
                "console_session_without_workspace" => "CONSOLE_SESSION_WITHOUT_WORKSPACE",
                "client_session" => "CLIENT_SESSION",
                "publishable_key" => "PUBLISHABLE_KEY",
                _ => continue,
            };
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
    }
    let workspace = ["API_KEY", "PERSONAL_ACCESS_TOKEN", "CONSOLE_SESSION"];
    let mut expr = if workspace.iter().all(|w| flags.contains(w)) {
        flags.retain(|f| !workspace.contains(f));
        "AuthSet::WORKSPACE".to_owned()
    } else {
        "AuthSet::NONE".to_owned()
    };
    for f in flags {
        expr = format!("{expr}.union(AuthSet::{f})");
    }
    expr
}

fn body_schema(op: &Value) -> Value {
    op.pointer("/requestBody/content/application~1json/schema")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}}))
}

/// A `oneOf` whose branches each require one distinct property: a selector.
fn selector_shaped(branches: &[Value]) -> Option<Vec<(String, Value)>> {
    let mut out = Vec::new();
    for b in branches {
        let props = b.get("properties")?.as_object()?;
        let required = b.get("required")?.as_array()?;
        if props.len() != 1 || required.len() != 1 {
            return None;
        }
        let (name, schema) = props.iter().next()?;
        if out.iter().any(|(n, _)| n == name) {
            return None;
        }
        out.push((name.clone(), schema.clone()));
    }
    (out.len() >= 2).then_some(out)
}

fn default_selector(type_name: &str, props: Vec<(String, Value)>) -> Selector {
    let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
    let mut prefix = names[0].to_owned();
    for n in &names[1..] {
        while !n.starts_with(&prefix) {
            prefix.pop();
        }
    }
    let prefix = match prefix.rfind('_') {
        Some(i) if names.iter().all(|n| n.len() > i + 1) => prefix[..=i].to_owned(),
        _ => String::new(),
    };
    let (enum_name, field_name) = if prefix.is_empty() {
        (format!("{type_name}Target"), "target".to_owned())
    } else {
        let stem = prefix.trim_end_matches('_');
        (format!("{}Ref", pascal(stem)), stem.to_owned())
    };
    Selector {
        enum_name,
        field: field_name,
        doc: format!(
            "Which one: by {}.",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        variants: props
            .into_iter()
            .map(|(n, s)| {
                let v = pascal(&n[prefix.len()..]);
                (n, s, v)
            })
            .collect(),
    }
}

/// The body as one object schema plus its one-of groups.
fn normalize(body: &Value, type_name: &str) -> (Value, Vec<Selector>) {
    if let Some(branches) = body.get("oneOf").and_then(Value::as_array) {
        if let Some(props) = selector_shaped(branches) {
            return (
                serde_json::json!({"type": "object", "properties": {}}),
                vec![default_selector(type_name, props)],
            );
        }
        let refs: Vec<&Value> = branches.iter().collect();
        return (merge_branches(&refs), Vec::new());
    }
    if let Some(parts) = body.get("allOf").and_then(Value::as_array) {
        let mut props = Map::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut selectors = Vec::new();
        for part in parts {
            let (obj, sels) = normalize(part, type_name);
            selectors.extend(sels);
            if let Some(p) = obj.get("properties").and_then(Value::as_object) {
                for (k, v) in p {
                    props.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            required.extend(crate::types::required_names(&obj));
        }
        let mut out = serde_json::json!({"type": "object", "properties": props, "required": required.into_iter().collect::<Vec<_>>()});
        if let Some(d) = body.get("description") {
            out["description"] = d.clone();
        }
        return (out, selectors);
    }
    (body.clone(), Vec::new())
}

/// Everything the routes generate: the routes module, the table, and the two facades.
pub struct Generated {
    pub routes: Vec<RouteModel>,
    pub route_items: Vec<String>,
}

/// Builds every route of `spec` into `types`.
pub fn build(
    spec: &Value,
    overrides: &Overrides,
    types: &mut TypeGen<'_>,
) -> Result<Generated, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut routes = Vec::new();
    let mut items = Vec::new();
    let mut type_names = BTreeSet::new();
    for (path, ops) in paths {
        let ops = ops
            .as_object()
            .ok_or_else(|| format!("{path}: not an object"))?;
        let Some(op) = ops.get("post") else {
            return Err(format!("{path}: no POST operation"));
        };
        if ops.values().any(|o| o.get("x-undocumented").is_some()) {
            continue;
        }
        if overrides.exclude.contains_key(path) {
            continue;
        }
        let namespace: Vec<String> = op
            .get("x-fern-sdk-group-name")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{path}: no x-fern-sdk-group-name"))?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let method_name = op
            .get("x-fern-sdk-method-name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{path}: no x-fern-sdk-method-name"))?
            .to_owned();
        let type_name = overrides
            .types
            .get(path)
            .cloned()
            .unwrap_or_else(|| pascal(&format!("{}_{method_name}", namespace.join("_"))));
        if !type_names.insert(type_name.clone()) {
            return Err(format!("{path}: the type name {type_name} is taken"));
        }
        types.reserve(&type_name);
        let method = method_of(ops);
        let response = op
            .pointer("/responses/200/content/application~1json/schema")
            .cloned()
            .unwrap_or(Value::Null);
        let key = op.get("x-response-key").and_then(Value::as_str);
        // Starts an action (an attempt in the answer) unless it is a read of one.
        let action_attempt = op.get("x-action-attempt-type").is_some()
            || (method != "Get" && response.pointer("/properties/action_attempt").is_some());
        let (idempotent, reason) = safety(path, method, &method_name, action_attempt, overrides);

        // The request.
        let body = body_schema(op);
        let (object, mut selectors) = normalize(&body, &type_name);
        for o in &overrides.one_of {
            if o.routes.iter().any(|r| r == path) {
                selectors.retain(|s| {
                    !s.variants
                        .iter()
                        .any(|(p, _, _)| o.variants.contains_key(p))
                });
                let props = object.get("properties").and_then(Value::as_object);
                let from_body = |p: &str| {
                    props
                        .and_then(|m| m.get(p))
                        .cloned()
                        .or_else(|| body_branch_prop(&body, p))
                        .unwrap_or_else(|| serde_json::json!({"type": "string"}))
                };
                selectors.push(Selector {
                    enum_name: o.name.clone(),
                    field: o.field.clone(),
                    doc: o.doc.clone(),
                    variants: o
                        .variants
                        .iter()
                        .map(|(p, v)| (p.clone(), from_body(p), v.clone()))
                        .collect(),
                });
            }
        }
        let order = overrides
            .new_order
            .get(path)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let (code, specs) =
            types.request_struct_code(&object, &type_name, &selectors, false, order);
        let props = object.get("properties").and_then(Value::as_object);
        let has_cursor = props.is_some_and(|p| p.contains_key("page_cursor"));

        // The output.
        let resp_props = response.get("properties");
        let has_pagination = resp_props.and_then(|p| p.get("pagination")).is_some();
        let mut paginated = false;
        let (output, decode, item) = match key {
            None => (
                "()".to_owned(),
                "seamapi_core::codec::decode_void(body)".to_owned(),
                None,
            ),
            Some(k) => {
                let schema = resp_props
                    .and_then(|p| p.get(k))
                    .cloned()
                    .ok_or_else(|| format!("{path}: the answer has no {k}"))?;
                let hint_ns = if namespace.iter().any(|n| n == "unmanaged") {
                    "Unmanaged".to_owned()
                } else {
                    pascal(&namespace.join("_"))
                };
                let hint = format!("{hint_ns}{}", pascal(&singular(k)));
                let nullable = schema.get("nullable") == Some(&Value::Bool(true));
                if schema.get("type").and_then(Value::as_str) == Some("array") {
                    let items = schema.get("items").cloned().unwrap_or(Value::Null);
                    let item = types.ty(&items, &hint, Side::Resource);
                    if has_pagination && has_cursor {
                        paginated = true;
                        (
                            format!("seamapi_core::Page<{}>", item.rust),
                            format!("seamapi_core::codec::decode_page(body, {})", lit(k)),
                            Some(item.rust),
                        )
                    } else {
                        (
                            format!("Vec<{}>", item.rust),
                            format!("seamapi_core::codec::decode_field(body, {})", lit(k)),
                            None,
                        )
                    }
                } else {
                    let ty = types.ty(&schema, &hint, Side::Resource);
                    let rust = if nullable {
                        format!("Option<{}>", ty.rust)
                    } else {
                        ty.rust
                    };
                    (
                        rust,
                        format!("seamapi_core::codec::decode_field(body, {})", lit(k)),
                        None,
                    )
                }
            }
        };

        let title = op
            .get("x-title")
            .and_then(Value::as_str)
            .unwrap_or(path)
            .to_owned();
        let doc = op
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let deprecated = op
            .get("x-deprecated")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                (op.get("deprecated") == Some(&Value::Bool(true)))
                    .then(|| "deprecated by Seam".to_owned())
            });
        let index = routes.len();
        let name = format!("{}.{method_name}", namespace.join("."));
        let http = method.to_uppercase();
        let auth = auth_of(op);

        let mut item_code = String::new();
        item_code.push_str(&format!("/// # {title}\n///\n"));
        item_code.push_str(&lines(&doc, ""));
        if let Some(why) = &deprecated {
            item_code.push_str(&format!(
                "///\n/// **Deprecated.** {}\n",
                crate::docs::sanitize(why).trim()
            ));
        }
        item_code.push_str(&format!(
            "///\n/// `{http} {path}`: {}; {}.\n",
            if idempotent {
                "retried when it fails, as it is safe to repeat"
            } else {
                "never retried once it may have reached the server"
            },
            reason
        ));
        item_code.push_str(&code);
        item_code.push_str(&format!(
            "\nimpl seamapi_core::Route for {type_name} {{\n    const INFO: seamapi_core::RouteInfo = seamapi_core::RouteInfo {{\n        index: {index},\n        name: {},\n        path: {},\n        method: seamapi_core::HttpMethod::{method},\n        idempotent: {idempotent},\n        retry_reason: {},\n        params: &[\n{}        ],\n        output_key: {},\n        paginated: {paginated},\n        action_attempt: {action_attempt},\n        auth: {auth},\n        namespace: &[{}],\n        method_name: {},\n        title: {},\n        doc: {},\n        deprecated: {},\n    }};\n    type Output = {output};\n\n    fn decode_output(body: &[u8]) -> Result<Self::Output, serde_json::Error> {{\n        {decode}\n    }}\n}}\n",
            lit(&name),
            lit(path),
            lit(&reason),
            specs.iter().map(|s| format!("            {s},\n")).collect::<String>(),
            key.map_or("None".to_owned(), |k| format!("Some({})", lit(k))),
            namespace.iter().map(|n| lit(n)).collect::<Vec<_>>().join(", "),
            lit(&method_name),
            lit(&title),
            lit(first_sentence(&doc)),
            deprecated.as_ref().map_or("None".to_owned(), |d| format!("Some({})", lit(d))),
        ));
        if let Some(item) = item {
            item_code.push_str(&format!(
                "\nimpl seamapi_core::Paginated for {type_name} {{\n    type Item = {item};\n\n    fn page_cursor(&self) -> Option<&str> {{\n        self.page_cursor.as_deref()\n    }}\n\n    fn with_page_cursor(&self, cursor: String) -> Self {{\n        let mut next = self.clone();\n        next.page_cursor = Some(cursor);\n        next\n    }}\n}}\n"
            ));
        }
        items.push(item_code);
        routes.push(RouteModel {
            index,
            path: path.clone(),
            name,
            namespace,
            method_name,
            type_name,
            method,
            idempotent,
            reason,
            paginated,
            title,
            doc,
            deprecated,
            output,
            waits: action_attempt && key == Some("action_attempt"),
        });
    }
    Ok(Generated {
        routes,
        route_items: items,
    })
}

/// The schema of `prop` in any branch of a `oneOf`/`allOf` body.
fn body_branch_prop(body: &Value, prop: &str) -> Option<Value> {
    for k in ["oneOf", "allOf"] {
        for b in body.get(k).and_then(Value::as_array).into_iter().flatten() {
            if let Some(s) = b.pointer(&format!("/properties/{prop}")) {
                return Some(s.clone());
            }
            if let Some(s) = body_branch_prop(b, prop) {
                return Some(s);
            }
        }
    }
    None
}

/// The routes module's header: its docs with the table of methods and retry safety.
pub fn routes_header(routes: &[RouteModel]) -> String {
    let mut out = String::from(
        "//! Every documented route of the Seam API: one request type each, generated from Seam's\n//! OpenAPI document.\n//!\n//! Each type holds one call's parameters: the required ones in `new(..)`, the optional ones\n//! as setters. Parameters are validated before sending with the rules the server applies.\n//!\n//! ## Methods and retry safety\n//!\n//! Routes are sent with the method Seam's JavaScript SDK sends (`GET` and `DELETE` carry\n//! their parameters in the query string). Whether a failed call is sent again follows one\n//! rule, in this order: a reviewed override (`spec/overrides.toml`); a route that answers with\n//! an action attempt is never retried once it may have reached the server (a replay could run\n//! the action twice); neither is a create; reads (`GET`), deletes, `PUT` and `PATCH` updates\n//! are retried; any other `POST` is not.\n//!\n//! | route | path | sent as | safe to repeat | why |\n//! | --- | --- | --- | --- | --- |\n",
    );
    for r in routes {
        out.push_str(&format!(
            "//! | [`{}`] | `{}` | `{}` | {} | {} |\n",
            r.type_name,
            r.path,
            r.method.to_uppercase(),
            if r.idempotent { "yes" } else { "no" },
            r.reason
        ));
    }
    out
}

/// The route table: `ROUTES`, `visit_routes` and the excluded paths.
pub fn table(routes: &[RouteModel], overrides: &Overrides) -> String {
    let mut out = String::from(
        "//! The route table: every route's `RouteInfo` by slot, a visitor over their types, and\n//! the documented paths left out, each with its reason.\n\n#![allow(deprecated)]\n\nuse crate::routes::*;\n\n",
    );
    out.push_str(&format!(
        "/// Every route, by slot ([`seamapi_core::RouteInfo::index`]).\npub static ROUTES: [&seamapi_core::RouteInfo; {}] = [\n",
        routes.len()
    ));
    for r in routes {
        out.push_str(&format!(
            "    &<{} as seamapi_core::Route>::INFO,\n",
            r.type_name
        ));
    }
    out.push_str("];\n\n/// Calls `visitor.route::<R>()` for every route, in table order.\npub fn visit_routes<V: seamapi_core::RouteVisitor>(visitor: &mut V) {\n");
    for r in routes {
        out.push_str(&format!("    visitor.route::<{}>();\n", r.type_name));
    }
    out.push_str("}\n\n/// Documented paths with no route here, and why.\npub static EXCLUDED: &[(&str, &str)] = &[\n");
    for (path, why) in &overrides.exclude {
        out.push_str(&format!("    ({}, {}),\n", lit(path), lit(why)));
    }
    out.push_str("];\n");
    out
}

/// The namespace tree of the routes.
#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    routes: Vec<usize>,
}

fn tree(routes: &[RouteModel]) -> Node {
    let mut root = Node::default();
    for r in routes {
        let mut node = &mut root;
        for part in &r.namespace {
            node = node.children.entry(part.clone()).or_default();
        }
        node.routes.push(r.index);
    }
    root
}

/// A facade's namespaces and methods: `mode` is `async` or `blocking`.
pub fn facade(routes: &[RouteModel], blocking: bool) -> String {
    let root = tree(routes);
    let (client, pages, pages_doc) = if blocking {
        ("Seam", "PageIter", "an `Iterator`")
    } else {
        ("Seam", "PageStream", "a `Stream`")
    };
    let mut out = String::from(
        "//! The namespaces and a method for every route of the route table.\n\n#![allow(deprecated)]\n\n",
    );
    out.push_str(&format!(
        "use crate::{{{client}, {pages}}};\nuse seamapi_core::Error;\n\n"
    ));
    out.push_str(&format!("impl {client} {{\n"));
    for child in root.children.keys() {
        out.push_str(&format!(
            "    /// `seam.{}()`: the routes under `/{child}`.\n    pub fn {}(&self) -> {}<'_> {{\n        {} {{ client: self }}\n    }}\n\n",
            field(child), field(child), pascal(child), pascal(child)
        ));
    }
    out.push_str("}\n\n");
    let mut stack: Vec<(Vec<String>, &Node)> = root
        .children
        .iter()
        .map(|(k, n)| (vec![k.clone()], n))
        .collect();
    stack.reverse();
    while let Some((path, node)) = stack.pop() {
        let name = pascal(&path.join("_"));
        let access = path
            .iter()
            .map(|p| format!("{}()", field(p)))
            .collect::<Vec<_>>()
            .join(".");
        out.push_str(&format!(
            "/// `seam.{access}`: the routes under `/{}`.\n#[derive(Debug, Clone, Copy)]\npub struct {name}<'a> {{\n    client: &'a {client},\n}}\n\nimpl<'a> {name}<'a> {{\n",
            path.join("/")
        ));
        for child in node.children.keys() {
            let mut p = path.clone();
            p.push(child.clone());
            out.push_str(&format!(
                "    /// `seam.{access}.{}()`: the routes under `/{}`.\n    pub fn {}(&self) -> {}<'a> {{\n        {} {{ client: self.client }}\n    }}\n\n",
                field(child), p.join("/"), field(child), pascal(&p.join("_")), pascal(&p.join("_"))
            ));
        }
        for &i in &node.routes {
            let r = &routes[i];
            let ty = format!("crate::routes::{}", r.type_name);
            out.push_str(&format!(
                "    /// {}\n    ///\n",
                crate::docs::sanitize(&r.title).trim()
            ));
            out.push_str(&lines(first_sentence(&r.doc), "    "));
            out.push_str(&format!(
                "    ///\n    /// Sends [`{}`](crate::routes::{}) (`{} {}`), validated before sending; {}. Returns `{}`{}.\n",
                r.type_name,
                r.type_name,
                r.method.to_uppercase(),
                r.path,
                if r.idempotent { "retried when it fails" } else { "never retried once it may have reached the server" },
                r.output.replace("crate::resources::", "").replace("seamapi_core::", ""),
                if r.waits {
                    ", finished: the attempt is waited for as the client's `ActionWait` says (every 0.5 s for up to 5 s by default), and a failed or still pending one is `Error::ActionAttemptFailed` or `Error::ActionAttemptTimedOut`"
                } else {
                    ""
                }
            ));
            if let Some(why) = &r.deprecated {
                out.push_str(&format!("    #[deprecated = {}]\n", lit(why)));
            }
            let method = field(&r.method_name);
            if blocking {
                out.push_str(&format!(
                    "    pub fn {method}(&self, params: {ty}) -> Result<{}, Error> {{\n        self.client.send(params)\n    }}\n\n", r.output.replace("seamapi_core::Page", "crate::Page")
                ));
            } else {
                out.push_str(&format!(
                    "    pub async fn {method}(&self, params: {ty}) -> Result<{}, Error> {{\n        self.client.send(params).await\n    }}\n\n", r.output.replace("seamapi_core::Page", "crate::Page")
                ));
            }
            if r.paginated {
                out.push_str(&format!(
                    "    /// Every item of [`{}`](crate::routes::{}), page after page, as {pages_doc}.\n    ///\n    /// Stops when the server says no page follows, and fails rather than loops if it repeats a cursor.\n    pub fn {}_all(&self, params: {ty}) -> {pages}<{ty}> {{\n        self.client.paginate(params)\n    }}\n\n",
                    r.type_name, r.type_name, r.method_name
                ));
            }
        }
        out.push_str("}\n\n");
        let mut kids: Vec<(Vec<String>, &Node)> = node
            .children
            .iter()
            .map(|(k, n)| {
                let mut p = path.clone();
                p.push(k.clone());
                (p, n)
            })
            .collect();
        kids.reverse();
        stack.extend(kids);
    }
    out
}
