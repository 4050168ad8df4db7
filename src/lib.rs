//! runback: a self-assessment for runners with back pain.
//!
//! The data flows one way, a module per stage: the [`rulebase`] is loaded and checked;
//! [`answers`] are checked against its questionnaire; the [`engine`] evaluates the rules
//! into an [`engine::Assessment`]; a [`report`] renders it. [`app`] wires them to the
//! command line defined in [`cli`].

pub mod answers;
pub mod app;
pub mod atomic_write;
pub mod batch;
pub mod bout;
pub mod check;
pub mod clean;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod exit_codes;
pub mod export;
pub mod fhir;
pub mod interactive;
pub mod interrupt;
pub mod report;
pub mod rulebase;
pub mod stdio;
mod suggest;
pub mod training;
pub mod wrap;
