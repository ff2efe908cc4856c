//! Counting a budget: which projects are funded from the submitted ballots, by the two
//! published methods. Pure functions of the ballots, the projects and the tie seed, so that
//! anyone holding the ballot file (`export.pb`) can recompute them.
//!
//! - **Greedy**: projects by votes, most first; fund one if it still fits in what is left,
//!   else skip it and go on.
//! - **Method of Equal Shares**: each voter holds an equal share of the money. A project
//!   is funded when its voters can pay for it; among those, the one whose voters pay the
//!   least per unit of what they get (their utility) goes first, and each voter pays that
//!   price per unit, or all they have left. Utility is the project's cost for approval and
//!   knapsack ballots (as at equalshares.net) and the points given for cumulative ballots.
//!   The money left at the end is spent greedily (the usual completion).
//!
//! Ties are broken by a rule fixed before voting: the lower cost first, then (Equal Shares
//! only) more votes, then a lottery: the SHA-256 of `seed:project id`, lowest first, with
//! the seed published before voting ends.

use crate::formats::budget::model::Unfunded;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;

/// A project as counting sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub cost: i64,
    /// Ballots choosing it, or points given to it (cumulative).
    pub votes: u64,
}

/// What counting works on. Ballots list (candidate index, points) per voter.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub total: i64,
    pub candidates: Vec<Candidate>,
    /// Pairs of candidate indexes that cannot both be funded.
    pub exclusions: Vec<(usize, usize)>,
    pub ballots: Vec<Vec<(usize, u32)>>,
    pub seed: String,
}

/// How a voter values a project under Equal Shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utility {
    /// Its cost (approval and knapsack ballots).
    Cost,
    /// The points given to it (cumulative ballots).
    Points,
}

/// The funded candidates in the order they were chosen, and why each other one was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub funded: Vec<usize>,
    pub unfunded: Vec<(usize, Unfunded)>,
}

/// The lottery number of a project: lower wins a tie.
pub fn lottery(seed: &str, id: i64) -> u64 {
    let digest = Sha256::digest(format!("{seed}:{id}").as_bytes());
    let mut first = [0_u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The greedy order: most votes, then lower cost, then the lottery.
fn greedy_order(instance: &Instance) -> Vec<usize> {
    let mut order: Vec<usize> = (0..instance.candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&instance.candidates[a], &instance.candidates[b]);
        pb.votes
            .cmp(&pa.votes)
            .then(pa.cost.cmp(&pb.cost))
            .then(lottery(&instance.seed, pa.id).cmp(&lottery(&instance.seed, pb.id)))
    });
    order
}

/// Tracks what is funded and what is left while a method runs.
struct Progress<'a> {
    instance: &'a Instance,
    funded: Vec<usize>,
    is_funded: Vec<bool>,
    left: i64,
}

impl<'a> Progress<'a> {
    fn new(instance: &'a Instance) -> Self {
        Self {
            instance,
            funded: Vec::new(),
            is_funded: vec![false; instance.candidates.len()],
            left: instance.total,
        }
    }

    fn excluded(&self, candidate: usize) -> bool {
        self.instance.exclusions.iter().any(|&(a, b)| {
            (a == candidate && self.is_funded[b]) || (b == candidate && self.is_funded[a])
        })
    }

    fn fund(&mut self, candidate: usize) {
        self.is_funded[candidate] = true;
        self.funded.push(candidate);
        self.left -= self.instance.candidates[candidate].cost;
    }

    /// Funds greedily from what is left; then says why each other candidate was not.
    fn complete(mut self) -> Outcome {
        let order = greedy_order(self.instance);
        for &candidate in &order {
            let project = &self.instance.candidates[candidate];
            if !self.is_funded[candidate]
                && project.votes > 0
                && !self.excluded(candidate)
                && project.cost <= self.left
            {
                self.fund(candidate);
            }
        }
        let unfunded = order
            .into_iter()
            .filter(|&c| !self.is_funded[c])
            .map(|c| {
                let reason = if self.instance.candidates[c].votes == 0 {
                    Unfunded::NoVotes
                } else if self.excluded(c) {
                    Unfunded::Incompatible
                } else {
                    Unfunded::DidNotFit
                };
                (c, reason)
            })
            .collect();
        Outcome {
            funded: self.funded,
            unfunded,
        }
    }
}

/// Greedy by votes.
pub fn greedy(instance: &Instance) -> Outcome {
    Progress::new(instance).complete()
}

