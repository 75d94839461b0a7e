//! Schema → Rust types: resources (decoded answers) and request parameters (encoded
//! requests), with their `ParamKind` for validation. Every struct, enum and union is written
//! once: identical schemas share one type.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::docs::{lines, lit};
use crate::names::{field, pascal, singular};

/// Which side of the wire a type is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Decoded from answers: forgiving (defaults where safe), kept-unknown values.
    Resource,
    /// Encoded into requests: constructors and setters, validated by `ParamSpec`s.
    Request,
}

/// What a schema is, for serde attributes, constructor arguments and validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Str,
    Uuid,
    Email,
    Uri,
    DateTime,
    Timestamp,
    Bool,
    Int,
    Num,
    Enum(Vec<String>),
    Array(Box<Ty>),
    Map(Box<Ty>),
    Struct,
    Union,
    Any,
}

/// A Rust type for a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ty {
    /// The type, e.g. `String`, `Vec<Device>`.
    pub rust: String,
    /// What it is.
    pub base: Base,
    /// The `ParamKind` expression that validates it (request side).
    pub kind: String,
    /// `Rules` expression for its limits.
    pub rules: String,
}

impl Ty {
    fn simple(rust: &str, base: Base, kind: &str) -> Self {
        Self {
            rust: rust.to_owned(),
            base,
            kind: kind.to_owned(),
            rules: "Rules::NONE".to_owned(),
        }
    }

    /// The argument type of a constructor or setter, and how to turn the argument (`v`) into
    /// the field's value.
    pub fn arg(&self, var: &str) -> (String, String) {
        let (ty, conv) = self.arg_template();
        (ty, conv.replace("{v}", var))
    }

    fn arg_template(&self) -> (String, String) {
        match &self.base {
            Base::Str | Base::Uuid | Base::Email | Base::Uri | Base::DateTime => {
                ("impl Into<String>".into(), "{v}.into()".into())
            }
            Base::Int => ("impl Into<i64>".into(), "{v}.into()".into()),
            Base::Num => ("impl Into<f64>".into(), "{v}.into()".into()),
            Base::Bool => ("bool".into(), "{v}".into()),
            Base::Any => ("impl Into<serde_json::Value>".into(), "{v}.into()".into()),
            Base::Array(item)
                if matches!(
                    item.base,
                    Base::Str | Base::Uuid | Base::Email | Base::Uri | Base::DateTime
                ) =>
            {
                (
                    "impl IntoIterator<Item = impl Into<String>>".into(),
                    "{v}.into_iter().map(Into::into).collect()".into(),
                )
            }
            Base::Array(item) => (
                format!("impl IntoIterator<Item = {}>", item.rust),
                "{v}.into_iter().collect()".into(),
            ),
            _ => (self.rust.clone(), "{v}".into()),
        }
    }
}

/// The generated items of one module, and the registry that shares identical schemas.
pub struct TypeGen<'s> {
    spec: &'s Value,
    /// `(name, code)` of every resource-side item, in creation order.
    pub resources: Vec<(String, String)>,
    /// `(name, code)` of every request-side item.
    pub requests: Vec<(String, String)>,
    by_shape: HashMap<(Side, String), String>,
    names: HashSet<String>,
}

/// Whether a property is left out of generated types (the spec marks it undocumented).
pub fn undocumented(schema: &Value) -> bool {
    schema.get("x-undocumented").is_some()
}

fn description(schema: &Value) -> String {
    let mut text = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let deprecated = schema
        .get("x-deprecated")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| (schema.get("deprecated") == Some(&Value::Bool(true))).then(String::new));
    if let Some(why) = deprecated {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("**Deprecated.** ");
        text.push_str(why.trim());
    }
    if let Some(default) = schema.get("default") {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Default: `{default}`."));
    }
    text
}

fn rules_of(schema: &Value) -> String {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let mut parts = Vec::new();
    let int = |k: &str, v: f64| format!("{k}: Some({})", v as i64);
    if let Some(v) = schema.get("minLength").and_then(Value::as_u64) {
        parts.push(format!("min_length: Some({v})"));
    }
    if let Some(v) = schema.get("maxLength").and_then(Value::as_u64) {
        parts.push(format!("max_length: Some({v})"));
    }
    match (num("minimum"), schema.get("exclusiveMinimum")) {
        (Some(min), Some(Value::Bool(true))) => parts.push(int("exclusive_minimum", min)),
        (Some(min), _) => parts.push(int("minimum", min)),
        (None, Some(Value::Number(n))) => {
            parts.push(int("exclusive_minimum", n.as_f64().unwrap_or_default()))
        }
        _ => {}
    }
    if let Some(max) = num("maximum") {
        parts.push(int("maximum", max));
    }
    if let Some(v) = schema.get("minItems").and_then(Value::as_u64) {
        parts.push(format!("min_items: Some({v})"));
    }
    if let Some(v) = schema.get("maxItems").and_then(Value::as_u64) {
        parts.push(format!("max_items: Some({v})"));
    }
    if parts.is_empty() {
        "Rules::NONE".to_owned()
    } else {
        format!("Rules {{ {}, ..Rules::NONE }}", parts.join(", "))
    }
}

