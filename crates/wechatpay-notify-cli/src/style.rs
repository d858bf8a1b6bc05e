//! Terminal styling: colour only when standard output is a terminal (and `NO_COLOR` is unset).

use std::io::IsTerminal as _;

/// When to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Applies (or not) ANSI styles to text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides from the choice and the environment.
    pub fn detect(choice: ColorChoice) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Style { color }
    }

    /// No colour at all.
    pub fn plain() -> Style {
        Style { color: false }
    }

    /// Whether colour is on.
    pub fn is_color(self) -> bool {
        self.color
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Success (green).
    pub fn good(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Failure (red).
    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Warning or note (yellow).
    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Less important text (dim).
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Headings (bold).
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// A ✓ or ✗ mark.
    pub fn mark(self, ok: bool) -> String {
        if ok {
            self.good("✓")
        } else {
            self.bad("✗")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_has_no_escapes_and_color_has() {
        let p = Style::plain();
        assert_eq!(p.bad("x"), "x");
        assert_eq!(p.mark(true), "✓");
        let c = Style::detect(ColorChoice::Always);
        assert_eq!(c.bad("x"), "\x1b[31mx\x1b[0m");
        assert!(!Style::detect(ColorChoice::Never).is_color());
    }
}
