//! The student record's tabs, the profile form and the conflict view,
//! rendered to ratatui's TestBackend at 80×24 and 200×60 and with NO_COLOR, and the
//! update() transitions behind them (tabs, forms, saves, refusals, conflicts).
//! Regenerate with `INSTA_UPDATE=always cargo test --test student_snapshots`
//! and read the .snap files before committing.

use caseload::app::Read;
use caseload::app::student::{Mode, StudentState};
use caseload::app::{Effect, Msg, Options, Screen, State, update};
use caseload::domain::enums::{GradeLevel, InterventionStatus, StudentStatus};
use caseload::domain::student::ActivityEvent;
use caseload::domain::student::StudentTheirs;
use caseload::domain::student::{
    Change, CommunicationLine, DocumentLine, GuardianFields, InterventionLine, Profile, Progress,
    SaveOutcome, StudentRecord, Versioned,
};
use caseload::domain::user::{CaseloadUser, Whoami};
use caseload::ui::{self, theme::Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use uuid::Uuid;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn guardian(n: u128, first: &str, rel: &str, phone: Option<&str>) -> Versioned<GuardianFields> {
    Versioned {
        id: Uuid::from_u128(100 + n),
        version: 1,
        value: GuardianFields {
            first_name: first.into(),
            last_name: "Evil\x1b[2J".into(),
            relationship: rel.into(),
            email: Some(format!("{}@example.org", first.to_lowercase())),
            phone: phone.map(Into::into),
            preferred_channel: phone.map(|_| "sms".into()),
            preferred_language: Some("es".into()),
            contact_priority: n as i16,
            has_custody: n == 1,
            has_educational_rights: true,
            is_emergency_contact: n == 1,
            receives_communications: true,
        },
    }
}

pub fn record() -> StudentRecord {
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day);
    StudentRecord {
        profile: Versioned {
            id: Uuid::from_u128(1),
            version: 3,
            value: Profile {
                first_name: "Mallory\u{202E}".into(),
                last_name: "王".into(),
                preferred_name: Some("Mal".into()),
                date_of_birth: d(2016, 4, 2),
                grade: GradeLevel::G03,
                status: StudentStatus::Active,
                has_iep: true,
                has_504: false,
                is_english_learner: true,
                enrollment_date: d(2021, 8, 30),
                exit_date: None,
            },
        },
        school_name: "Lincoln Elementary School".into(),
        local_id: "100204".into(),
        state_id: Some("ST-99".into()),
        counselor: Some("Dana Reyes".into()),
        guardians: vec![
            guardian(1, "Maria", "mother", Some("+1 555 0100")),
            guardian(2, "Sam", "aunt_uncle", None),
        ],
        interventions: vec![
            InterventionLine {
                id: Uuid::from_u128(200),
                status: InterventionStatus::Active,
                tier: 2,
                name: "Reading club — 阅读".into(),
                owner: Some("Lee Okafor".into()),
                start_date: d(2026, 1, 12),
                planned_end_date: d(2026, 4, 3),
                progress: Progress::OffTrack,
            },
            InterventionLine {
                id: Uuid::from_u128(201),
                status: InterventionStatus::ReviewDue,
                tier: 3,
                name: "Check-in/check-out".into(),
                owner: None,
                start_date: d(2025, 10, 1),
                planned_end_date: None,
                progress: Progress::NotEnoughData,
            },
        ],
        communications: (0..30)
            .map(|n| CommunicationLine {
                id: Uuid::from_u128(9000 + n as u128),
                when: format!("2026-02-{:02} 10:{n:02}", 28 - n % 28),
                direction: if n % 3 == 0 { "inbound" } else { "outbound" }.into(),
                channel: if n % 2 == 0 { "phone" } else { "in_person" }.into(),
                guardian: (n % 4 != 0).then(|| "Maria Evil".into()),
                purpose: format!("progress update {n}"),
                result: (n % 5 != 0).then(|| "left_message".into()),
                follow_up_due: (n % 3 == 1).then(|| d(2026, 3, 2)).flatten(),
                follow_up_done: n % 2 == 0,
            })
            .collect(),
        documents: vec![DocumentLine {
            id: Uuid::from_u128(77),
            filename: "plan\u{202E}fdp.exe".into(),
            title: Some("Plan \u{1b}[31mred".into()),
            category: Some("evaluation".into()),
            content_type: "application/pdf".into(),
            byte_size: 248_100,
            uploaded: "2026-01-15".into(),
            is_restricted: true,
        }],
        activity: vec![ActivityEvent {
            when: "2026-03-02 09:15".into(),
            who: "Dana Reyes".into(),
            action: "update".into(),
            table: "students".into(),
            changed: vec!["status".into(), "exit_date".into()],
        }],
    }
}

