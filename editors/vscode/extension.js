// archlint for VS Code: starts `archlint server` for architecture files only
// (*.arch.yaml, *.arch.yml, architecture.yaml, architecture.yml), never every YAML
// file. Build: `npm install && npx @vscode/vsce package`, then install the .vsix.
"use strict";
const { workspace } = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** The files archlint serves. */
const DOCUMENTS = [
  { scheme: "file", pattern: "**/*.arch.{yaml,yml}" },
  { scheme: "file", pattern: "**/architecture.{yaml,yml}" },
];

let client;

function activate() {
  const command = workspace.getConfiguration("archlint").get("path", "archlint");
  client = new LanguageClient(
    "archlint",
    "archlint",
    { command, args: ["server"] },
    { documentSelector: DOCUMENTS },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, DOCUMENTS };