/// The single string value of an `enum` with one member (a union's tag).
fn single_tag(schema: &Value) -> Option<String> {
    match schema.get("enum")?.as_array()?.as_slice() {
        [Value::String(s)] => Some(s.clone()),
        _ => None,
    }
}

/// The property that tells a `oneOf`'s branches apart: the declared discriminator, or else a
/// property every branch has with a single value, preferring the one with most values.
pub fn discriminator(branches: &[Value], declared: Option<&str>) -> Option<String> {
    if branches.is_empty() || !branches.iter().all(|b| b.get("properties").is_some()) {
        return None;
    }
    let tag_of = |b: &Value, p: &str| single_tag(b.get("properties")?.get(p)?);
    if let Some(p) = declared {
        return branches
            .iter()
            .all(|b| tag_of(b, p).is_some())
            .then(|| p.to_owned());
    }
    let first = branches[0].get("properties")?.as_object()?;
    let mut best: Option<(usize, String)> = None;
    for p in first.keys() {
        if !branches.iter().all(|b| tag_of(b, p).is_some()) {
            continue;
        }
        let distinct: BTreeSet<String> = branches.iter().filter_map(|b| tag_of(b, p)).collect();
        if distinct.len() < 2 {
            continue;
        }
        if best.as_ref().is_none_or(|(n, _)| distinct.len() > *n) {
            best = Some((distinct.len(), p.clone()));
        }
    }
    best.map(|(_, p)| p)
}

/// The names a schema's `required` lists.
pub fn required_names(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn shape_key(schema: &Value) -> String {
    // Enums are the same type whatever their descriptions say: key them by their values.
    if let Some(values) = schema
        .get("enum")
        .filter(|_| schema.get("properties").is_none())
    {
        return format!("enum:{values}");
    }
    schema.to_string()
}

/// An `allOf` whose parts are all objects (or `allOf`s of objects), as one object.
pub fn merge_all_of(schema: &Value) -> Option<Value> {
    fn collect(s: &Value, props: &mut Map<String, Value>, required: &mut Vec<Value>) -> bool {
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            return parts.iter().all(|p| collect(p, props, required));
        }
        let Some(p) = s.get("properties").and_then(Value::as_object) else {
            return false;
        };
        for (k, v) in p {
            props.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
        true
    }
    let mut props = Map::new();
    let mut required = Vec::new();
    if !collect(schema, &mut props, &mut required) {
        return None;
    }
    let mut out = Map::new();
    out.insert("type".into(), "object".into());
    if let Some(d) = schema.get("description") {
        out.insert("description".into(), d.clone());
    }
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        out.insert("nullable".into(), Value::Bool(true));
    }
    out.insert("properties".into(), Value::Object(props));
    out.insert("required".into(), Value::Array(required));
    Some(Value::Object(out))
}

/// A `oneOf`/`anyOf` of string enums, as one enum of all their values.
pub fn merge_enum_choice(schema: &Value) -> Option<Value> {
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)?;
    let mut values: Vec<Value> = Vec::new();
    for b in branches {
        if b.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        for v in b.get("enum")?.as_array()? {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), "string".into());
    out.insert("enum".into(), Value::Array(values));
    if let Some(d) = schema.get("description") {
        out.insert("description".into(), d.clone());
    }
    Some(Value::Object(out))
}

