//! `archlint schema`: the JSON Schema of the architecture file.

use crate::exit::Exit;
use crate::terminal::out;

pub(crate) fn run() -> Exit {
    let schema = archlint_core::model::schema::schema(&archlint_linter::rules::ids());
    out(&format!(
        "{}\n",
        serde_json::to_string_pretty(&schema).expect("serializes")
    ));
    Exit::Clean
}
