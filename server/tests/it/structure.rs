//! The layering of the application crate, read from its source: backend modules and model
//! modules depend on each other in one direction only. A cycle means a helper or a type
//! lives in the wrong module; the message names the modules of the cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn app_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's code without its unit tests (which may reach anywhere) and without comments.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers that follow `prefix` in `code`: `crate::backend::` → `service`, … For a
/// group (`prefix{a, b::c}`) each member's first segment.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // The members at the group's own level: `a, b::{c, d}` is `a` and `b`.
            let mut depth = 0usize;
            let mut member = String::new();
            let mut members = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => members.push(std::mem::take(&mut member)),
                    _ if depth == 0 => member.push(c),
                    _ => {}
                }
            }
            members.push(member);
            for member in members {
                let first = member.trim().split("::").next().unwrap_or("");
                let first = first.split_whitespace().next().unwrap_or("");
                if !first.is_empty() && first != "self" {
                    names.push(first.to_owned());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// The second segment after `prefix` (`crate::backend::service::` → `proposal`).
fn service_names(code: &str) -> Vec<String> {
    names_after(code, "crate::backend::service::")
}

/// What a path below `crate::formats::` names in the backend graph: a format's services
/// (`proposals::service::…` → `format::proposals`), its moderation hooks
/// (`format::proposals::hooks`), or the interface every shared part may use (`formats`). A
/// format's model, pages and `#[server]` functions are not backend modules.
fn format_names(code: &str, formats: &BTreeSet<String>) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::formats::") {
        rest = &rest[at + "crate::formats::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut parts = path.split("::").filter(|p| !p.is_empty());
        let first = parts.next().unwrap_or("");
        if first == "item" {
            names.push("formats::item".to_owned());
            continue;
        }
        if !formats.contains(first) {
            names.push("formats".to_owned());
            continue;
        }
        let second = parts.next();
        let group = rest[path.len()..].starts_with('{');
        let members = if second.is_none() && group {
            names_after(&format!("x::{}", &rest[path.len()..]), "x::")
        } else {
            second.map(str::to_owned).into_iter().collect()
        };
        for member in members {
            match member.as_str() {
                "service" => names.push(format!("format::{first}")),
                "hooks" => names.push(format!("format::{first}::hooks")),
                _ => {}
            }
        }
    }
    names
}

/// The participation formats: the folders of `app/src/formats`.
fn format_folders() -> BTreeSet<String> {
    std::fs::read_dir(app_source().join("formats"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Backend modules: each top-level module of `backend` is one node, except `service`,
/// whose features are one node each. Each format's services (`formats/<name>/service/`)
/// are the node `format::<name>`, its moderation hooks (`formats/<name>/hooks.rs`) the node
/// `format::<name>::hooks`, the interface (`formats/content.rs`) the node `formats` and
/// the item type it passes (`formats/item.rs`) the node `formats::item`.
/// Test-only modules are left out.
fn backend_graph() -> Graph {
    let formats = format_folders();
    let mut graph = Graph::new();
    let mut files = Vec::new();
    let backend = app_source().join("backend");
    rust_files(&backend, &mut files);
    let formats_root = app_source().join("formats");
    rust_files(&formats_root, &mut files);
    for path in files {
        let in_format = path.starts_with(&formats_root);
        let root = if in_format { &formats_root } else { &backend };
        let relative = path.strip_prefix(root).unwrap().with_extension("");
        let parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let node = if in_format {
            match parts.as_slice() {
                [single] if single == "content" => "formats".to_owned(),
                [single] if single == "item" => "formats::item".to_owned(),
                [format, hooks] if hooks == "hooks" => format!("format::{format}::hooks"),
                [format, service, ..] if service == "service" => format!("format::{format}"),
                _ => continue,
            }
        } else {
            match parts.as_slice() {
                [single] if single == "mod" || single == "fuzz" => continue,
                [service, feature, ..] if service == "service" && feature != "mod" => {
                    format!("service::{feature}")
                }
                [first, ..] => first.clone(),
                [] => continue,
            }
        };
        let code = code_of(&path);
        let mut deps = BTreeSet::new();
        for name in names_after(&code, "crate::backend::") {
            if name != "service" {
                deps.insert(name);
            }
        }
        for name in service_names(&code) {
            deps.insert(format!("service::{name}"));
        }
        deps.extend(format_names(&code, &formats));
        if in_format {
            // Inside a format `super::` is the format itself (its model, its other
            // services), which `crate::formats::` paths above already name where it counts.
            for name in names_after(&code, "super::") {
                if name == "hooks" {
                    deps.insert(format!("{}::hooks", node.trim_end_matches("::hooks")));
                }
            }
            if node == "formats" {
                for name in names_after(&code, "super::") {
                    if formats.contains(&name) {
                        deps.insert(format!("format::{name}::hooks"));
                    }
                }
            }
        } else {
            // A feature in a folder: in its `mod.rs` `super::` is the other services; in
            // its other files (`service/moderation/queue.rs`) `super::` is the feature
            // itself and `super::super::` the other services.
            let nested_feature = parts.len() > 2
                && parts[0] == "service"
                && parts.last().is_some_and(|f| f != "mod");
            let is_feature = node.starts_with("service::");
            let top_level = parts.len() == 1;
            if nested_feature {
                for name in names_after(&code, "super::super::") {
                    deps.insert(format!("service::{name}"));
                }
            }
            for name in names_after(&code, "super::") {
                if nested_feature || name == "super" {
                    continue;
                }
                if is_feature {
                    deps.insert(format!("service::{name}"));
                } else if top_level {
                    deps.insert(name);
                }
            }
        }
        deps.remove(&node);
        deps.remove("service");
        graph.entry(node).or_default().extend(deps);
    }
    graph
}

/// Model modules, one node per file: the shared ones by name, a format's as
/// `<format>::<file>`.
fn model_graph() -> Graph {
    let root = app_source().join("model");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut graph = Graph::new();
    for format in format_folders() {
        for stem in ["model", "onsite_model", "discussion"] {
            let path = app_source()
                .join("formats")
                .join(&format)
                .join(format!("{stem}.rs"));
            if !path.exists() {
                continue;
            }
            let code = code_of(&path);
            let own = format!("crate::formats::{format}::");
            let deps: BTreeSet<String> = names_after(&code, "crate::model::")
                .into_iter()
                .chain(
                    names_after(&code, &own)
                        .into_iter()
                        .chain(names_after(&code, "super::"))
                        .map(|n| format!("{format}::{n}")),
                )
                .filter(|n| *n != format!("{format}::{stem}"))
                .collect();
            graph.insert(format!("{format}::{stem}"), deps);
        }
    }
    for path in files {
        let node = path.file_stem().unwrap().to_string_lossy().into_owned();
        if node == "mod" {
            continue;
        }
        let code = code_of(&path);
        let mut deps: BTreeSet<String> = names_after(&code, "super::")
            .into_iter()
            .chain(names_after(&code, "crate::model::"))
            .collect();
        deps.remove(&node);
        graph.insert(node, deps);
    }
    graph
}

/// The first cycle found, as the path of modules that closes it.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if graph.contains_key(next)
                && let Some(found) = visit(next, graph, done, path)
            {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: Graph = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(n, d)| (n.to_owned(), d.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let acyclic: Graph = [("a", vec!["b"]), ("b", vec![]), ("c", vec!["a", "b"])]
        .into_iter()
        .map(|(n, d)| (n.to_owned(), d.into_iter().map(str::to_owned).collect()))
        .collect();
    assert_eq!(cycle(&acyclic), None);
    assert_eq!(
        names_after(
            "use super::{follow, procedure::{self, Context}};",
            "super::"
        ),
        ["follow", "procedure"]
    );
}

#[test]
fn backend_modules_depend_one_way() {
    let graph = backend_graph();
    // The reader must see the modules it checks, or the test proves nothing.
    for expected in [
        "common",
        "export",
        "mail",
        "service::procedure",
        "format::proposals",
        "format::proposals::hooks",
        "formats",
    ] {
        assert!(
            graph.contains_key(expected),
            "{expected} not read: {graph:?}"
        );
    }
    assert!(graph["format::proposals"].contains("service::procedure"));
    assert!(graph["format::proposals"].contains("service::moderation"));
    assert!(graph["service::moderation"].contains("formats"));
    assert!(graph["formats"].contains("format::proposals::hooks"));
    // A feature split into a folder is still one node, with its files' dependencies.
    assert!(graph["service::moderation"].contains("service::procedure"));
    assert!(graph["format::proposals"].contains("common"));
    assert_eq!(cycle(&graph), None, "backend modules in a cycle");
}

#[test]
fn shared_helpers_sit_below_the_features() {
    let graph = backend_graph();
    for low in ["common", "db", "entity", "auth", "sanitize"] {
        let reaching_up: Vec<&String> = graph[low]
            .iter()
            .filter(|d| {
                d.starts_with("service::")
                    || d.starts_with("format")
                    || *d == "mail"
                    || *d == "export"
            })
            .collect();
        assert!(reaching_up.is_empty(), "{low} depends on {reaching_up:?}");
    }
}

#[test]
fn shared_parts_reach_a_format_only_through_the_interface() {
    let graph = backend_graph();
    for (node, deps) in &graph {
        let own = node
            .strip_prefix("format::")
            .map(|n| n.trim_end_matches("::hooks"));
        let inside: Vec<&String> = deps
            .iter()
            .filter_map(|d| d.strip_prefix("format::").map(|f| (d, f)))
            .filter(|(_, format)| {
                let format = format.trim_end_matches("::hooks");
                match own {
                    // A format uses its own hooks, never another format's internals.
                    Some(own) => own != format,
                    // The interface dispatches to the formats' hooks and to nothing else.
                    None if node == "formats" => false,
                    None => true,
                }
            })
            .map(|(d, _)| d)
            .collect();
        assert!(inside.is_empty(), "{node} reaches into {inside:?}");
    }
    let hooks: Vec<&String> = graph["formats"]
        .iter()
        .filter(|d| d.starts_with("format::") && !d.ends_with("::hooks"))
        .collect();
    assert!(hooks.is_empty(), "the interface uses {hooks:?}");
}

#[test]
fn shared_models_do_not_use_a_format() {
    let mut files = Vec::new();
    rust_files(&app_source().join("model"), &mut files);
    for path in files {
        let code = code_of(&path);
        assert!(
            !code.contains("crate::formats::"),
            "{} uses a format's model",
            path.display()
        );
    }
}

#[test]
fn model_modules_depend_one_way() {
    let graph = model_graph();
    for expected in [
        "proposals::model",
        "procedure",
        "phase",
        "moderation",
        "results",
    ] {
        assert!(
            graph.contains_key(expected),
            "{expected} not read: {graph:?}"
        );
    }
    assert!(graph["proposals::model"].contains("procedure"));
    assert_eq!(cycle(&graph), None, "model modules in a cycle");
}

/// Lines a source file may have before it should be split by topic.
const MAX_LINES: usize = 600;

/// Files over the limit today, each capped at its length rounded up to ten lines: the list
/// only shrinks (split a file, then lower or remove its entry). Locale files are one table
/// each.
const OVERSIZED: &[(&str, usize)] = &[
    ("app/src/backend/export/mod.rs", 800),
    ("app/src/pages/moderation.rs", 690),
];

#[test]
fn source_files_stay_small_enough_to_read() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("app/src"), &mut files);
    rust_files(&root.join("server/src"), &mut files);
    let mut too_long = Vec::new();
    for path in files {
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        let allowed = OVERSIZED
            .iter()
            .find(|(file, _)| *file == name)
            .map_or(MAX_LINES, |(_, max)| *max);
        if lines > allowed {
            too_long.push(format!("{name}: {lines} lines (at most {allowed})"));
        }
    }
    assert!(too_long.is_empty(), "split these by topic: {too_long:#?}");
}