/// Merges the branches of a union that share a tag (an action attempt's `pending`, `success`
/// and `error`) into one object: every property of any branch; required where all require
/// it; enums joined; where branches disagree on a property's type, any JSON.
pub fn merge_branches(branches: &[&Value]) -> Value {
    if branches.len() == 1 {
        return branches[0].clone();
    }
    let mut props: BTreeMap<String, Value> = BTreeMap::new();
    let mut required: Option<BTreeSet<String>> = None;
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("description");
            o.remove("nullable");
            o.remove("enum");
        }
        v
    };
    for b in branches {
        let req = required_names(b);
        required = Some(match required {
            None => req,
            Some(r) => r.intersection(&req).cloned().collect(),
        });
        let Some(bp) = b.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, schema) in bp {
            match props.get_mut(name) {
                None => {
                    props.insert(name.clone(), schema.clone());
                }
                Some(existing) => {
                    let untyped = |v: &Value| {
                        v.get("type").is_none()
                            && v.get("$ref").is_none()
                            && v.get("oneOf").is_none()
                            && v.get("allOf").is_none()
                    };
                    if untyped(existing) && !untyped(schema) {
                        let mut s = schema.clone();
                        s["nullable"] = Value::Bool(true);
                        *existing = s;
                    } else if untyped(schema) {
                        existing["nullable"] = Value::Bool(true);
                    } else if let (Some(a), Some(b)) = (
                        existing.get("enum").and_then(Value::as_array).cloned(),
                        schema.get("enum").and_then(Value::as_array),
                    ) {
                        let mut all = a;
                        for v in b {
                            if !all.contains(v) {
                                all.push(v.clone());
                            }
                        }
                        existing["enum"] = Value::Array(all);
                    } else if strip(existing) != strip(schema) {
                        let doc = existing.get("description").cloned();
                        let mut any = serde_json::json!({"nullable": true});
                        if let Some(d) = doc {
                            any["description"] = d;
                        }
                        *existing = any;
                    }
                }
            }
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), "object".into());
    if let Some(d) = branches[0].get("description") {
        out.insert("description".into(), d.clone());
    }
    out.insert(
        "properties".into(),
        Value::Object(props.into_iter().collect()),
    );
    out.insert(
        "required".into(),
        Value::Array(
            required
                .unwrap_or_default()
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
    );
    Value::Object(out)
}