/// The Method of Equal Shares, then greedy completion.
pub fn equal_shares(instance: &Instance, utility: Utility) -> Outcome {
    let mut progress = Progress::new(instance);
    let voters = instance.ballots.len();
    if voters == 0 || instance.total <= 0 {
        return progress.complete();
    }
    let share = instance.total as f64 / voters as f64;
    let mut money = vec![share; voters];
    // Each candidate's voters with their utility.
    let mut supporters: Vec<Vec<(usize, f64)>> = vec![Vec::new(); instance.candidates.len()];
    for (voter, ballot) in instance.ballots.iter().enumerate() {
        for &(candidate, points) in ballot {
            let Some(project) = instance.candidates.get(candidate) else {
                continue;
            };
            let value = match utility {
                Utility::Cost => project.cost as f64,
                Utility::Points => f64::from(points),
            };
            if value > 0.0 {
                supporters[candidate].push((voter, value));
            }
        }
    }
    // Candidates still in the running, with the price per unit of utility they last needed
    // (prices only rise as voters spend, so it is a lower bound).
    let mut running: Vec<(usize, f64)> = (0..instance.candidates.len())
        .filter(|&c| instance.candidates[c].cost > 0 && !supporters[c].is_empty())
        .map(|c| (c, 0.0))
        .collect();
    loop {
        running.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(Ordering::Equal));
        let mut best: Option<(usize, f64)> = None;
        let mut keep = Vec::with_capacity(running.len());
        for &(candidate, bound) in &running {
            if progress.excluded(candidate) {
                continue;
            }
            if let Some((_, best_price)) = best
                && bound > best_price * (1.0 + 1e-9)
            {
                keep.push((candidate, bound));
                continue;
            }
            let Some(price) = price_of(
                instance.candidates[candidate].cost as f64,
                &supporters[candidate],
                &money,
            ) else {
                continue;
            };
            keep.push((candidate, price));
            best = match best {
                Some((other, other_price))
                    if !better(instance, (candidate, price), (other, other_price)) =>
                {
                    Some((other, other_price))
                }
                _ => Some((candidate, price)),
            };
        }
        let Some((chosen, price)) = best else {
            break;
        };
        for &(voter, value) in &supporters[chosen] {
            let pay = (price * value).min(money[voter]);
            money[voter] -= pay;
        }
        progress.fund(chosen);
        running = keep.into_iter().filter(|&(c, _)| c != chosen).collect();
    }
    progress.complete()
}

/// The least price per unit of utility at which `voters` can pay `cost`, each paying the
/// price times their utility or all they have; `None` when all they have is not enough.
fn price_of(cost: f64, voters: &[(usize, f64)], money: &[f64]) -> Option<f64> {
    let available: f64 = voters.iter().map(|&(v, _)| money[v]).sum();
    if available < cost * (1.0 - 1e-12) {
        return None;
    }
    // Those who can pay least per unit of utility run out first.
    let mut by_reach: Vec<(f64, f64)> = voters
        .iter()
        .map(|&(v, value)| (money[v] / value, value))
        .collect();
    by_reach.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    let mut remaining = cost;
    let mut utility: f64 = by_reach.iter().map(|&(_, value)| value).sum();
    for &(reach, value) in &by_reach {
        let price = remaining / utility;
        if price <= reach {
            return Some(price);
        }
        remaining -= reach * value;
        utility -= value;
        if utility <= 0.0 {
            break;
        }
    }
    // Everyone pays all they have: the project costs exactly what its voters hold.
    by_reach.last().map(|&(reach, _)| reach)
}

