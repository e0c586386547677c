//! Readers for the .NET (NuGet) family:
//!
//! - [`PackagesLockJson`] (`dotnet/packageslockjson`): NuGet `packages.lock.json`, lock
//!   file versions 1 and 2.
//! - [`PackagesConfig`] (`dotnet/packagesconfig`): the `packages.config` of NuGet 2-style
//!   projects.
//! - [`NugetCpm`] (`dotnet/nugetcpm`): `Directory.Packages.props` of Central Package
//!   Management.
//! - [`Csproj`] (`dotnet/csproj`): `PackageReference` items of SDK-style and legacy MSBuild
//!   project files (`*.csproj`, `*.fsproj`, `*.vbproj`).
//!
//! The XML formats use the strict reader of [`crate::formats::java`]'s `xml` module.

pub mod csproj;
mod msbuild;
pub mod nugetcpm;
pub mod packagesconfig;
pub mod packageslockjson;

pub use csproj::Csproj;
pub use nugetcpm::NugetCpm;
pub use packagesconfig::PackagesConfig;
pub use packageslockjson::PackagesLockJson;