impl<'s> TypeGen<'s> {
    /// A generator over `spec`, with the component schemas' names reserved.
    pub fn new(spec: &'s Value) -> Self {
        let mut names = HashSet::new();
        if let Some(schemas) = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for name in schemas.keys() {
                names.insert(pascal(name));
            }
        }
        Self {
            spec,
            resources: Vec::new(),
            requests: Vec::new(),
            by_shape: HashMap::new(),
            names,
        }
    }

    /// A fresh type name starting with `hint`.
    pub fn fresh(&mut self, hint: &str) -> String {
        let mut name = hint.to_owned();
        let mut n = 2;
        while !self.names.insert(name.clone()) {
            name = format!("{hint}{n}");
            n += 1;
        }
        name
    }

    /// Marks `name` as taken (a route type's name).
    pub fn reserve(&mut self, name: &str) {
        self.names.insert(name.to_owned());
    }

    /// Writes every component schema as a resource.
    pub fn components(&mut self) {
        let Some(schemas) = self
            .spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        for (name, schema) in schemas {
            let rust = pascal(name);
            self.by_shape
                .insert((Side::Resource, shape_key(schema)), rust.clone());
            self.define(schema, &rust, Side::Resource);
        }
    }

    /// The type of `schema`, writing whatever struct, enum or union it needs, named from
    /// `hint` (PascalCase).
    pub fn ty(&mut self, schema: &Value, hint: &str, side: Side) -> Ty {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = pascal(r.rsplit('/').next().unwrap_or(r));
            return Ty::simple(
                &format!("crate::resources::{name}"),
                Base::Struct,
                "ParamKind::Any",
            );
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            if all.len() == 1 {
                return self.ty(&all[0], hint, side);
            }
            // Several objects that all apply: one object with every part's properties.
            if let Some(merged) = merge_all_of(schema) {
                return self.ty(&merged, hint, side);
            }
        }
        // A choice between string enums (a device type is a lock type or a thermostat
        // type, …): one enum of every value.
        if let Some(merged) = merge_enum_choice(schema) {
            return self.ty(&merged, hint, side);
        }
        let rules = rules_of(schema);
        let with_rules = |mut t: Ty| {
            t.rules = rules.clone();
            t
        };
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            let declared = schema
                .pointer("/discriminator/propertyName")
                .and_then(Value::as_str);
            if side == Side::Resource && discriminator(branches, declared).is_some() {
                let name = self.named(schema, hint, side);
                return Ty::simple(
                    &format!("crate::resources::{name}"),
                    Base::Union,
                    "ParamKind::Any",
                );
            }
            return Ty::simple("serde_json::Value", Base::Any, "ParamKind::Any");
        }
        let ty = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match ty {
            "string" => {
                if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                    let values: Vec<String> = values
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    let name = self.named(schema, hint, side);
                    let module = match side {
                        Side::Resource => "resources",
                        Side::Request => "routes",
                    };
                    let kind = format!(
                        "ParamKind::Enum(&[{}])",
                        values.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ")
                    );
                    return with_rules(Ty {
                        rust: format!("crate::{module}::{name}"),
                        base: Base::Enum(values),
                        kind,
                        rules: String::new(),
                    });
                }
                let (base, kind) = match schema.get("format").and_then(Value::as_str) {
                    Some("uuid") => (Base::Uuid, "Uuid"),
                    Some("email") => (Base::Email, "Email"),
                    Some("uri") => (Base::Uri, "Uri"),
                    Some("date-time") if side == Side::Resource => (Base::Timestamp, "DateTime"),
                    Some("date-time") => (Base::DateTime, "DateTime"),
                    _ => (Base::Str, "String"),
                };
                let rust = if base == Base::Timestamp {
                    "seamapi_core::Timestamp"
                } else {
                    "String"
                };
                with_rules(Ty::simple(rust, base, &format!("ParamKind::{kind}")))
            }
            "boolean" => Ty::simple("bool", Base::Bool, "ParamKind::Boolean"),
            "integer" => with_rules(Ty::simple("i64", Base::Int, "ParamKind::Integer")),
            "number" => with_rules(Ty::simple("f64", Base::Num, "ParamKind::Number")),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let mut item = self.ty(&items, &singular(hint), side);
                // A list of date-times stays text: one serde adapter per field, not per item.
                if item.base == Base::Timestamp {
                    item = Ty::simple("String", Base::Str, "ParamKind::DateTime");
                }
                with_rules(Ty {
                    rust: format!("Vec<{}>", item.rust),
                    kind: format!("ParamKind::Array(&{})", item.kind),
                    base: Base::Array(Box::new(item)),
                    rules: String::new(),
                })
            }
            "object" => {
                let has_props = schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| {
                        p.values()
                            .any(|v| !undocumented(v) || side == Side::Resource)
                    });
                if has_props {
                    let name = self.named(schema, hint, side);
                    let module = match side {
                        Side::Resource => "resources",
                        Side::Request => "routes",
                    };
                    let kind = match side {
                        Side::Request => format!("ParamKind::Object({name}::PARAMS)"),
                        Side::Resource => "ParamKind::Any".to_owned(),
                    };
                    return Ty {
                        rust: format!("crate::{module}::{name}"),
                        base: Base::Struct,
                        kind,
                        rules: "Rules::NONE".to_owned(),
                    };
                }
                if let Some(ap) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                    let value = self.ty(ap, &format!("{hint}Value"), side);
                    let value = if value.base == Base::Timestamp {
                        Ty::simple("String", Base::Str, "ParamKind::DateTime")
                    } else {
                        value
                    };
                    return Ty {
                        rust: format!("std::collections::BTreeMap<String, {}>", value.rust),
                        kind: format!("ParamKind::Map(&{})", value.kind),
                        base: Base::Map(Box::new(value)),
                        rules: "Rules::NONE".to_owned(),
                    };
                }
                Ty::simple("serde_json::Value", Base::Any, "ParamKind::Any")
            }
            _ => Ty::simple("serde_json::Value", Base::Any, "ParamKind::Any"),
        }
    }

    /// The name of the item `schema` is written as, written now if it is new.
    fn named(&mut self, schema: &Value, hint: &str, side: Side) -> String {
        let key = (side, shape_key(schema));
        if let Some(name) = self.by_shape.get(&key) {
            return name.clone();
        }
        let name = self.fresh(hint);
        self.by_shape.insert(key, name.clone());
        self.define(schema, &name, side);
        name
    }

    /// Writes the item for `schema` under `name`.
    fn define(&mut self, schema: &Value, name: &str, side: Side) {
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            let declared = schema
                .pointer("/discriminator/propertyName")
                .and_then(Value::as_str);
            if let Some(tag) = discriminator(branches, declared) {
                self.union(schema, branches, &tag, name);
                return;
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let code = open_enum(name, &description(schema), &values);
            self.push(side, name, code);
            return;
        }
        match side {
            Side::Resource => self.resource_struct(schema, name),
            Side::Request => self.request_struct(schema, name, &[]),
        }
    }

    fn push(&mut self, side: Side, name: &str, code: String) {
        match side {
            Side::Resource => self.resources.push((name.to_owned(), code)),
            Side::Request => self.requests.push((name.to_owned(), code)),
        }
    }

    fn union(&mut self, schema: &Value, branches: &[Value], tag: &str, name: &str) {
        let mut groups: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for b in branches {
            let Some(t) = b
                .pointer(&format!("/properties/{tag}"))
                .and_then(single_tag)
            else {
                continue;
            };
            if !groups.contains_key(&t) {
                order.push(t.clone());
            }
            groups.entry(t).or_default().push(b);
        }
        let mut variants: Vec<(String, String, String, String)> = Vec::new();
        let mut used = HashSet::new();
        let mut common: Option<Vec<(String, String)>> = None;
        for t in &order {
            let merged = merge_branches(&groups[t]);
            let texts = required_texts(&merged);
            common = Some(match common {
                None => texts.into_iter().filter(|(p, _)| p != tag).collect(),
                Some(c) => c
                    .into_iter()
                    .filter(|(p, _)| texts.iter().any(|(q, _)| q == p))
                    .collect(),
            });
            let mut variant = pascal(t);
            let mut n = 2;
            while !used.insert(variant.clone()) {
                variant = format!("{}{n}", pascal(t));
                n += 1;
            }
            let struct_name = self.fresh(&format!("{variant}{name}"));
            // The tag of a merged group is one value: keep it as text in the struct.
            let mut body = merged.clone();
            if let Some(p) = body.pointer_mut(&format!("/properties/{tag}"))
                && let Some(o) = p.as_object_mut()
            {
                o.remove("enum");
            }
            self.by_shape
                .insert((Side::Resource, shape_key(&body)), struct_name.clone());
            self.resource_struct(&body, &struct_name);
            let doc = groups[t]
                .iter()
                .filter_map(|b| b.get("description").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n\n");
            variants.push((variant, t.clone(), struct_name, doc));
        }
        let mut code = lines(&description(schema), "");
        code.push_str(&format!(
            "///\n/// A union keyed by `{tag}`; a kind this version does not know decodes as \
             [`{name}::Unknown`], keeping its JSON.\n"
        ));
        code.push_str("#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\n");
        code.push_str(&format!("pub enum {name} {{\n"));
        for (variant, t, s, doc) in &variants {
            let d = if doc.is_empty() {
                format!("`{t}`.")
            } else {
                format!("`{t}`: {doc}")
            };
            code.push_str(&lines(&d, "    "));
            code.push_str(&format!("    {variant}({s}),\n"));
        }
        code.push_str(&format!(
            "    /// A `{tag}` this version of the client does not know, with the object as sent.\n    Unknown(seamapi_core::UnknownKind),\n}}\n\n"
        ));
        code.push_str(&format!("impl {name} {{\n"));
        code.push_str(&format!(
            "    /// The `{tag}`, as on the wire.\n    pub fn kind(&self) -> &str {{\n        match self {{\n"
        ));
        for (variant, t, _, _) in &variants {
            code.push_str(&format!("            Self::{variant}(_) => {},\n", lit(t)));
        }
        code.push_str("            Self::Unknown(u) => u.kind(),\n        }\n    }\n");
        // Text every kind has (an event's `event_id`, an attempt's `action_attempt_id`, an
        // error's `message`): one accessor, read from the JSON for a kind not known.
        for (prop, doc) in common.unwrap_or_default() {
            let method = field(&prop);
            if method == "kind" {
                continue;
            }
            let doc = if doc.is_empty() {
                format!("`{prop}`, which every kind has.")
            } else {
                format!(
                    "{doc}\n\nEvery kind has it (`{prop}`); empty when a kind this version does not know lacks it."
                )
            };
            code.push('\n');
            code.push_str(&lines(&doc, "    "));
            code.push_str(&format!(
                "    pub fn {method}(&self) -> &str {{\n        match self {{\n"
            ));
            for (variant, _, _, _) in &variants {
                code.push_str(&format!("            Self::{variant}(v) => &v.{method},\n"));
            }
            code.push_str(&format!(
                "            Self::Unknown(u) => u.raw().get({}).and_then(serde_json::Value::as_str).unwrap_or_default(),\n        }}\n    }}\n",
                lit(&prop)
            ));
        }
        code.push_str("}\n\n");
        code.push_str(&format!(
            "impl serde::Serialize for {name} {{\n    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        match self {{\n"
        ));
        for (variant, _, _, _) in &variants {
            code.push_str(&format!(
                "            Self::{variant}(v) => v.serialize(s),\n"
            ));
        }
        code.push_str("            Self::Unknown(v) => v.serialize(s),\n        }\n    }\n}\n\n");
        code.push_str(&format!(
            "impl<'de> serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        let (kind, value) = crate::support::tagged::<D>(d, {})?;\n        Ok(match kind.as_str() {{\n",
            lit(tag)
        ));
        for (variant, t, _, _) in &variants {
            code.push_str(&format!(
                "            {} => Self::{variant}(crate::support::variant::<_, D>(value)?),\n",
                lit(t)
            ));
        }
        code.push_str("            _ => Self::Unknown(seamapi_core::UnknownKind::new(kind, value)),\n        })\n    }\n}\n");
        self.resources.push((name.to_owned(), code));
    }

    fn resource_struct(&mut self, schema: &Value, name: &str) {
        let required = required_names(schema);
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut fields = String::new();
        let mut eq = true;
        let snake_name = crate::names::snake(name);
        for (prop, ps) in props {
            let ty = self.ty(ps, &format!("{name}{}", pascal(prop)), Side::Resource);
            if !derives_eq(&ty) {
                eq = false;
            }
            let is_required = required.contains(prop);
            let nullable = ps.get("nullable") == Some(&Value::Bool(true));
            // Hard-required: what the server must send. The resource's own id (`acs_user_id`
            // of an `AcsUser`, `event_id` of any event), its workspace, its creation time and
            // its enums (an unknown value is kept, so only a missing one fails). Other required
            // fields decode with a default: text, flags and lists empty, the rest `None`.
            let own_id = prop
                .strip_suffix("_id")
                .is_some_and(|stem| snake_name.ends_with(stem) || prop == "workspace_id");
            let hard = is_required
                && !nullable
                && ((ty.base == Base::Uuid && own_id)
                    || matches!(ty.base, Base::Enum(_))
                    || (prop == "created_at" && ty.base == Base::Timestamp));
            let defaultable = matches!(
                ty.base,
                Base::Str
                    | Base::Uuid
                    | Base::Email
                    | Base::Uri
                    | Base::DateTime
                    | Base::Bool
                    | Base::Array(_)
                    | Base::Map(_)
            ) || (ty.base == Base::Any && !nullable);
            let mut doc = description(ps);
            if doc.is_empty() {
                doc = format!("`{prop}`.");
            }
            if undocumented(ps) {
                doc.push_str("\n\nUndocumented by Seam: may change without notice.");
            }
            fields.push_str(&lines(&doc, "    "));
            let ts = ty.base == Base::Timestamp;
            let (rust, attr) = if hard {
                let attr = if ts {
                    "#[serde(with = \"time::serde::rfc3339\")]".to_owned()
                } else {
                    String::new()
                };
                (ty.rust.clone(), attr)
            } else if is_required && !nullable && defaultable {
                (ty.rust.clone(), "#[serde(default)]".to_owned())
            } else {
                let with = if ts {
                    ", with = \"time::serde::rfc3339::option\""
                } else {
                    ""
                };
                let skip = if is_required {
                    ""
                } else {
                    ", skip_serializing_if = \"Option::is_none\""
                };
                (
                    format!("Option<{}>", ty.rust),
                    format!("#[serde(default{with}{skip})]"),
                )
            };
            if !attr.is_empty() {
                fields.push_str(&format!("    {attr}\n"));
            }
            fields.push_str(&format!("    pub {}: {rust},\n", field(prop)));
        }
        let mut code = lines(&description(schema), "");
        if code.is_empty() {
            code.push_str(&format!("/// `{name}`.\n"));
        }
        let derive = if eq {
            "#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]"
        } else {
            "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]"
        };
        code.push_str(derive);
        code.push_str("\n#[non_exhaustive]\n");
        code.push_str(&format!("pub struct {name} {{\n{fields}}}\n"));
        self.resources.push((name.to_owned(), code));
    }

    /// Writes a request struct: fields, `new(required…)`, a setter per optional field, and
    /// its `PARAMS`. `selector` is a one-of group written as an enum field (see
    /// [`Selector`]).
    pub fn request_struct(&mut self, schema: &Value, name: &str, selectors: &[Selector]) {
        let (code, _) = self.request_struct_code(schema, name, selectors, true, &[]);
        self.requests.push((name.to_owned(), code));
    }

    /// The code of a request struct (see [`TypeGen::request_struct`]); `nested` structs get a
    /// `PARAMS` constant of their own.
    pub fn request_struct_code(
        &mut self,
        schema: &Value,
        name: &str,
        selectors: &[Selector],
        nested: bool,
        order: &[String],
    ) -> (String, Vec<String>) {
        let mut params = request_params(schema, selectors);
        if !order.is_empty() {
            let rank = |p: &Param<'_>| {
                let name = match p {
                    Param::Plain { name, .. } => name.as_str(),
                    Param::Selector(s) => s.field.as_str(),
                };
                order.iter().position(|o| o == name).unwrap_or(usize::MAX)
            };
            params.sort_by_key(rank);
        }
        let mut fields = String::new();
        let mut ctor_args = Vec::new();
        let mut ctor_body = Vec::new();
        let mut setters = String::new();
        let mut specs = Vec::new();
        let mut eq = true;
        for p in &params {
            match p {
                Param::Plain {
                    name: prop,
                    schema: ps,
                    required,
                } => {
                    let ty = self.ty(ps, &format!("{name}{}", pascal(prop)), Side::Request);
                    if !derives_eq(&ty) {
                        eq = false;
                    }
                    let mut doc = description(ps);
                    if doc.is_empty() {
                        doc = format!("`{prop}`.");
                    }
                    let f = field(prop);
                    fields.push_str(&lines(&doc, "    "));
                    let (arg, conv) = ty.arg(&f);
                    let (_, set_conv) = ty.arg("v");
                    let deprecated = ps
                        .get("x-deprecated")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .or_else(|| {
                            (ps.get("deprecated") == Some(&Value::Bool(true)))
                                .then(|| "deprecated by Seam".to_owned())
                        });
                    if *required {
                        fields.push_str(&format!("    pub {f}: {},\n", ty.rust));
                        ctor_args.push(format!("{f}: {arg}"));
                        ctor_body.push(if conv == f {
                            f.clone()
                        } else {
                            format!("{f}: {conv}")
                        });
                    } else {
                        fields.push_str(
                            "    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n",
                        );
                        fields.push_str(&format!("    pub {f}: Option<{}>,\n", ty.rust));
                        ctor_body.push(format!("{f}: None"));
                        setters.push_str(&lines(&doc, "    "));
                        if let Some(why) = &deprecated {
                            setters.push_str(&format!("    #[deprecated = {}]\n", lit(why.trim())));
                        }
                        setters.push_str(&format!(
                            "    pub fn {f}(mut self, v: {arg}) -> Self {{\n        self.{f} = Some({set_conv});\n        self\n    }}\n\n"
                        ));
                    }
                    let requirement = if *required { "Required" } else { "Optional" };
                    specs.push(param_spec(prop, &ty, requirement, &doc));
                }
                Param::Selector(sel) => {
                    let enum_name = self.selector_enum(sel);
                    let f = field(&sel.field);
                    fields.push_str(&lines(&sel.doc, "    "));
                    fields.push_str(&format!(
                        "    #[serde(flatten)]\n    pub {f}: crate::routes::{enum_name},\n"
                    ));
                    ctor_args.push(format!("{f}: crate::routes::{enum_name}"));
                    ctor_body.push(f.clone());
                    for (prop, ps, _) in &sel.variants {
                        let ty = self.ty(ps, &format!("{name}{}", pascal(prop)), Side::Request);
                        specs.push(param_spec(prop, &ty, "OneOf", &description(ps)));
                    }
                }
            }
        }
        let mut code = lines(&description(schema), "");
        if code.is_empty() && nested {
            code.push_str(&format!("/// The parameters of `{name}`.\n"));
        }
        code.push_str(if eq {
            "#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]\n"
        } else {
            "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]\n"
        });
        code.push_str("#[non_exhaustive]\n");
        code.push_str(&format!("pub struct {name} {{\n{fields}}}\n\n"));
        code.push_str(&format!("impl {name} {{\n"));
        if nested {
            code.push_str(&format!(
                "    /// The properties, for validation.\n    pub const PARAMS: &'static [ParamSpec] = &[\n{}    ];\n\n",
                specs.iter().map(|s| format!("        {s},\n")).collect::<String>()
            ));
        }
        code.push_str("    /// With its required parameters; the optional ones are set with the methods below.\n");
        code.push_str("    #[allow(clippy::new_without_default, clippy::too_many_arguments)]\n");
        code.push_str(&format!(
            "    pub fn new({}) -> Self {{\n        Self {{ {} }}\n    }}\n\n",
            ctor_args.join(", "),
            ctor_body.join(", ")
        ));
        code.push_str(&setters);
        code.push_str("}\n");
        (code, specs)
    }

    fn selector_enum(&mut self, sel: &Selector) -> String {
        let wire: Vec<String> = sel
            .variants
            .iter()
            .map(|(p, _, v)| format!("{p}={v}"))
            .collect();
        let key = (
            Side::Request,
            format!("selector:{}:{}", sel.enum_name, wire.join(",")),
        );
        if let Some(name) = self.by_shape.get(&key) {
            return name.clone();
        }
        let name = self.fresh(&sel.enum_name);
        self.by_shape.insert(key, name.clone());
        let mut variants = String::new();
        let mut ctors = String::new();
        let mut eq = true;
        for (prop, ps, variant) in &sel.variants {
            let ty = self.ty(ps, &format!("{name}{variant}"), Side::Request);
            if !derives_eq(&ty) {
                eq = false;
            }
            let doc = description(ps);
            let doc = if doc.is_empty() {
                format!("By `{prop}`.")
            } else {
                doc
            };
            variants.push_str(&lines(&format!("{doc}\n\nSent as `{prop}`."), "    "));
            variants.push_str(&format!(
                "    #[serde(rename = {})]\n    {variant}({}),\n",
                lit(prop),
                ty.rust
            ));
            let (arg, conv) = ty.arg("v");
            ctors.push_str(&format!(
                "    /// By `{prop}`.\n    pub fn {}(v: {arg}) -> Self {{\n        Self::{variant}({conv})\n    }}\n\n",
                field(&crate::names::snake(variant))
            ));
        }
        let mut code = lines(&sel.doc, "");
        code.push_str(
            "///\n/// An enum, so a request names exactly one: never neither, never both.\n",
        );
        code.push_str(if eq {
            "#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]\n"
        } else {
            "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]\n"
        });
        code.push_str(&format!(
            "pub enum {name} {{\n{variants}}}\n\nimpl {name} {{\n{ctors}}}\n"
        ));
        self.requests.push((name.clone(), code));
        name
    }
}