fn on_student(w: u16, h: u16) -> State {
    let mut s = State::new(Options {
        connection_label: "dana@/var/run/postgresql:5432/caseload_demo".into(),
        ..Options::default()
    });
    update(
        &mut s,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    let Effect::Connect { req } = update(&mut s, Msg::Start)[0] else {
        panic!()
    };
    let whoami = Whoami {
        login_role: "dana".into(),
        server_version: "15.4".into(),
        user: Some(CaseloadUser {
            id: Uuid::from_u128(9),
            username: "dana".into(),
            display_name: "Dana Reyes".into(),
            role_keys: vec!["coordinator".into()],
        }),
    };
    update(&mut s, Msg::Connected { req, whoami });
    let mut st = StudentState::new(Uuid::from_u128(1), "王, Mallory".into());
    st.detail.set(Box::new(record()));
    s.screens.push(Screen::Student(st));
    s
}

fn draw(state: &State, w: u16, h: u16, no_color: bool) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(f, state, &Theme::new(no_color)))
        .unwrap();
    if no_color {
        // The colour-free theme keeps emphasis: assert no cell carries a colour.
        for cell in t.backend().buffer().content() {
            assert_eq!(cell.fg, ratatui::style::Color::Reset);
            assert_eq!(cell.bg, ratatui::style::Color::Reset);
        }
    }
    t.backend().to_string()
}

#[test]
fn each_tab_at_80x24_and_200x60() {
    for (w, h) in [(80, 24), (200, 60)] {
        let mut s = on_student(w, h);
        for (n, c) in ['1', '2', '3', '4', '5', '6'].into_iter().enumerate() {
            update(&mut s, key(KeyCode::Char(c)));
            insta::assert_snapshot!(format!("tab{}_{w}x{h}", n + 1), draw(&s, w, h, false));
        }
    }
}

/// Every tab's number shows at 80 columns, and the selected tab's name:
/// abbreviated at 80, in full at 200, only the selected one's at 50.
#[test]
fn all_six_tabs_show_at_every_width() {
    for (w, names) in [
        (
            200,
            [
                "Profile",
                "Guardians",
                "Interventions",
                "Communications",
                "Documents",
                "Activity",
            ],
        ),
        (
            80,
            ["Profile", "Guard.", "Interv.", "Comms", "Docs", "Activity"],
        ),
        (
            50,
            ["Profile", "Guard.", "Interv.", "Comms", "Docs", "Activity"],
        ),
    ] {
        let mut s = on_student(w, 24);
        for (n, name) in names.iter().enumerate() {
            update(&mut s, key(KeyCode::Char(char::from(b'1' + n as u8))));
            let screen = draw(&s, w, 24, false);
            let bar = screen.lines().nth(2).unwrap_or_default();
            for m in 1..=6 {
                assert!(bar.contains(&format!(" {m} ")), "tab {m} at {w}: {bar}");
            }
            assert!(bar.contains(&format!(" {} {name}", n + 1)), "at {w}: {bar}");
            if w == 50 {
                // The others by number alone.
                let others = names.iter().filter(|o| *o != name);
                assert!(others.clone().all(|o| !bar.contains(o)), "at {w}: {bar}");
            } else {
                assert!(names.iter().all(|o| bar.contains(o)), "at {w}: {bar}");
            }
        }
    }
}

