//! Actions, their descriptions and key bindings. The help overlay is
//! generated from this table, so a binding cannot exist without being
//! documented.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    List,
    Roster,
    /// Only while the roster's filter bar has the keys (`f`).
    FilterBar,
    Student,
    /// The intervention detail's team tab.
    Team,
    /// The intervention detail, and `n` on a student or the roster.
    Intervention,
    Form,
    Conflict,
    Schools,
    FollowUps,
    Communications,
    /// Only while the Interventions list's filter bar has the keys (`f`),
    /// besides the roster filter bar's shared ones.
    IvFilterBar,
    /// The Missed sessions screen (`:missed`).
    Missed,
    /// A document on the student's documents tab, an intervention's
    /// attachments tab or the Documents screen.
    Documents,
    /// Tool approval (admin).
    Tools,
    /// The menu editor (admin).
    MenuEditor,
    /// Intervention programs (admin).
    Programs,
    /// A program's session fields (admin, after f).
    ProgramFields,
    /// The Jobs screen (menu: Reports → Jobs).
    Jobs,
    /// Exports (the Export screen, `E` on the roster) and the Reports screen.
    Exports,
    People,
    Settings,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Lists and menus",
            Context::Roster => "Roster",
            Context::FilterBar => "Roster filter bar (after f)",
            Context::Student => "Student record",
            Context::Team => "Intervention team tab (3)",
            Context::Intervention => "Interventions and goals",
            Context::Form => "Editing a form",
            Context::Conflict => "Someone else saved first",
            Context::Schools => "Schools (:schools)",
            Context::FollowUps => "Follow-up queue",
            Context::Communications => "Communication log",
            Context::IvFilterBar => "Interventions filter bar (after f; also u, t, s, x, c above)",
            Context::Missed => "Missed sessions (:missed)",
            Context::Documents => "Documents (student tab 5, attachments tab, Documents screen)",
            Context::Tools => "Tool approval (admin)",
            Context::MenuEditor => "Menu editor (admin)",
            Context::Programs => "Intervention programs (admin)",
            Context::ProgramFields => "A program's session fields (after f)",
            Context::Jobs => "Jobs",
            Context::Exports => "Export and Reports (E on the roster exports it as shown)",
            Context::People => "People (administration)",
            Context::Settings => "Settings (administration)",
        }
    }
}

impl Action {
    /// How far a movement key moves a list's cursor when a page is `page`
    /// rows (the ends as the extremes); `None` for any other action.
    pub fn movement(self, page: isize) -> Option<isize> {
        Some(match self {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN,
            Action::Bottom => isize::MAX,
            _ => return None,
        })
    }
}

macro_rules! actions {
    ($($variant:ident = $name:literal, $ctx:ident, $desc:literal, [$($key:literal),*]
       $(, hint $short:literal)?;)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action { $($variant),+ }

        impl Action {
            /// In help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// The name used in the config file's `[keys]` table.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $desc),+ }
            }
            pub fn context(self) -> Context {
                match self { $(Action::$variant => Context::$ctx),+ }
            }
            fn default_keys(self) -> &'static [&'static str] {
                match self { $(Action::$variant => &[$($key),*]),+ }
            }
            /// Its name on the hint line; `None` keeps it to help.
            pub fn short(self) -> Option<&'static str> {
                match self { $(Action::$variant => None$(.or(Some($short)))?),+ }
            }
        }
    };
}

