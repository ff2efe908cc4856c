//! What a finished form tells the person on the page it returns them to: `?status=` in the
//! address after the redirect. Server functions and upload handlers write it, pages read
//! it, from this one list; a word no page knows is never written.

use super::moderation::ModerationActionKind;

/// The query parameter a finished form leaves.
pub const STATUS_PARAM: &str = "status";

/// A finished form's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    // accounts
    /// A confirmation or reset link is on its way.
    Sent,
    LoggedOut,
    Verified,
    EmailChanged,
    Resent,
    PasswordReset,
    /// A profile, a procedure or a proposal saved.
    Saved,
    EmailSent,
    PasswordChanged,
    /// The account is deleted.
    Deleted,
    RoleSaved,
    // participation
    Created,
    Withdrawn,
    Voted,
    VoteWithdrawn,
    Followed,
    Unfollowed,
    Commented,
    CommentSaved,
    CommentDeleted,
    StartNoticeOn,
    StartNoticeOff,
    /// A budget ballot saved as a draft, submitted, or withdrawn.
    BallotSaved,
    BallotSubmitted,
    BallotWithdrawn,
    /// A paper ballot entered into its batch; a batch confirmed or discarded.
    PaperBallotEntered,
    BatchConfirmed,
    BatchDiscarded,
    /// A planner's decision on a budget's result.
    ResultDecided,
    /// An entry of an adopted proposal's or a funded project's implementation.
    ImplementationRecorded,
    /// An expert opinion asked for, or its answer entered.
    OpinionRequested,
    OpinionAnswered,
    // moderation
    Reported,
    AlreadyReported,
    Objected,
    Claimed,
    Released,
    Unblocked,
    SettingsSaved,
    Decided(ModerationActionKind),
    /// The same decision on several items: how many took it, how many were skipped.
    Bulk {
        done: u32,
        skipped: u32,
    },
    // planning
    Published,
    Unpublished,
    ImageSaved,
    ImageRemoved,
    /// An on-site import went in.
    Imported,
    PaperSaved,
    OutcomeSaved,
    /// A procedure's area set (from districts or a file), or removed.
    AreaSet,
    AreaCleared,
    /// Council outcomes read from the council information system.
    OparlImported {
        recorded: u32,
        unchanged: u32,
        unmatched: u32,
    },
    /// Proposals selected for the administration's opinion: how many, how many newly asked.
    OpinionsSelected {
        selected: u32,
        requested: u32,
    },
    /// The city's districts imported: how many are new, changed and gone.
    DistrictsImported {
        created: u32,
        updated: u32,
        removed: u32,
    },
    /// The city's address list imported: its addresses and streets.
    AddressesImported {
        addresses: u64,
        streets: u64,
    },
}

/// The outcomes without data, with their words.
const WORDS: [(Done, &str); 48] = [
    (Done::Sent, "sent"),
    (Done::LoggedOut, "logged_out"),
    (Done::Verified, "verified"),
    (Done::EmailChanged, "email_changed"),
    (Done::Resent, "resent"),
    (Done::PasswordReset, "password_reset"),
    (Done::Saved, "saved"),
    (Done::EmailSent, "email_sent"),
    (Done::PasswordChanged, "password_changed"),
    (Done::Deleted, "deleted"),
    (Done::RoleSaved, "role_saved"),
    (Done::Created, "created"),
    (Done::Withdrawn, "withdrawn"),
    (Done::Voted, "voted"),
    (Done::VoteWithdrawn, "vote_withdrawn"),
    (Done::Followed, "followed"),
    (Done::Unfollowed, "unfollowed"),
    (Done::Commented, "commented"),
    (Done::CommentSaved, "comment_saved"),
    (Done::CommentDeleted, "comment_deleted"),
    (Done::StartNoticeOn, "start_notice_on"),
    (Done::StartNoticeOff, "start_notice_off"),
    (Done::BallotSaved, "ballot_saved"),
    (Done::BallotSubmitted, "ballot_submitted"),
    (Done::BallotWithdrawn, "ballot_withdrawn"),
    (Done::PaperBallotEntered, "paper_ballot_entered"),
    (Done::BatchConfirmed, "batch_confirmed"),
    (Done::BatchDiscarded, "batch_discarded"),
    (Done::ResultDecided, "result_decided"),
    (Done::ImplementationRecorded, "implementation_recorded"),
    (Done::OpinionRequested, "opinion_requested"),
    (Done::OpinionAnswered, "opinion_answered"),
    (Done::Reported, "reported"),
    (Done::AlreadyReported, "already_reported"),
    (Done::Objected, "objected"),
    (Done::Claimed, "claimed"),
    (Done::Released, "released"),
    (Done::Unblocked, "unblocked"),
    (Done::SettingsSaved, "settings_saved"),
    (Done::Published, "published"),
    (Done::Unpublished, "unpublished"),
    (Done::ImageSaved, "image_saved"),
    (Done::ImageRemoved, "image_removed"),
    (Done::Imported, "imported"),
    (Done::PaperSaved, "paper_saved"),
    (Done::OutcomeSaved, "outcome_saved"),
    (Done::AreaSet, "area_set"),
    (Done::AreaCleared, "area_cleared"),
];

