//! How a versioned write went, one shape for every write: the screens
//! that save (a lifecycle move, the team, the forms, the student record)
//! all answer the same five ways.

/// `S`: what the saved write gives back (a version, the team as it is
/// now, the created row); `T`: the row as someone else left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written<S, T> {
    Saved(S),
    /// Someone else saved first: theirs, nothing of ours written.
    Conflict(T),
    /// Refused by a constraint or a policy, in the database's words.
    Refused(String),
    /// Deleted, or not (any longer) visible to this person.
    Gone,
    /// It did not get there (no connection, a database error): why.
    Failed(String),
}

/// For writes that cannot meet someone else's version (the team).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoConflict {}