// Each row: the action, its `[keys]` name, its help section, its help text,
// its default keys, and its name on the hint line (`hint`; without one the
// action is in help only: page keys, the second half of a pair, a picker's
// arrows, which the form names under the field).
actions! {
    Quit = "quit", Global, "quit caseload (ctrl-c always works)", ["q"], hint "quit";
    Help = "help", Global, "show or hide this help", ["?", "f1"], hint "help";
    Command = "command", Global, "command palette: find any action of this screen or any tool you may open, by a few letters of its name (recent first); or type a command: open <tool>, theme <name>, drafts, quit, help", [":", "ctrl-p"], hint "command";
    Back = "back", Global, "close the screen, back to the previous one", ["esc", "backspace"], hint "back";
    Retry = "retry", Global, "reconnect, or reload the screen", ["r"], hint "reload";
    Up = "up", List, "move up", ["k", "up"], hint "move";
    Down = "down", List, "move down", ["j", "down"], hint "move";
    PageUp = "page_up", List, "page up", ["pgup", "ctrl-b"];
    PageDown = "page_down", List, "page down", ["pgdn", "ctrl-f"];
    Top = "top", List, "first row", ["g", "home"];
    Bottom = "bottom", List, "last row", ["G", "end"];
    Open = "open", List, "open the selected item", ["enter", "l"], hint "open";
    Copy = "copy", List, "copy the selected thing to your clipboard (OSC 52): a student's id and name, an intervention's summary, a session's note", ["y"];
    Search = "search", Roster, "search names and local ids as you type (esc leaves the box, esc again clears it)", ["/"], hint "search";
    Filters = "filters", Roster, "filter bar: add, pick and remove filters", ["f"], hint "filters";
    Sort = "sort", Roster, "sort, in turn: the roster by name, grade, school, last session; interventions by next session due, review date, student, start date (newest first)", ["s"], hint "sort";
    ChipPrev = "chip_prev", FilterBar, "select the previous filter chip", ["left"], hint "filter";
    ChipNext = "chip_next", FilterBar, "select the next filter chip", ["right"], hint "filter";
    ChipRemove = "chip_remove", FilterBar, "remove the selected filter", ["x", "delete"], hint "remove";
    FilterSchool = "filter_school", FilterBar, "school: the selected student's (again: off)", ["s"], hint "school";
    FilterSchoolPick = "filter_school_pick", FilterBar, "school: pick from the list (type to narrow)", ["S"], hint "pick school";
    FilterGradeFrom = "filter_grade_from", FilterBar, "grades from the selected student's", ["["], hint "grades from";
    FilterGradeTo = "filter_grade_to", FilterBar, "grades up to the selected student's", ["]"], hint "grades to";
    FilterStatus = "filter_status", FilterBar, "status: next value (then off)", ["u"], hint "status";
    FilterTier = "filter_tier", FilterBar, "tier of an active intervention: 1, 2, 3, off", ["t"], hint "tier";
    FilterIep = "filter_iep", FilterBar, "has an IEP", ["i"], hint "IEP";
    Filter504 = "filter_504", FilterBar, "has a 504 plan", ["5"], hint "504";
    FilterEl = "filter_el", FilterBar, "English learner", ["e"], hint "EL";
    FilterActive = "filter_active", FilterBar, "has an active intervention", ["a"], hint "active";
    FilterMine = "filter_mine", FilterBar, "my caseload: my counselees, interventions I own or am on", ["m"], hint "mine";
    FilterClear = "filter_clear", FilterBar, "remove every filter", ["c"], hint "clear";
    FilterDone = "filter_done", FilterBar, "leave the filter bar (esc too)", ["enter", "f"], hint "done";
    IvFilterType = "iv_filter_type", IvFilterBar, "type: next value (then off)", ["y"], hint "type";
    IvFilterProgram = "iv_filter_program", IvFilterBar, "program: the selected row's (again: off)", ["p"], hint "program";
    IvFilterOwner = "iv_filter_owner", IvFilterBar, "owner: the selected row's (again: off)", ["o"], hint "owner";
    IvFilterReview = "iv_filter_review", IvFilterBar, "review due within 7, 14, 30 days, off", ["v"], hint "review";
    IvFilterOffTrack = "iv_filter_off_track", IvFilterBar, "off track by the goals' decision rules", ["!"], hint "off track";
    IvFilterFidelity = "iv_filter_fidelity", IvFilterBar, "fidelity under the district's threshold", ["d"], hint "fidelity";
    IvFilterNoSession = "iv_filter_no_session", IvFilterBar, "no session in 7, 14, 30 days, off", ["n"], hint "no session";
    NextTab = "next_tab", List, "next tab (home: next section); a tab's number picks it", ["tab"], hint "next tab";
    PrevTab = "prev_tab", List, "previous tab (home: previous section)", ["shift-tab"];
    Actions = "actions", List, "intervention: lifecycle actions (pause, complete …)", ["a"], hint "actions";
    TabProfile = "tab_profile", Student, "profile tab", ["1"];
    TabGuardians = "tab_guardians", Student, "guardians tab", ["2"];
    TabInterventions = "tab_interventions", Student, "interventions tab", ["3"];
    TabCommunications = "tab_communications", Student, "communications tab", ["4"];
    TabDocuments = "tab_documents", Student, "documents tab", ["5"];
    TabActivity = "tab_activity", Student, "activity tab", ["6"];
    AddMember = "add_member", Team, "add someone to the team: a caseload user by name, or someone outside", ["n"], hint "add";
    RemoveMember = "remove_member", Team, "remove the selected member (asks first; never the owner)", ["x", "delete"], hint "remove";
    Edit = "edit", Student, "edit the profile, the selected guardian; on an intervention: the plan (goals tab: the selected goal)", ["e"], hint "edit";
    New = "new", Intervention, "new intervention (student, roster); new goal (intervention goals tab)", ["n"], hint "new";
    EditPlan = "edit_plan", Intervention, "edit the intervention's plan from any tab", ["E"], hint "plan";
    Measure = "measure", Intervention, "enter a data point for the selected goal", ["m"], hint "measure";
    DeletePoint = "delete_point", Intervention, "delete the selected goal's last data point; sessions tab: the selected session (asks first)", ["x"], hint "delete";
    LogSession = "log_session", Intervention, "log a session: caseload home, intervention, roster, student (sessions tab: enter or e edits)", ["L"], hint "log session";
    Save = "save", Form, "save from any field (enter saves on the last one)", ["ctrl-s"], hint "save";
    NextField = "next_field", Form, "next field (enter and down work too)", ["tab"], hint "next field";
    PrevField = "prev_field", Form, "previous field (up works too)", ["shift-tab"];
    PickPrev = "pick_prev", Form, "choose the previous value; typing narrows (6: Grade 6)", ["left"];
    PickNext = "pick_next", Form, "choose the next value (fields with set values)", ["right"];
    CancelForm = "cancel", Form, "cancel; asks first if changed (y discards, enter keeps)", ["esc"], hint "cancel";
    KeepMine = "keep_mine", Conflict, "keep mine: save my values over theirs", ["m"], hint "keep mine";
    TakeTheirs = "take_theirs", Conflict, "take theirs: drop my changes", ["t"], hint "take theirs";
    EditAgain = "edit_again", Conflict, "edit again: my values, on their version", ["e", "esc"], hint "edit again";
    InactiveSchools = "inactive_schools", Schools, "show or hide inactive schools", ["i"], hint "inactive";
    SchoolNew = "school_new", Schools, "add a school (admin)", ["n"], hint "add";
    SchoolEdit = "school_edit", Schools, "edit the selected school: name, ids, grade span, time zone, active (admin)", ["e"], hint "edit";
    LogContact = "log_contact", Student, "log a contact with the family: student record, intervention, caseload home, follow-ups, communication log (on a follow-up: the contact that answers it)", ["C"], hint "contact";
    ProgressReport = "progress_report", Student, "write this student's progress report for a family meeting (goals, charts, plain words; nothing restricted): a job in your window, listed on the Reports screen", ["P"], hint "progress report";
    FollowUpDone = "follow_up_done", FollowUps, "mark the selected follow-up done (it stays, marked, until the list reloads)", ["d"], hint "done";
    FollowUpUndo = "follow_up_undo", FollowUps, "undo: reopen a follow-up marked done here", ["u"], hint "undo";
    FollowUpReassign = "follow_up_reassign", FollowUps, "hand the selected follow-up to someone else (type to narrow)", ["a"], hint "reassign";
    FollowUpSnooze = "follow_up_snooze", FollowUps, "snooze: move the due date (YYYY-MM-DD, today or later)", ["z"], hint "snooze";
    FollowUpScope = "follow_up_scope", FollowUps, "mine, my team's, my schools' (coordinators) in turn", ["s"], hint "scope";
    ContactStudent = "contact_student", Communications, "filter by student: type a name or local id (enter applies, empty clears)", ["/"], hint "student";
    ContactChannel = "contact_channel", Communications, "channel: next value (then off)", ["c"], hint "channel";
    ContactResult = "contact_result", Communications, "result: next value (then off)", ["o"], hint "result";
    ContactFrom = "contact_from", Communications, "from this date (YYYY-MM-DD; empty clears)", ["["], hint "from";
    ContactTo = "contact_to", Communications, "through this date (YYYY-MM-DD; empty clears)", ["]"], hint "to";
    ContactOpen = "contact_open", Communications, "only contacts with an open follow-up", ["f"], hint "open follow-up";
    ContactMine = "contact_mine", Communications, "only mine: I logged it or own its follow-up", ["m"], hint "mine";
    ContactClear = "contact_clear", Communications, "remove every filter", ["x"], hint "clear";
    Upload = "upload", Documents, "upload a file (tab completes file names); on an attachments tab it is attached too", ["u"], hint "upload";
    Download = "download", Documents, "save the selected document into a folder (enter too; sha256 checked)", ["s"], hint "save";
    OpenDocument = "open_document", Documents, "save and open the selected document with the system's opener (not over SSH)", ["o"], hint "open";
    CopyLink = "copy_link", Documents, "copy a short-lived link to the selected document to your clipboard (OSC 52)", ["y"], hint "copy link";
    Attach = "attach", Documents, "attach the selected document to one of the student's interventions", ["a"], hint "attach";
    Detach = "detach", Documents, "detach the selected attachment from this intervention (asks first)", ["d"], hint "detach";
    DeleteDocument = "delete_document", Documents, "delete the selected document (asks first; uploader, coordinator or admin)", ["x"], hint "delete";
    MissedPeriod = "missed_period", Missed, "period: this month, last month, the last 4 weeks (in turn)", ["p"], hint "period";
    ToolMove = "tool_move", Tools, "move the selected tool on: the workflow's legal moves, then a review note (a rejection needs one); enter on the note moves it", ["a"], hint "move on";
    ToolGrants = "tool_grants", Tools, "the roles granted the selected tool: space grants or takes it away, s changes the grant's scope (own, school, all)", ["p"], hint "grants";
    ToolNew = "tool_new", Tools, "add a tool (key, name, description): it starts as a draft", ["n"], hint "add";
    ToolEdit = "tool_edit", Tools, "rename the selected tool (name and description)", ["e"], hint "rename";
    NavUp = "nav_up", MenuEditor, "move the selected item up among its siblings", ["K"], hint "up";
    NavDown = "nav_down", MenuEditor, "move the selected item down among its siblings", ["J"], hint "down";
    NavIn = "nav_in", MenuEditor, "move the selected item into the group above it", [">"], hint "in";
    NavOut = "nav_out", MenuEditor, "move the selected item out of its group", ["<"], hint "out";
    NavRename = "nav_rename", MenuEditor, "rename the selected item", ["e"], hint "rename";
    NavHotkey = "nav_hotkey", MenuEditor, "change the selected item's key letter (a letter another item has is refused, naming it)", ["h"], hint "key";
    NavHide = "nav_hide", MenuEditor, "hide or show the selected item", ["x"], hint "hide/show";
    NavDelete = "nav_delete", MenuEditor, "delete the selected item (a group only when empty; asks first)", ["d"], hint "delete";
    NavAdd = "nav_add", MenuEditor, "add a group, a separator or a tool's screen below the selected item", ["n"], hint "add";
    ProgramEdit = "program_edit", Programs, "edit the selected program's defaults, tier, type, evidence level, active", ["e"], hint "edit";
    ProgramNew = "program_new", Programs, "add a program", ["n"], hint "add";
    ProgramFields = "program_fields", Programs, "the selected program's session fields", ["f"], hint "fields";
    FieldUp = "field_up", ProgramFields, "move the selected field up", ["K"], hint "up";
    FieldDown = "field_down", ProgramFields, "move the selected field down", ["J"], hint "down";
    FieldAdd = "field_add", ProgramFields, "add a field (key, label, type, required, options, range)", ["n"], hint "add";
    FieldRetire = "field_retire", ProgramFields, "retire the selected field (kept for saved sessions), or bring it back", ["x"], hint "retire";
    NavPreview = "nav_preview", MenuEditor, "preview the menu as the next role sees it", ["p"], hint "preview as";
    JobCancel = "job_cancel", Jobs, "cancel the selected job (a running one stops at its next checkpoint)", ["c"], hint "cancel";
    JobRetry = "job_retry", Jobs, "retry the selected job: a failed or cancelled one from its first attempt, a waiting one now", ["R"], hint "retry";
    JobImport = "job_import", Jobs, "import a roster (OneRoster CSV folder or .zip): a dry run first, then the real import", ["i"], hint "import";
    Export = "export", Exports, "export as CSV: on the roster the students as filtered and sorted; on the Export screen the selected export", ["E"], hint "export";
    ExportBom = "export_bom", Exports, "Export screen: start files with a byte order mark (for Excel), on or off", ["b"], hint "BOM";
    ExportPeriod = "export_period", Exports, "Export screen: sessions of this month, last month, the last 4 weeks (in turn); Reports: the fidelity report's range, likewise", ["p"], hint "period";
    ReportOpen = "report_open", Exports, "Reports: open the selected report with the system's opener", ["o", "enter"], hint "open";
    ReportRerun = "report_rerun", Exports, "Reports: queue the selected report again (the same request, on the data of the day it runs)", ["R"], hint "re-run";
    ReportSummary = "report_summary", Exports, "Reports: queue a caseload summary by school (of all you see)", ["1"], hint "by school";
    ReportByCounselor = "report_by_counselor", Exports, "Reports: queue a caseload summary by counselor (of all you see)", ["2"], hint "by counselor";
    ReportRecap = "report_recap", Exports, "Reports: queue an MTSS meeting recap of the chosen school, as of the day it runs", ["3"], hint "recap";
    ReportFidelity = "report_fidelity", Exports, "Reports: queue a fidelity report of the chosen school over the chosen period (s, p)", ["4"], hint "fidelity";
    ReportSchool = "report_school", Exports, "Reports: choose the recap's and fidelity report's school (next in turn)", ["s"], hint "school";
    PeopleAdd = "people_add", People, "add a person (with a first role)", ["n"], hint "add";
    PeopleGrant = "people_grant", People, "grant the selected person a role, at a school or all, until a date or not", ["+"], hint "grant";
    PeopleRevoke = "people_revoke", People, "revoke one of the selected person's roles (choose, then y)", ["-"], hint "revoke";
    PeoplePassword = "people_password", People, "set the selected person's password (typed twice, hidden)", ["p"], hint "password";
    PeopleToggleActive = "people_toggle_active", People, "deactivate or activate the selected person (asks first)", ["d"], hint "deactivate";
    PeopleLogin = "people_login", People, "give the selected person a login role (people imported without one)", ["w"], hint "give login";
    PeopleRole = "people_role", People, "filter by role: each role in turn, then off", ["o"], hint "role";
    PeopleSchool = "people_school", People, "filter by school: each school in turn, then off", ["h"], hint "school";
    PeopleActive = "people_active", People, "filter: active, inactive, off", ["a"], hint "active";
    PeopleCanLogin = "people_can_login", People, "filter: can sign in, cannot, off", ["c"], hint "can log in";
    SettingsScope = "settings_scope", Settings, "scope: the district, each school in turn, my own", ["s"], hint "scope";
    SettingsReset = "settings_reset", Settings, "a school's own value: remove it (the school follows the district)", ["x"], hint "reset";
}