/// Whether a type can derive `Eq` (no float inside, as far as the generator knows).
fn derives_eq(ty: &Ty) -> bool {
    match &ty.base {
        Base::Num | Base::Any => false,
        Base::Array(i) | Base::Map(i) => derives_eq(i),
        Base::Struct | Base::Union => false,
        _ => true,
    }
}

/// One parameter of a request struct.
pub enum Param<'a> {
    Plain {
        name: String,
        schema: &'a Value,
        required: bool,
    },
    Selector(Selector),
}

/// A one-of group written as an enum: `UserIdentityRef::Id(..)` or `::Key(..)`.
#[derive(Debug, Clone)]
pub struct Selector {
    /// The enum's name.
    pub enum_name: String,
    /// The request's field that holds it.
    pub field: String,
    /// `(wire name, schema, variant)`.
    pub variants: Vec<(String, Value, String)>,
    /// Its documentation.
    pub doc: String,
}

/// The parameters of a request schema: its documented properties, with the selectors'
/// properties taken out.
pub fn request_params<'a>(schema: &'a Value, selectors: &[Selector]) -> Vec<Param<'a>> {
    let required = required_names(schema);
    let mut out = Vec::new();
    let mut placed = HashSet::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, ps) in props {
            if undocumented(ps) {
                continue;
            }
            if let Some(sel) = selectors
                .iter()
                .find(|s| s.variants.iter().any(|(p, _, _)| p == name))
            {
                if placed.insert(sel.enum_name.clone()) {
                    out.push(Param::Selector(sel.clone()));
                }
                continue;
            }
            out.push(Param::Plain {
                name: name.clone(),
                schema: ps,
                required: required.contains(name),
            });
        }
    }
    for sel in selectors {
        if placed.insert(sel.enum_name.clone()) {
            out.push(Param::Selector(sel.clone()));
        }
    }
    // Required parameters first (the constructor's order), each group in wire order.
    out.sort_by_key(|p| match p {
        Param::Plain { required: true, .. } => 0,
        Param::Selector(_) => 1,
        Param::Plain { .. } => 2,
    });
    out
}

