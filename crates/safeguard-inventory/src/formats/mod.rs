//! One module per ecosystem family; each holds that family's readers.

pub mod dart;
pub mod dotnet;
pub mod erlang;
pub mod golang;
pub mod java;
pub mod javascript;
pub mod php;
pub mod python;
pub mod r;
pub mod ruby;
pub mod rust;
pub mod swift;
