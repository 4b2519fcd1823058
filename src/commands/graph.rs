//! `archlint graph`: the system as a diagram.

use std::path::Path;

use archlint_core::model::Date;
use archlint_outputs::graph::Picture;
use clap::ValueEnum;

use crate::exit::Exit;
use crate::terminal::out;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum GraphFormat {
    Mermaid,
    Dot,
    /// drawn in-process, no Graphviz needed
    Svg,
}

pub(crate) fn run(file: &Path, format: GraphFormat, entities: bool, today: Date) -> Exit {
    let super::Analysed { a, cfg, exit, .. } = match super::analyse_file(file, "picture") {
        Ok(x) => x,
        Err(e) => return e,
    };
    let findings = archlint_linter::all_findings_with(&a, &cfg.custom, today);
    let pic = Picture::new(&a, &findings).with_entities(entities);
    out(&match format {
        GraphFormat::Mermaid => pic.mermaid(),
        GraphFormat::Dot => pic.dot(),
        GraphFormat::Svg => pic.svg(),
    });
    exit
}
