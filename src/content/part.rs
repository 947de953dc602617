//! A post's place in the series, such as `2.4`: module number, then position in the module.

use std::fmt;
use std::str::FromStr;

/// Module number and position within the module; ordered as the series reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Part {
    /// The module number.
    pub module: u32,
    /// Position in the module, from 1.
    pub index: u32,
}

impl FromStr for Part {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("part {text:?} must look like \"2.4\" (module, dot, number)");
        let (module, index) = text.split_once('.').ok_or_else(invalid)?;
        let number = |s: &str| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            s.parse::<u32>().map_err(|_| invalid())
        };
        let part = Part {
            module: number(module)?,
            index: number(index)?,
        };
        if part.index == 0 {
            return Err(format!(
                "part {text:?}: numbering within a module starts at 1"
            ));
        }
        Ok(part)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.module, self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_parts() {
        let a: Part = "2.4".parse().unwrap();
        let b: Part = "2.10".parse().unwrap();
        let c: Part = "10.1".parse().unwrap();
        assert!(a < b && b < c);
        assert_eq!(a.to_string(), "2.4");
    }

    #[test]
    fn rejects_malformed_parts() {
        for bad in ["2", "2.", ".4", "2.4.1", "a.b", "2.0", "-1.2", "2. 4"] {
            assert!(bad.parse::<Part>().is_err(), "{bad}");
        }
    }
}