/// Whether `a` goes before `b` under Equal Shares: a lower price, then the tie rule.
fn better(instance: &Instance, a: (usize, f64), b: (usize, f64)) -> bool {
    let tolerance = 1e-9 * a.1.abs().max(b.1.abs());
    if (a.1 - b.1).abs() > tolerance {
        return a.1 < b.1;
    }
    let (pa, pb) = (&instance.candidates[a.0], &instance.candidates[b.0]);
    pa.cost
        .cmp(&pb.cost)
        .then(pb.votes.cmp(&pa.votes))
        .then(lottery(&instance.seed, pa.id).cmp(&lottery(&instance.seed, pb.id)))
        == Ordering::Less
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, cost: i64, votes: u64) -> Candidate {
        Candidate { id, cost, votes }
    }

    /// Seven voters choose the three A projects, three voters choose B.
    fn majority_and_minority() -> Instance {
        let mut ballots = vec![vec![(0, 1), (1, 1), (2, 1)]; 7];
        ballots.extend(vec![vec![(3, 1)]; 3]);
        Instance {
            total: 100,
            candidates: vec![
                candidate(1, 40, 7),
                candidate(2, 40, 7),
                candidate(3, 40, 7),
                candidate(4, 30, 3),
            ],
            exclusions: Vec::new(),
            ballots,
            seed: "seed".to_owned(),
        }
    }

    fn ids(instance: &Instance, outcome: &Outcome) -> Vec<i64> {
        outcome
            .funded
            .iter()
            .map(|&c| instance.candidates[c].id)
            .collect()
    }

    #[test]
    fn greedy_funds_by_votes_and_skips_what_does_not_fit() {
        let instance = majority_and_minority();
        let outcome = greedy(&instance);
        let funded = ids(&instance, &outcome);
        assert_eq!(funded.len(), 2);
        assert!(funded.iter().all(|id| (1..=3).contains(id)), "{funded:?}");
        assert!(
            outcome
                .unfunded
                .iter()
                .all(|(_, why)| *why == Unfunded::DidNotFit)
        );
    }

    #[test]
    fn greedy_goes_on_after_a_project_that_does_not_fit() {
        let instance = Instance {
            total: 100,
            candidates: vec![
                candidate(1, 70, 9),
                candidate(2, 50, 8),
                candidate(3, 30, 7),
            ],
            ..Instance::default()
        };
        let outcome = greedy(&instance);
        assert_eq!(ids(&instance, &outcome), vec![1, 3]);
        assert_eq!(outcome.unfunded, vec![(1, Unfunded::DidNotFit)]);
    }

    #[test]
    fn equal_shares_gives_the_minority_its_share() {
        let instance = majority_and_minority();
        let outcome = equal_shares(&instance, Utility::Cost);
        let funded = ids(&instance, &outcome);
        assert_eq!(funded.len(), 2, "{funded:?}");
        assert!((1..=3).contains(&funded[0]));
        assert_eq!(funded[1], 4, "the three voters of B can pay for it");
    }

    #[test]
    fn ties_go_to_the_cheaper_project_then_to_the_published_lottery() {
        let instance = Instance {
            total: 100,
            candidates: vec![candidate(1, 60, 5), candidate(2, 50, 5)],
            ..Instance::default()
        };
        assert_eq!(ids(&instance, &greedy(&instance)), vec![2]);

        let tied = |seed: &str| Instance {
            total: 60,
            candidates: vec![candidate(10, 60, 5), candidate(11, 60, 5)],
            seed: seed.to_owned(),
            ..Instance::default()
        };
        let winner = |seed: &str| {
            let instance = tied(seed);
            ids(&instance, &greedy(&instance))
        };
        let by_lottery = if lottery("abc", 10) < lottery("abc", 11) {
            10
        } else {
            11
        };
        assert_eq!(winner("abc"), vec![by_lottery]);
        assert_eq!(
            winner("abc"),
            winner("abc"),
            "the same seed, the same winner"
        );
        let seeds = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let winners: std::collections::BTreeSet<Vec<i64>> =
            seeds.iter().map(|s| winner(s)).collect();
        assert_eq!(winners.len(), 2, "the seed, not the order, decides");
    }

    #[test]
    fn excluded_projects_are_not_funded_together() {
        let instance = Instance {
            total: 100,
            candidates: vec![
                candidate(1, 40, 9),
                candidate(2, 40, 8),
                candidate(3, 10, 1),
            ],
            exclusions: vec![(0, 1)],
            ..Instance::default()
        };
        let outcome = greedy(&instance);
        assert_eq!(ids(&instance, &outcome), vec![1, 3]);
        assert_eq!(outcome.unfunded, vec![(1, Unfunded::Incompatible)]);
    }

    #[test]
    fn projects_nobody_chose_are_never_funded() {
        let instance = Instance {
            total: 100,
            candidates: vec![candidate(1, 10, 0)],
            ..Instance::default()
        };
        assert_eq!(greedy(&instance).unfunded, vec![(0, Unfunded::NoVotes)]);
        assert_eq!(
            equal_shares(&instance, Utility::Cost).unfunded,
            vec![(0, Unfunded::NoVotes)]
        );
    }

    #[test]
    fn equal_shares_with_points_follows_the_points() {
        // Two voters, each with 50: one puts all points on A (cost 50), the other on B
        // (cost 50); C (cost 60) has a point from each and would win a greedy count.
        let instance = Instance {
            total: 100,
            candidates: vec![
                candidate(1, 50, 9),
                candidate(2, 50, 9),
                candidate(3, 60, 10),
            ],
            ballots: vec![vec![(0, 9), (2, 5)], vec![(1, 9), (2, 5)]],
            ..Instance::default()
        };
        assert_eq!(ids(&instance, &greedy(&instance)), vec![3]);
        let mut funded = ids(&instance, &equal_shares(&instance, Utility::Points));
        funded.sort_unstable();
        assert_eq!(funded, vec![1, 2]);
    }

    #[test]
    fn a_price_is_found_when_poorer_voters_pay_all_they_have() {
        // Voter 0 has 1, voter 1 has 10; the project costs 9 with utility 1 each: voter 0
        // pays 1, voter 1 pays 8.
        let price = price_of(9.0, &[(0, 1.0), (1, 1.0)], &[1.0, 10.0]);
        assert_eq!(price, Some(8.0));
        assert_eq!(price_of(12.0, &[(0, 1.0), (1, 1.0)], &[1.0, 10.0]), None);
    }
}
