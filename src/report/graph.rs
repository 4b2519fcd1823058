//! Diagrams: Mermaid and Graphviz DOT.
