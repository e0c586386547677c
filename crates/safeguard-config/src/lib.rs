//! `safeguard.toml`: the vendor, its products and product lines, the Senior Responsible Owner,
//! the vendor's role, and the manual evidence register.
//!
//! Parsing is strict: unknown keys and bad values are errors that name the file, line and
//! column. [`template`] writes the commented file `safeguard init` creates.

mod error;
mod template;
mod types;

pub use error::{ConfigError, Location};
pub use template::template;
pub use types::{
    Config, Date, DisclosureSettings, DocumentLocation, IncidentSettings, LifecycleSettings,
    LifecycleVersion, ManualEvidence, Moment, NonEmpty, Product, ProductLine, ReleaseSettings,
    SecretsSettings, SourceSettings, Sro, Vendor, VulnsSettings,
};

use std::path::{Path, PathBuf};

/// The file name Safeguard looks for at the root of an assessed tree.
pub const FILE_NAME: &str = "safeguard.toml";

/// A parsed configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file it was read from; `None` when the embedded defaults are used.
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// The folder relative document paths are resolved against.
    pub fn base_dir(&self, fallback: &Path) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| fallback.to_path_buf())
    }
}

/// Parse configuration text. `path` is only used to name the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let config: Config =
        toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
    config.validate(text, path)?;
    Ok(config)
}

/// Read and parse a configuration file.
pub fn load_file(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, &e))?;
    parse(&text, path)
}

/// Load `safeguard.toml` from `root` if present, otherwise the embedded defaults.
pub fn load_from_root(root: &Path) -> Result<Loaded, ConfigError> {
    let path = root.join(FILE_NAME);
    match std::fs::metadata(&path) {
        Ok(_) => Ok(Loaded {
            config: load_file(&path)?,
            path: Some(path),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Loaded {
            config: Config::default(),
            path: None,
        }),
        Err(e) => Err(ConfigError::io(&path, &e)),
    }
}
