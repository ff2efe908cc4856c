//! The budget's services: budgets, projects, ballots, counting and results.

pub mod ballot;
pub mod budget;
pub mod council;
pub mod count;
pub mod decision;
pub mod implementation;
pub mod pabulib;
pub mod page;
pub mod paper;
pub mod planning;
pub mod project;
pub mod report;
pub mod results;
