use super::*;

/// A named ANSI colour as xterm draws it by default (its "XTerm" palette:
/// 0–7 at 205 or 229, 8 at 127, 9–15 at 255 and blue 12 at 92,92,255).
/// Terminals may differ; these are the common reference.
fn xterm(c: Color) -> (u8, u8, u8) {
    match c {
        Color::Black => (0, 0, 0),
        Color::Red => (205, 0, 0),
        Color::Green => (0, 205, 0),
        Color::Yellow => (205, 205, 0),
        Color::Blue => (0, 0, 238),
        Color::Magenta => (205, 0, 205),
        Color::Cyan => (0, 205, 205),
        Color::Gray => (229, 229, 229),
        Color::DarkGray => (127, 127, 127),
        Color::LightRed => (255, 0, 0),
        Color::LightGreen => (0, 255, 0),
        Color::LightYellow => (255, 255, 0),
        Color::LightBlue => (92, 92, 255),
        Color::LightMagenta => (255, 0, 255),
        Color::LightCyan => (0, 255, 255),
        Color::White => (255, 255, 255),
        Color::Rgb(r, g, b) => (r, g, b),
        other => panic!("no fixed RGB for {other:?}"),
    }
}

/// WCAG 2 relative luminance.
fn luminance(c: Color) -> f64 {
    let (r, g, b) = xterm(c);
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Body text and page: `dark` leaves both to the terminal, so it is
/// judged on a dark terminal's defaults (xterm's colour 7 on colour 0).
fn body(t: &Theme) -> (Color, Color) {
    (
        t.text.fg.unwrap_or(Color::Gray),
        t.text.bg.unwrap_or(Color::Black),
    )
}

#[test]
fn body_text_of_every_built_in_meets_wcag_aa() {
    for name in BUILTIN {
        let t = Theme::builtin(name).unwrap();
        let (fg, bg) = body(&t);
        let ratio = contrast(fg, bg);
        assert!(
            ratio >= 4.5,
            "{name}: body text {ratio:.2}:1 is under 4.5:1"
        );
        // Titles and selected rows are text too; a reversed style swaps
        // the body's colours, which keeps their ratio.
        for slot in ["title", "selected"] {
            let s = t.slots().into_iter().find(|(n, _)| *n == slot).unwrap().1;
            if let (Some(f), Some(b)) = (s.fg, s.bg) {
                let r = contrast(f, b);
                assert!(r >= 4.5, "{name}: {slot} {r:.2}:1 is under 4.5:1");
            }
        }
        // Coloured words on the page (headers, hints, errors) are short
        // and mostly bold: at least 3:1 (WCAG's large-text floor).
        for (slot, s) in t.slots() {
            if let (Some(f), None) = (s.fg, s.bg) {
                let r = contrast(f, bg);
                assert!(r >= 3.0, "{name}: {slot} {r:.2}:1 on the page");
            }
        }
    }
}

/// A selected row keeps its coloured words (overdue in red, a missing
/// baseline in amber): on a selection bar with its own colour they must
/// stay readable. The cold tryout measured light's dark bar at 1.7:1.
#[test]
fn coloured_words_stay_readable_on_a_coloured_selection_bar() {
    for name in ["light", "16"] {
        let t = Theme::builtin(name).unwrap();
        let Some(bar) = t.selected.bg else {
            continue;
        };
        for (slot, s) in t.slots() {
            if let (Some(f), None, "error" | "busy" | "ok") = (s.fg, s.bg, slot) {
                let r = contrast(f, bar);
                assert!(r >= 3.0, "{name}: {slot} {r:.2}:1 on the selection bar");
            }
        }
    }
}

#[test]
fn the_contrast_formula_matches_wcag_reference_values() {
    assert!((contrast(Color::Black, Color::White) - 21.0).abs() < 1e-9);
    assert!((contrast(Color::White, Color::White) - 1.0).abs() < 1e-9);
    // #767676 on white is the classic 4.54:1.
    let r = contrast(Color::Rgb(0x76, 0x76, 0x76), Color::White);
    assert!((r - 4.54).abs() < 0.01, "{r}");
}

#[test]
fn sixteen_uses_only_the_ansi_names() {
    let t = Theme::builtin("16").unwrap();
    for (slot, s) in t.slots() {
        for c in [s.fg, s.bg].into_iter().flatten() {
            assert!(
                !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                "{slot}: {c:?}"
            );
        }
    }
}

#[test]
fn dark_is_the_default_and_leaves_the_page_to_the_terminal() {
    assert_eq!(Theme::builtin("dark"), Some(Theme::new(false)));
    assert_eq!(Theme::builtin("default"), Some(Theme::new(false)));
    assert_eq!(Theme::new(false).text, Style::new());
}

#[test]
fn no_color_drops_every_colour_of_every_theme_and_keeps_emphasis() {
    for name in BUILTIN {
        let (t, problem) = Theme::load(name, None, true);
        assert_eq!(problem, None);
        for (slot, s) in t.slots() {
            assert_eq!((s.fg, s.bg), (None, None), "{name}: {slot}");
        }
        assert!(
            t.selected.add_modifier.contains(Modifier::REVERSED),
            "{name}: the selection must still show"
        );
    }
}

#[test]
fn a_theme_file_overrides_part_of_its_base() {
    let t = parse(
        "base = \"light\"\n[error]\nfg = \"#ff0000\"\nbold = false\n[dim]\nfg = \"dark-gray\"\n",
    )
    .unwrap();
    let light = Theme::builtin("light").unwrap();
    assert_eq!(t.error.fg, Some(Color::Rgb(255, 0, 0)));
    assert!(!t.error.add_modifier.contains(Modifier::BOLD));
    assert_eq!(t.dim.fg, Some(Color::DarkGray));
    assert_eq!(
        t.title, light.title,
        "what the file leaves out is the base's"
    );
    assert_eq!(t.text, light.text);
    // No base: dark.
    assert_eq!(parse("").unwrap(), Theme::new(false));
}

#[test]
fn bad_theme_files_say_what_is_wrong() {
    let cases = [
        (
            "[title]\nfg = \"blu\"\n",
            "title.fg = \"blu\" is not a colour",
        ),
        ("base = \"solarized\"\n", "\"solarized\" is not a built-in"),
        ("[titel]\nfg = \"red\"\n", "unknown field `titel`"),
        ("[title]\nfgg = \"red\"\n", "fgg"),
        ("[title\n", "line 1"),
    ];
    for (text, want) in cases {
        let e = parse(text).unwrap_err();
        assert!(e.contains(want), "{text:?}: {e}");
    }
}

#[test]
fn a_missing_or_bad_file_falls_back_to_dark_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let themes = dir.path().join("themes");
    std::fs::create_dir(&themes).unwrap();
    std::fs::write(
        themes.join("mine.toml"),
        "base = \"16\"\n[ok]\nfg = \"blue\"\n",
    )
    .unwrap();
    std::fs::write(themes.join("broken.toml"), "[ok]\nfg = 3\n").unwrap();

    let (t, problem) = Theme::load("mine", Some(dir.path()), false);
    assert_eq!(problem, None);
    assert_eq!(t.ok.fg, Some(Color::Blue));
    assert_eq!(t.text, Theme::builtin("16").unwrap().text);

    let (t, problem) = Theme::load("broken", Some(dir.path()), false);
    assert_eq!(t, Theme::new(false));
    let p = problem.unwrap();
    assert!(
        p.contains("broken.toml") && p.contains("line 2") && p.contains("dark instead"),
        "{p}"
    );

    let (t, problem) = Theme::load("nope", Some(dir.path()), false);
    assert_eq!(t, Theme::new(false));
    let p = problem.unwrap();
    assert!(
        p.contains("no theme \"nope\"") && p.contains("nope.toml"),
        "{p}"
    );

    // A name is never a path out of the themes folder.
    let (_, problem) = Theme::load("../config", Some(dir.path()), false);
    assert!(problem.unwrap().contains("not a theme name"));
}
