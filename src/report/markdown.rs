//! The Markdown design review.
