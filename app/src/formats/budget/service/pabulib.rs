//! Pabulib's ballot file format (pabulib.org, "Format"): sections META (key;value),
//! PROJECTS (project_id;cost;votes;name;selected) and VOTES (voter_id;vote[;points]),
//! cells separated by semicolons and quoted with double quotes. `write` makes a budget's
//! file; `read` takes any such file back to what counting needs, so that the results can
//! be recomputed from the published file alone (`mitreden budget-count`).

use super::budget::Hosted;
use super::count::{Candidate, Instance, Outcome, Utility};
use crate::backend::entity::budget_project;
use crate::formats::budget::model::{BallotRule, ResultMethod};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fmt::Write;

/// A pabulib cell: quoted when it holds the separator, a quote or a line break.
fn cell(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    if value.contains(';') || value.contains('"') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Cents as pabulib's money: whole units, or with two decimals.
fn money(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

/// The ballot file of a budget: voters numbered in the order their ballots were cast,
/// never by account.
pub fn write(
    hosted: &Hosted,
    rule: BallotRule,
    projects: &[budget_project::Model],
    instance: &Instance,
    outcome: &Outcome,
) -> String {
    let mut out = String::new();
    let row = &hosted.row;
    let date = |at: Option<DateTime<Utc>>| {
        at.map(|at| at.format("%d.%m.%Y").to_string())
            .unwrap_or_default()
    };
    let window = hosted.context.vote_window;
    let mut meta: Vec<(&str, String)> = vec![
        ("description", cell(&row.title)),
        ("country", "Germany".to_owned()),
        ("unit", cell(&hosted.summary.title)),
    ];
    if let Some(district) = &row.district {
        meta.push(("subunit", cell(district)));
    }
    meta.extend([
        ("instance", format!("{}-{}", hosted.summary.slug, row.id)),
        ("num_projects", projects.len().to_string()),
        ("num_votes", instance.ballots.len().to_string()),
        ("budget", money(row.total_cents)),
        ("currency", "EUR".to_owned()),
        (
            "vote_type",
            match rule {
                BallotRule::Cumulative { .. } => "cumulative",
                _ => "approval",
            }
            .to_owned(),
        ),
        (
            "rule",
            match row.method {
                ResultMethod::Greedy => "greedy",
                ResultMethod::EqualShares => "equalshares",
            }
            .to_owned(),
        ),
        ("date_begin", date(window.map(|(starts, _)| starts))),
        ("date_end", date(window.map(|(_, ends)| ends))),
        ("language", "de".to_owned()),
        ("tie_seed", row.tie_seed.clone()),
    ]);
    match rule {
        BallotRule::Approval {
            min_projects,
            max_projects,
        } => {
            meta.push(("min_length", min_projects.max(1).to_string()));
            meta.push(("max_length", max_projects.to_string()));
        }
        BallotRule::Knapsack {
            min_spend_percent,
            min_projects,
            max_projects,
        } => {
            meta.push(("min_length", min_projects.max(1).to_string()));
            if let Some(max) = max_projects {
                meta.push(("max_length", max.to_string()));
            }
            let minimum = i128::from(row.total_cents) * i128::from(min_spend_percent) / 100;
            meta.push((
                "min_sum_cost",
                money(i64::try_from(minimum).unwrap_or(row.total_cents)),
            ));
            meta.push(("max_sum_cost", money(row.total_cents)));
        }
        BallotRule::Cumulative {
            points,
            max_per_project,
        } => {
            meta.push(("max_sum_points", points.to_string()));
            meta.push(("max_points", max_per_project.to_string()));
        }
    }
    out.push_str("META\nkey;value\n");
    for (key, value) in meta {
        let _ = writeln!(out, "{key};{value}");
    }
    let funded: std::collections::HashSet<usize> = outcome.funded.iter().copied().collect();
    out.push_str("PROJECTS\nproject_id;cost;votes;name;selected\n");
    for (i, project) in projects.iter().enumerate() {
        let _ = writeln!(
            out,
            "{};{};{};{};{}",
            project.id,
            money(project.cost_cents),
            instance.candidates[i].votes,
            cell(&project.title),
            u8::from(funded.contains(&i))
        );
    }
    let cumulative = matches!(rule, BallotRule::Cumulative { .. });
    out.push_str(if cumulative {
        "VOTES\nvoter_id;vote;points\n"
    } else {
        "VOTES\nvoter_id;vote\n"
    });
    for (n, ballot) in instance.ballots.iter().enumerate() {
        let vote: Vec<String> = ballot
            .iter()
            .map(|&(c, _)| projects[c].id.to_string())
            .collect();
        if cumulative {
            let points: Vec<String> = ballot.iter().map(|&(_, p)| p.to_string()).collect();
            let _ = writeln!(out, "{};{};{}", n + 1, vote.join(","), points.join(","));
        } else {
            let _ = writeln!(out, "{};{}", n + 1, vote.join(","));
        }
    }
    out
}

/// A ballot file read back: the instance, how its ballots value projects, the method it
/// names, and each candidate's id as written.
#[derive(Debug, Clone)]
pub struct Read {
    pub instance: Instance,
    pub utility: Utility,
    pub method: Option<ResultMethod>,
    pub ids: Vec<String>,
}

/// Splits a line at semicolons outside double quotes; `""` inside quotes is a quote.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ';' if !quoted => out.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// Money as pabulib writes it ("1500", "1500.5", "1500.25") in cents.
fn cents(value: &str) -> Option<i64> {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

/// Reads a pabulib file; the error names the line that could not be read.
pub fn read(text: &str) -> Result<Read, String> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Meta,
        Projects,
        Votes,
    }
    let mut section = Section::None;
    let mut header: Option<Vec<String>> = None;
    let mut meta: HashMap<String, String> = HashMap::new();
    let mut ids: Vec<String> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut ballots: Vec<Vec<(usize, u32)>> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let at = |what: &str| format!("line {}: {what}", number + 1);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let next = match line.trim().to_ascii_uppercase().as_str() {
            "META" => Some(Section::Meta),
            "PROJECTS" => Some(Section::Projects),
            "VOTES" => Some(Section::Votes),
            _ => None,
        };
        if let Some(next) = next {
            section = next;
            header = None;
            continue;
        }
        let row = cells(line);
        let Some(columns) = &header else {
            header = Some(row.iter().map(|c| c.trim().to_ascii_lowercase()).collect());
            continue;
        };
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .and_then(|i| row.get(i))
                .map(|v| v.trim().to_owned())
        };
        match section {
            Section::None => return Err(at("a line before the META section")),
            Section::Meta => {
                if let (Some(key), Some(value)) = (row.first(), row.get(1)) {
                    meta.insert(key.trim().to_owned(), value.trim().to_owned());
                }
            }
            Section::Projects => {
                let id = get("project_id").ok_or_else(|| at("no project_id"))?;
                let cost = get("cost")
                    .and_then(|c| cents(&c))
                    .filter(|c| *c > 0)
                    .ok_or_else(|| at("no cost, or not an amount"))?;
                if index.insert(id.clone(), candidates.len()).is_some() {
                    return Err(at("a project appears twice"));
                }
                candidates.push(Candidate {
                    id: id
                        .parse()
                        .unwrap_or(i64::try_from(candidates.len()).unwrap_or(0) + 1),
                    cost,
                    votes: 0,
                });
                ids.push(id);
            }
            Section::Votes => {
                let vote = get("vote").ok_or_else(|| at("no vote"))?;
                let points: Vec<Option<u32>> = match get("points") {
                    Some(points) if !points.is_empty() => {
                        points.split(',').map(|p| p.trim().parse().ok()).collect()
                    }
                    _ => Vec::new(),
                };
                let mut ballot = Vec::new();
                for (n, id) in vote
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .enumerate()
                {
                    let candidate = *index
                        .get(id)
                        .ok_or_else(|| at("a vote for an unknown project"))?;
                    let given = match points.get(n) {
                        Some(Some(p)) => *p,
                        Some(None) => return Err(at("points that are not a number")),
                        None => 1,
                    };
                    ballot.push((candidate, given));
                }
                ballots.push(ballot);
            }
        }
    }
    let total = meta
        .get("budget")
        .and_then(|b| cents(b))
        .ok_or("META has no budget")?;
    let utility = match meta.get("vote_type").map(String::as_str) {
        Some("cumulative" | "scoring") => Utility::Points,
        _ => Utility::Cost,
    };
    for ballot in &ballots {
        for &(candidate, points) in ballot {
            let weight = if utility == Utility::Points {
                u64::from(points)
            } else {
                1
            };
            candidates[candidate].votes += weight;
        }
    }
    let method = match meta.get("rule").map(String::as_str) {
        Some("greedy") => Some(ResultMethod::Greedy),
        Some("equalshares") => Some(ResultMethod::EqualShares),
        _ => None,
    };
    Ok(Read {
        instance: Instance {
            total,
            candidates,
            exclusions: Vec::new(),
            ballots,
            seed: meta.get("tie_seed").cloned().unwrap_or_default(),
        },
        utility,
        method,
        ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_quoted_separators_and_quotes() {
        assert_eq!(
            cells(r#"1;"a;b";"say ""hi""";x"#),
            vec!["1", "a;b", r#"say "hi""#, "x"]
        );
    }

    #[test]
    fn money_reads_whole_units_and_cents() {
        assert_eq!(cents("1500"), Some(150_000));
        assert_eq!(cents("1500.5"), Some(150_050));
        assert_eq!(cents("0.25"), Some(25));
        assert_eq!(cents("1.234"), None);
        assert_eq!(cents("zehn"), None);
        assert_eq!(money(150_050), "1500.50");
        assert_eq!(money(150_000), "1500");
    }

    #[test]
    fn a_file_reads_back_to_its_instance() {
        let text = "META\nkey;value\nbudget;100\nvote_type;cumulative\nrule;equalshares\ntie_seed;s\n\
                    PROJECTS\nproject_id;cost;votes;name\n7;40;0;\"A; B\"\n9;60.5;0;C\n\
                    VOTES\nvoter_id;vote;points\n1;7,9;2,3\n2;9;1\n";
        let read = read(text).unwrap();
        assert_eq!(read.ids, vec!["7", "9"]);
        assert_eq!(read.instance.total, 10_000);
        assert_eq!(read.instance.candidates[1].cost, 6_050);
        assert_eq!(
            read.instance.ballots,
            vec![vec![(0, 2), (1, 3)], vec![(1, 1)]]
        );
        assert_eq!(read.instance.candidates[1].votes, 4);
        assert_eq!(read.utility, Utility::Points);
        assert_eq!(read.method, Some(ResultMethod::EqualShares));
        assert_eq!(read.instance.seed, "s");
    }

    #[test]
    fn unreadable_files_name_the_line() {
        let error =
            read("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;viel\n").unwrap_err();
        assert!(error.starts_with("line 6:"), "{error}");
        let error = read("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n1;2\n").unwrap_err();
        assert!(error.contains("unknown project"), "{error}");
    }
}
