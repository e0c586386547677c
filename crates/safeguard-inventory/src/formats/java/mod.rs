//! Readers for the Java (Maven ecosystem) family:
//!
//! - [`PomXml`] (`java/pomxml`): Maven `pom.xml` manifests, POM 4.0.0.
//! - [`GradleLockfile`] (`java/gradlelockfile`): Gradle dependency lockfiles, the single-file
//!   format of Gradle 6+ (`gradle.lockfile`, `buildscript-gradle.lockfile`,
//!   `settings-gradle.lockfile`) and the per-configuration files of Gradle 4.8–5
//!   (`gradle/dependency-locks/*.lockfile`).
//! - [`GradleVerificationMetadata`] (`java/gradleverificationmetadataxml`): Gradle's
//!   `gradle/verification-metadata.xml` (schema 1.0–1.3).
//!
//! The crate-private `xml` module is the strict streaming XML reader that the XML formats of
//! this family and of the dotnet family share.

pub mod gradlelockfile;
pub mod gradleverificationmetadata;
pub mod pomxml;
pub(crate) mod xml;

pub use gradlelockfile::GradleLockfile;
pub use gradleverificationmetadata::GradleVerificationMetadata;
pub use pomxml::PomXml;