impl Done {
    /// The value of `?status=`.
    pub fn word(self) -> String {
        match self {
            Self::Decided(action) => format!("decided_{}", action.as_str()),
            Self::Bulk { done, skipped } => format!("bulk_{done}_{skipped}"),
            Self::OparlImported {
                recorded,
                unchanged,
                unmatched,
            } => format!("imported_{recorded}_{unchanged}_{unmatched}"),
            Self::DistrictsImported {
                created,
                updated,
                removed,
            } => format!("districts_{created}_{updated}_{removed}"),
            Self::AddressesImported { addresses, streets } => {
                format!("addresses_{addresses}_{streets}")
            }
            Self::OpinionsSelected {
                selected,
                requested,
            } => format!("selected_{selected}_{requested}"),
            simple => WORDS
                .iter()
                .find(|(done, _)| *done == simple)
                .map(|(_, word)| (*word).to_owned())
                .unwrap_or_default(),
        }
    }

    /// The outcome a `?status=` value names; `None` for anything else (the parameter also
    /// carries listing filters on some pages).
    pub fn parse(word: &str) -> Option<Self> {
        if let Some(action) = word.strip_prefix("decided_") {
            return ModerationActionKind::parse(action).map(Self::Decided);
        }
        if let Some(counts) = word.strip_prefix("bulk_") {
            let (done, skipped) = counts.split_once('_')?;
            return Some(Self::Bulk {
                done: done.parse().ok()?,
                skipped: skipped.parse().ok()?,
            });
        }
        if let Some(counts) = word.strip_prefix("imported_") {
            let mut parts = counts.split('_');
            let mut next = || parts.next().and_then(|n| n.parse().ok());
            let found = Self::OparlImported {
                recorded: next()?,
                unchanged: next()?,
                unmatched: next()?,
            };
            return parts.next().is_none().then_some(found);
        }
        if let Some(counts) = word.strip_prefix("selected_") {
            let (selected, requested) = counts.split_once('_')?;
            return Some(Self::OpinionsSelected {
                selected: selected.parse().ok()?,
                requested: requested.parse().ok()?,
            });
        }
        if let Some(counts) = word.strip_prefix("districts_") {
            let mut parts = counts.split('_');
            let mut next = || parts.next().and_then(|n| n.parse().ok());
            let found = Self::DistrictsImported {
                created: next()?,
                updated: next()?,
                removed: next()?,
            };
            return parts.next().is_none().then_some(found);
        }
        if let Some((addresses, streets)) = word
            .strip_prefix("addresses_")
            .and_then(|counts| counts.split_once('_'))
        {
            return Some(Self::AddressesImported {
                addresses: addresses.parse().ok()?,
                streets: streets.parse().ok()?,
            });
        }
        WORDS
            .iter()
            .find(|(_, w)| *w == word)
            .map(|(done, _)| *done)
    }

    /// `path` with this outcome as its `status` (replacing one it had), its fragment kept.
    /// Parameters starting with `__` (a form's own) are dropped.
    pub fn on(self, path: &str) -> String {
        let (path, fragment) = path
            .split_once('#')
            .map_or((path, None), |(p, f)| (p, Some(f)));
        let (base, query) = path.split_once('?').unwrap_or((path, ""));
        let prefix = format!("{STATUS_PARAM}=");
        let status = format!("{prefix}{}", self.word());
        let pairs: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with(&prefix) && !p.starts_with("__"))
            .chain(std::iter::once(status.as_str()))
            .collect();
        let mut out = format!("{base}?{}", pairs.join("&"));
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_reads_back_from_its_word() {
        let mut samples: Vec<Done> = WORDS.iter().map(|(done, _)| *done).collect();
        samples.extend(ModerationActionKind::ALL.map(Done::Decided));
        samples.push(Done::Bulk {
            done: 12,
            skipped: 0,
        });
        samples.push(Done::OparlImported {
            recorded: 3,
            unchanged: 1,
            unmatched: 0,
        });
        samples.push(Done::OpinionsSelected {
            selected: 23,
            requested: 20,
        });
        samples.push(Done::DistrictsImported {
            created: 12,
            updated: 0,
            removed: 2,
        });
        samples.push(Done::AddressesImported {
            addresses: 61_204,
            streets: 1_830,
        });
        for done in samples {
            assert_eq!(Done::parse(&done.word()), Some(done), "{done:?}");
        }
        let words: std::collections::HashSet<&str> = WORDS.iter().map(|(_, w)| *w).collect();
        assert_eq!(words.len(), WORDS.len(), "one word per outcome");
    }

    #[test]
    fn other_words_are_no_outcome() {
        for word in [
            "",
            "running",
            "decided_",
            "decided_nuke",
            "bulk_1",
            "bulk_a_b",
        ] {
            assert_eq!(Done::parse(word), None, "{word}");
        }
        assert_eq!(Done::parse("imported_1_2"), None);
        assert_eq!(Done::parse("imported_1_2_3_4"), None);
    }

    #[test]
    fn the_status_replaces_an_old_one_and_keeps_the_fragment() {
        assert_eq!(
            Done::Commented.on("/vorschlaege/4?status=voted&seite=2#kommentar-9"),
            "/vorschlaege/4?seite=2&status=commented#kommentar-9"
        );
        assert_eq!(
            Done::Decided(ModerationActionKind::Hide).on("/moderation?__token=x"),
            "/moderation?status=decided_hide"
        );
    }
}