/// A key with only the modifiers that distinguish bindings. Shift is folded
/// into the character (terminals disagree on whether `G` carries SHIFT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::BackTab => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Key { code, mods }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => f.write_str(
                NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(n, _)| n),
            ),
        }
    }
}

/// Named keys; the first name of each code is the one shown in help.
const NAMED: &[(&str, KeyCode)] = &[
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("backspace", KeyCode::Backspace),
    ("tab", KeyCode::Tab),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
];

/// Parses "j", "G", "?", "down", "pgdn", "ctrl-f", "alt-x", "shift-tab", "f1".
pub fn parse_key(s: &str) -> Result<Key, String> {
    let bad = || format!("unknown key {s:?}");
    let mut mods = KeyModifiers::NONE;
    let mut rest = s.trim();
    // A lone "-" is a key, not a modifier separator.
    while rest.len() > 1 {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        mods |= m;
        rest = &rest[len..];
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(bad()),
        (Some(c), None) if !c.is_control() => {
            if mods.contains(KeyModifiers::SHIFT) && c.is_alphabetic() {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            } else if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
        _ => {
            let lower = rest.to_ascii_lowercase();
            if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                if !(1..=12).contains(&n) {
                    return Err(bad());
                }
                KeyCode::F(n)
            } else {
                NAMED
                    .iter()
                    .find(|(n, _)| *n == lower)
                    .map(|(_, c)| *c)
                    .ok_or_else(bad)?
            }
        }
    };
    if mods.contains(KeyModifiers::SHIFT) && code != KeyCode::Tab {
        return Err(bad());
    }
    Ok(Key { code, mods })
}