/// Issue 13, item 17: a very long name gives way; the grade, status,
/// school and id stay on the header at 80 columns, and at 200 the whole
/// name shows with them.
#[test]
fn a_very_long_name_keeps_grade_school_and_id_on_the_header() {
    let long = "Oyelaran-Whitfield-Montgomery-Abernathy-Fairweather-Okonkwo";
    for (w, h) in [(80, 24), (200, 60)] {
        let mut s = on_student(w, h);
        if let Some(Screen::Student(st)) = s.screens.last_mut() {
            let mut r = record();
            r.profile.value.last_name = long.into();
            st.detail.set(Box::new(r));
        }
        let screen = draw(&s, w, h, false);
        let header = screen.lines().nth(1).unwrap_or_default();
        assert!(
            header.contains(" · grade 03 · active · Lincoln Elementary School · 100204"),
            "{w}x{h}: {header}"
        );
        assert_eq!(header.contains(long), w == 200, "{w}x{h}: {header}");
        insta::assert_snapshot!(format!("long_name_header_{w}x{h}"), screen);
    }
}

/// Issue 13, item 9: the activity tab in words, not table and column names.
#[test]
fn activity_reads_as_sentences() {
    let mut s = on_student(80, 24);
    if let Some(Screen::Student(st)) = s.screens.last_mut() {
        let mut r = record();
        let event = |action: &str, table: &str, changed: &[&str]| ActivityEvent {
            when: "2026-03-01 08:00".into(),
            who: "Lee Okafor".into(),
            action: action.into(),
            table: table.into(),
            changed: changed.iter().map(|c| c.to_string()).collect(),
        };
        r.activity.push(event("read", "students", &[]));
        r.activity.push(event("insert", "student_guardians", &[]));
        r.activity.push(event(
            "update",
            "student_guardians",
            &["phone", "has_custody"],
        ));
        r.activity
            .push(event("insert", "intervention_sessions", &[]));
        st.detail.set(Box::new(r));
    }
    update(&mut s, key(KeyCode::Char('6')));
    let screen = draw(&s, 80, 24, false);
    for words in [
        "changed the profile status, exit date",
        "opened the record",
        "added a guardian",
        "changed a guardian  phone, custody",
        "logged a session",
    ] {
        assert!(screen.contains(words), "{words:?} in {screen}");
    }
    for column_name in ["student_guardians", "exit_date", "update", "insert"] {
        assert!(!screen.contains(column_name), "{column_name:?} in {screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn communications_scroll_with_j() {
    let mut s = on_student(80, 24);
    update(&mut s, key(KeyCode::Char('4')));
    for _ in 0..25 {
        update(&mut s, key(KeyCode::Char('j')));
    }
    insta::assert_snapshot!(draw(&s, 80, 24, false));
}

#[test]
fn no_color_tabs_and_form() {
    let mut s = on_student(80, 24);
    update(&mut s, key(KeyCode::Char('2')));
    insta::assert_snapshot!("no_color_guardians", draw(&s, 80, 24, true));
    update(&mut s, key(KeyCode::Char('1')));
    update(&mut s, key(KeyCode::Char('e')));
    insta::assert_snapshot!("no_color_form", draw(&s, 80, 24, true));
}

/// Opens the profile form, types a day that does not exist, and tries a
/// grade no school has: the grade picker takes the "1" (Grade 1) and
/// refuses the "3".
fn invalid_form(s: &mut State) {
    update(s, key(KeyCode::Char('e')));
    for _ in 0..3 {
        update(s, key(KeyCode::Tab));
    }
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    for c in "2026-02-30".chars() {
        update(s, key(KeyCode::Char(c)));
    }
    update(s, key(KeyCode::Tab));
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    for c in "13".chars() {
        update(s, key(KeyCode::Char(c)));
    }
}

/// Fixes the form, changes the status and saves; someone else saved first.
fn conflict_on_profile(s: &mut State) {
    invalid_form(s);
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    update(s, key(KeyCode::Char('0')));
    update(s, key(KeyCode::Char('4')));
    update(s, key(KeyCode::BackTab));
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    for c in "2016-04-03".chars() {
        update(s, key(KeyCode::Char(c)));
    }
    let fx = update(s, ctrl('s'));
    let Some(Effect::SaveStudentRecord { req, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    let mut theirs = record().profile.value;
    theirs.status = StudentStatus::Withdrawn;
    theirs.exit_date = chrono::NaiveDate::from_ymd_opt(2026, 2, 1);
    update(
        s,
        Msg::Written {
            req,
            wrote: caseload::app::Wrote::Student(SaveOutcome::Conflict(StudentTheirs {
                version: 4,
                theirs: caseload::domain::student::Change::Profile(theirs),
            })),
        },
    );
    let Screen::Student(st) = s.top() else {
        panic!()
    };
    assert!(matches!(st.mode, Mode::Conflict(_)));
}

/// The profile form with two bad values typed in, then the conflict view
/// after a save found the record changed.
#[test]
fn form_and_conflict() {
    for (w, h) in [(80, 24), (200, 60)] {
        let mut s = on_student(w, h);
        invalid_form(&mut s);
        insta::assert_snapshot!(format!("form_invalid_{w}x{h}"), draw(&s, w, h, false));
        let mut s = on_student(w, h);
        conflict_on_profile(&mut s);
        insta::assert_snapshot!(format!("conflict_{w}x{h}"), draw(&s, w, h, false));
    }
    // Too short for every field: the four that differ stay, the rest give way.
    let mut s = on_student(80, 24);
    conflict_on_profile(&mut s);
    // (15 rows: the hint line took one of the 14 this was written for.)
    let short = draw(&s, 80, 15, false);
    assert!(short.contains("≠ Exited"), "{short}");
    assert!(short.contains("7 unchanged fields not shown"), "{short}");
    insta::assert_snapshot!("conflict_80x15", short);
}

// The transitions behind those screens, asserted on the state and the
// Effects rather than on pixels.

fn student(s: &State) -> &StudentState {
    match s.top() {
        Screen::Student(st) => st,
        other => panic!("{other:?}"),
    }
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
}

/// The guardians tab, the first guardian's form, the phone replaced.
fn edit_first_guardian_phone(s: &mut State, phone: &str) {
    update(s, key(KeyCode::Char('2')));
    assert_eq!(student(s).tab, caseload::app::student::Tab::Guardians);
    update(s, key(KeyCode::Char('e')));
    let Mode::Edit(ed) = &student(s).mode else {
        panic!("e opens the selected guardian's form")
    };
    let phone_at = ed
        .form
        .specs
        .iter()
        .position(|f| f.label == "Phone")
        .expect("a phone field");
    for _ in 0..phone_at {
        update(s, key(KeyCode::Tab));
    }
    update(s, ctrl('u'));
    type_text(s, phone);
}

#[test]
fn an_invalid_value_keeps_the_form_open_with_its_message_and_sends_nothing() {
    let mut s = on_student(80, 24);
    edit_first_guardian_phone(&mut s, "call me");
    let fx = update(&mut s, ctrl('s'));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::SaveStudentRecord { .. })),
        "{fx:?}"
    );
    let Mode::Edit(ed) = &student(&s).mode else {
        panic!("still editing")
    };
    assert!(
        ed.form.values.iter().any(|v| v == "call me"),
        "what was typed stays"
    );
    let screen = draw(&s, 80, 24, false);
    assert!(
        screen.contains("a phone number is 7 to 20 digits"),
        "the message shows next to the field: {screen}"
    );
}

#[test]
fn a_guardian_save_carries_its_version_and_the_saved_values_show() {
    let mut s = on_student(80, 24);
    edit_first_guardian_phone(&mut s, "+1 555 0199");
    let fx = update(&mut s, ctrl('s'));
    let Some(Effect::SaveStudentRecord {
        req,
        id,
        version,
        change: Change::Guardian(g),
    }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!((id, version), (Uuid::from_u128(101), 1));
    assert_eq!(g.phone.as_deref(), Some("+1 555 0199"));
    assert!(
        update(&mut s, ctrl('s')).is_empty(),
        "a second save waits for the first"
    );
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: caseload::app::Wrote::Student(SaveOutcome::Saved(2)),
        },
    );
    let st = student(&s);
    assert!(matches!(st.mode, Mode::View));
    let saved = &st.detail.get().expect("record").guardians[0];
    assert_eq!(
        saved.version, 2,
        "the next save starts from the new version"
    );
    assert_eq!(saved.value.phone.as_deref(), Some("+1 555 0199"));
}

