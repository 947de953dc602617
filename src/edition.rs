//! Rust editions: the site's default (`execute.edition` in `config.toml`) and a block's own
//! (`edition2018` in its fence, as in rustdoc and mdBook), read from and written as cargo
//! writes them (`"2021"`).

use serde::{Deserialize, Serialize};

/// A Rust edition.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
pub enum Edition {
    /// Rust 2015.
    #[serde(rename = "2015")]
    E2015,
    /// Rust 2018.
    #[serde(rename = "2018")]
    E2018,
    /// Rust 2021.
    #[serde(rename = "2021")]
    E2021,
    /// Rust 2024, the default.
    #[default]
    #[serde(rename = "2024")]
    E2024,
}

impl Edition {
    /// Every edition, oldest first.
    pub const ALL: [Edition; 4] = [
        Edition::E2015,
        Edition::E2018,
        Edition::E2021,
        Edition::E2024,
    ];

    /// The year, as cargo's `edition` key and rustc's `--edition` take it.
    pub fn year(self) -> &'static str {
        match self {
            Edition::E2015 => "2015",
            Edition::E2018 => "2018",
            Edition::E2021 => "2021",
            Edition::E2024 => "2024",
        }
    }

    /// The edition of a year written as cargo writes it.
    pub fn from_year(year: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.year() == year)
    }
}

impl std::fmt::Display for Edition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_round_trip() {
        for edition in Edition::ALL {
            assert_eq!(Edition::from_year(edition.year()), Some(edition));
        }
        assert_eq!(Edition::from_year("2019"), None);
        assert_eq!(Edition::default(), Edition::E2024);
    }

    #[test]
    fn written_as_cargo_writes_it() {
        #[derive(Deserialize, Serialize)]
        struct Package {
            edition: Edition,
        }
        let package: Package = toml::from_str("edition = \"2018\"").unwrap();
        assert_eq!(package.edition, Edition::E2018);
        assert_eq!(toml::to_string(&package).unwrap(), "edition = \"2018\"\n");
        assert!(toml::from_str::<Package>("edition = \"2019\"").is_err());
    }
}