fn param_spec(name: &str, ty: &Ty, requirement: &str, doc: &str) -> String {
    let mut spec = format!(
        "ParamSpec::new({}, {}, Requirement::{requirement}, {})",
        lit(name),
        ty.kind,
        lit(first_sentence(doc)),
    );
    if !ty.rules.is_empty() && ty.rules != "Rules::NONE" {
        spec.push_str(&format!(".with_rules({})", ty.rules));
    }
    spec
}

/// The first paragraph of a description, for `--help` and `ParamSpec::doc`.
pub fn first_sentence(doc: &str) -> &str {
    doc.split("\n\n").next().unwrap_or_default().trim()
}

/// An open enum through the `open_enum!` macro of `seamapi-api`.
fn open_enum(name: &str, doc: &str, values: &[String]) -> String {
    let mut code = lines(doc, "");
    if code.is_empty() {
        code.push_str(&format!("/// `{name}`.\n"));
    }
    let mut body = String::new();
    let mut used = HashSet::new();
    for v in values {
        let mut variant = pascal(v);
        let mut n = 2;
        while !used.insert(variant.clone()) || variant == "Unknown" {
            variant = format!("{}{n}", pascal(v));
            n += 1;
        }
        body.push_str(&format!("    /// `{v}`\n    {variant} = {},\n", lit(v)));
    }
    format!("crate::support::open_enum! {{\n{code}{name} {{\n{body}}}\n}}\n")
}

/// The properties of an object schema that decode as plain `String` (required, not nullable,
/// text without an enum or a date format), with their descriptions: what a union's kinds
/// can share through one accessor.
fn required_texts(schema: &Value) -> Vec<(String, String)> {
    let required = required_names(schema);
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    props
        .iter()
        .filter(|(prop, ps)| {
            required.contains(*prop)
                && ps.get("type").and_then(Value::as_str) == Some("string")
                && ps.get("enum").is_none()
                && ps.get("nullable") != Some(&Value::Bool(true))
                && matches!(
                    ps.get("format").and_then(Value::as_str),
                    None | Some("uuid" | "email" | "uri")
                )
        })
        .map(|(prop, ps)| (prop.clone(), description(ps)))
        .collect()
}