#[test]
fn a_refused_save_goes_back_to_the_form_with_the_reason_and_every_value() {
    let mut s = on_student(80, 24);
    edit_first_guardian_phone(&mut s, "+1 555 0199");
    let Some(Effect::SaveStudentRecord { req, .. }) = update(&mut s, ctrl('s')).first().cloned()
    else {
        panic!()
    };
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: caseload::app::Wrote::Student(SaveOutcome::Refused(
                "the database refused: your role may not change this record".into(),
            )),
        },
    );
    let Mode::Edit(ed) = &student(&s).mode else {
        panic!("back in the form")
    };
    assert_eq!(
        ed.form.notice.as_deref(),
        Some("not saved: the database refused: your role may not change this record")
    );
    assert!(ed.form.values.iter().any(|v| v == "+1 555 0199"));
    assert_eq!(ed.form.saving, None, "it may be saved again");
}

#[test]
fn after_a_conflict_keep_mine_saves_at_their_version_and_take_theirs_drops_mine() {
    for choice in ['m', 't', 'e'] {
        let mut s = on_student(80, 24);
        conflict_on_profile(&mut s);
        let fx = update(&mut s, key(KeyCode::Char(choice)));
        let st = student(&s);
        match choice {
            'm' => {
                let Some(Effect::SaveStudentRecord {
                    version,
                    change: Change::Profile(p),
                    ..
                }) = fx.first()
                else {
                    panic!("{fx:?}")
                };
                assert_eq!(*version, 4, "their version: overwriting knowingly");
                assert_eq!(p.status, StudentStatus::Active, "my values");
            }
            't' => {
                assert!(fx.is_empty());
                assert!(matches!(st.mode, Mode::View));
                let p = &st.detail.get().expect("record").profile;
                assert_eq!((p.version, p.value.status), (4, StudentStatus::Withdrawn));
            }
            _ => {
                let Mode::Edit(ed) = &st.mode else {
                    panic!("edit again")
                };
                assert_eq!(ed.version, 4, "on their version");
                assert!(
                    ed.form.values.iter().any(|v| v == "2016-04-03"),
                    "my values"
                );
            }
        }
    }
}

#[test]
fn enter_on_an_intervention_opens_its_detail_and_esc_comes_back() {
    let mut s = on_student(80, 24);
    // Enter on another tab opens nothing.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    update(&mut s, key(KeyCode::Char('3')));
    update(&mut s, key(KeyCode::Char('j')));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::Intervention { id, .. }, .. }] if id == Uuid::from_u128(201)),
        "{fx:?}"
    );
    let Screen::Intervention(d) = s.top() else {
        panic!("{}", s.top().title())
    };
    assert_eq!(d.title, "王, Mallory · Check-in/check-out");
    assert!(draw(&s, 80, 24, false).contains("Check-in/check-out"));
    // Back to the record, on the same tab and row.
    update(&mut s, key(KeyCode::Esc));
    let Screen::Student(st) = s.top() else {
        panic!("{}", s.top().title())
    };
    assert_eq!(st.tab, caseload::app::student::Tab::Interventions);
    assert_eq!(st.cursor(), 1);
}