#[derive(Debug, Clone)]
pub struct KeyMap {
    bindings: Vec<(Action, Vec<Key>)>,
}

impl KeyMap {
    /// Defaults, with `overrides` (action name -> key strings) replacing an
    /// action's keys. Returns the problems found so the caller can show them;
    /// a bad entry never stops the program.
    pub fn new(overrides: &HashMap<String, Vec<String>>) -> (KeyMap, Vec<String>) {
        let mut bindings: Vec<(Action, Vec<Key>)> = Action::ALL
            .iter()
            .map(|&a| {
                let keys = a
                    .default_keys()
                    .iter()
                    .filter_map(|k| parse_key(k).ok())
                    .collect();
                (a, keys)
            })
            .collect();
        let mut problems = Vec::new();
        let mut names: Vec<&String> = overrides.keys().collect();
        names.sort();
        for name in names {
            let Some(action) = Action::ALL.iter().copied().find(|a| a.name() == name) else {
                problems.push(format!("keys: unknown action {name:?}"));
                continue;
            };
            let mut keys = Vec::new();
            for s in &overrides[name] {
                match parse_key(s) {
                    Ok(k) => keys.push(k),
                    Err(e) => problems.push(format!("keys.{name}: {e}")),
                }
            }
            if keys.is_empty() {
                continue;
            }
            // An explicit binding wins: take the keys away from other actions
            // that could claim them. The filter bar's keys are looked up
            // apart from the rest, so they do not collide with them.
            let apart = |c: Context| matches!(c, Context::FilterBar | Context::IvFilterBar);
            for (a, ks) in bindings.iter_mut() {
                if *a != action && apart(a.context()) == apart(action.context()) {
                    ks.retain(|k| !keys.contains(k));
                }
            }
            if let Some((_, ks)) = bindings.iter_mut().find(|(a, _)| *a == action) {
                *ks = keys;
            }
        }
        (KeyMap { bindings }, problems)
    }

