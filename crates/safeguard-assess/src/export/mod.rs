pub mod csv;
pub mod html;
pub mod markdown;
#[cfg(test)]
mod render_tests;
