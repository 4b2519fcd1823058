//! archlint's core: the source text, the spanned YAML tree and the typed model of an
//! architecture file, with every `invalid-input` it finds on the way.
//!
//! Invariant: nothing here does I/O, reads the clock or the environment. Text comes in
//! as a [`source::SourceFile`]; a model and diagnostics go out.

pub mod diag;
pub mod model;
pub mod source;