    /// The action of a key. The filter bar's, the team tab's, the schools
    /// screen's and the forms' keys are asked for by name
    /// (`action_in`, `keys`) where they apply, so they never shadow the
    /// same key elsewhere (`n` on the team tab adds a member, on the goals
    /// tab a goal; `←` chooses in a form, nothing on a list).
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.action_in(ev, |c| {
            !matches!(
                c,
                Context::FilterBar
                    | Context::Team
                    | Context::Schools
                    | Context::Form
                    | Context::FollowUps
                    | Context::Communications
                    | Context::IvFilterBar
                    | Context::Missed
                    | Context::Documents
                    | Context::Tools
                    | Context::MenuEditor
                    | Context::Programs
                    | Context::ProgramFields
                    | Context::Jobs
                    | Context::Exports
                    | Context::People
                    | Context::Settings
            )
        })
    }

    /// The first action bound to the key among those in contexts `ctx` accepts.
    pub fn action_in(&self, ev: &KeyEvent, ctx: impl Fn(Context) -> bool) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings
            .iter()
            .find(|(a, ks)| ctx(a.context()) && ks.contains(&key))
            .map(|(a, _)| *a)
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map_or(&[], |(_, ks)| ks.as_slice())
    }
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap::new(&HashMap::new()).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn parses_key_strings() {
        assert_eq!(parse_key("j").unwrap().code, KeyCode::Char('j'));
        assert_eq!(parse_key("G").unwrap().code, KeyCode::Char('G'));
        assert_eq!(parse_key("shift-g").unwrap().code, KeyCode::Char('G'));
        assert_eq!(parse_key("?").unwrap().code, KeyCode::Char('?'));
        assert_eq!(parse_key("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(parse_key("PgDn").unwrap().code, KeyCode::PageDown);
        assert_eq!(parse_key("f5").unwrap().code, KeyCode::F(5));
        let k = parse_key("ctrl-F").unwrap();
        assert_eq!(
            (k.code, k.mods),
            (KeyCode::Char('f'), KeyModifiers::CONTROL)
        );
        for bad in ["", "ctrl-", "shift-1", "f13", "hyper-x", "downn"] {
            assert!(parse_key(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn vim_and_arrow_keys_both_work_by_default() {
        let km = KeyMap::default();
        assert_eq!(
            km.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('f'), KeyModifiers::CONTROL)),
            Some(Action::PageDown)
        );
        // A form's keys are asked for by name where a form is open: ← on a
        // list means nothing.
        assert_eq!(km.action(&ev(KeyCode::Left, KeyModifiers::NONE)), None);
        assert_eq!(km.keys(Action::PickPrev)[0].code, KeyCode::Left);
    }

    #[test]
    fn override_replaces_and_steals_keys() {
        let o = HashMap::from([("quit".to_string(), vec!["x".to_string(), "j".to_string()])]);
        let (km, problems) = KeyMap::new(&o);
        assert!(problems.is_empty());
        assert_eq!(
            km.action(&ev(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(km.action(&ev(KeyCode::Char('q'), KeyModifiers::NONE)), None);
        assert_eq!(
            km.action(&ev(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::Down)
        );
    }

    #[test]
    fn bad_entries_are_reported_and_defaults_kept() {
        let o = HashMap::from([
            ("down".to_string(), vec!["ctrl-".to_string()]),
            ("fly".to_string(), vec!["x".to_string()]),
        ]);
        let (km, problems) = KeyMap::new(&o);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("keys.down") && p.contains("ctrl-"))
        );
        assert!(problems.iter().any(|p| p.contains("fly")));
        assert_eq!(
            km.action(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
    }

    /// The help names every sort `s` steps through, and no range of tab
    /// numbers that leaves out some screen's tabs (a student has 6, an
    /// intervention 5).
    #[test]
    fn help_for_sort_and_tabs_says_what_the_keys_do() {
        use crate::app::labels::Label;
        let sort = Action::Sort.description();
        for s in crate::domain::roster::Sort::ALL {
            assert!(sort.contains(s.label()), "{sort:?} leaves out {s:?}");
        }
        for s in crate::domain::iv_list::IvSort::ALL {
            assert!(sort.contains(s.label()), "{sort:?} leaves out {s:?}");
        }
        let tabs = Action::NextTab.description();
        let most = crate::app::student::Tab::ALL.len();
        for n in 1..most {
            assert!(!tabs.contains(&format!("1–{n}")), "{tabs:?}");
        }
    }
}
