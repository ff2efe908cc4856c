# E-mails: `<mail>_subject` is the subject, `<mail>_body` the text (paragraphs are separated
# by blank lines; a paragraph that is only `{ $link }` becomes a button in the HTML part).

verify_email_subject = Please confirm your e-mail address
verify_email_body =
    Hello { $name },

    You have registered with { $instance }. Please confirm your e-mail address with this link:

    { $link }

    The link is valid for 48 hours and works only once. Once confirmed, you can submit proposals, comment and vote.

    If you did not register, you can ignore this e-mail.

account_exists_subject = You already have an account
account_exists_body =
    Hello,

    someone tried to create a new account with { $instance } using this e-mail address. There already is an account for it.

    If you have forgotten your password, you can set a new one here:

    { $link }

    If this was not you, you can ignore this e-mail.

password_reset_subject = Set a new password
password_reset_body =
    Hello { $name },

    a new password was requested for your account with { $instance }. Set it with this link:

    { $link }

    The link is valid for 48 hours and works only once. Afterwards you will be logged out on all devices.

    If you did not ask for a new password, you can ignore this e-mail; your password stays as it is.

email_change_subject = Confirm your new e-mail address
email_change_body =
    Hello { $name },

    you want to change your e-mail address with { $instance } to this one. Please confirm with this link:

    { $link }

    The link is valid for 48 hours and works only once. Until then, your previous address stays in use.

test_mail_subject = Test e-mail from { $instance }
test_mail_body =
    Hello,

    this e-mail confirms that { $instance } can send e-mails.

    { $link }

new_comment_subject = New comment on "{ $title }"
new_comment_body =
    Hello { $name },

    { $author } commented on a proposal you follow: "{ $title }".

    { $excerpt }

    { $link }

    You receive this e-mail because you follow the proposal. Under "My account" you can turn notifications off or receive them collected once a day.

comment_reply_subject = Reply to your comment on "{ $title }"
comment_reply_body =
    Hello { $name },

    { $author } replied to your comment on the proposal "{ $title }".

    { $excerpt }

    { $link }

    Under "My account" you can turn notifications off or receive them collected once a day.

proposal_status_subject = News on the proposal "{ $title }"
proposal_status_body =
    Hello { $name },

    the proposal "{ $title }", which you follow, has a new status: { $status }

    { $note }

    { $link }

    You receive this e-mail because you follow the proposal. Under "My account" you can turn notifications off or receive them collected once a day.

digest_subject = Your daily summary: { $count ->
    [one] { $count } update
   *[other] { $count } updates
}
digest_body =
    Hello { $name },

    since the last summary there has been news on proposals you follow:

    { $items }

    { $link }

    Under "My account" you can choose whether you receive notifications at once, collected, or not at all.

procedure_started_subject = It has started: “{ $title }”
procedure_started_body =
    Hello { $name },

    the participation procedure “{ $title }” has begun. You asked to be told when it starts: you can now read about it and take part.

    { $link }

    You receive this e-mail once, because you asked for it on { $instance }.

moderation_decision_subject = Moderation: { $action ->
    [approve] Your contribution is visible
    [restore] Your contribution is visible
    [hide] Your contribution has been hidden
    [redact] Your contribution has been edited
    [lock] The discussion of your proposal
    [unlock] The discussion of your proposal
    [warn] A warning
    [uphold] Your objection has been reviewed
    [merge] Your proposal has been merged
   *[block] Your account is blocked
}
moderation_decision_body =
    Hello { $name },

    { $action ->
        [approve] the moderators have reviewed and approved your contribution. Everyone can see it now.
        [restore] the moderators have restored your contribution. Everyone can see it again.
        [hide] the moderators have hidden your contribution. In its place, a notice shows the reason and the date.
        [redact] the moderators have removed personal data from your contribution. It is marked as edited.
        [lock] the moderators have closed the discussion of your proposal; it takes no new comments.
        [unlock] the moderators have reopened the discussion of your proposal.
        [warn] the moderators warn you about one of your contributions. Please keep to the rules of participation; further breaches can lead to your account being blocked.
        [uphold] the moderators have reviewed your objection. The decision stands.
        [merge] the moderators have merged your proposal, as a duplicate, into { $into }. Your proposal stays readable under its number, with its discussion, and points there. Its votes now count for the other proposal (whoever supported both counts once); new votes and comments go there.
        [block] the moderators have blocked your account until { $until }. Until then you can read everything but not contribute.
       *[block_permanent] the moderators have blocked your account for good. You can still read everything but not contribute.
    }

    Concerns: { $kind ->
        [proposal] Your proposal "{ $title }"
       *[comment] Your comment on the proposal "{ $title }"
    }

    Reason: { $reason_shape ->
        [label] { $reason }
        [label_note] { $reason } – { $note }
        [note] { $note }
       *[none] (no further reason given)
    }

    { $action ->
        [hide] If you think this decision is wrong, you can object on the contribution's page (link below). A moderator will review your objection.
        [block] If you have questions about this decision, reply to this e-mail.
        [block_permanent] If you have questions about this decision, reply to this e-mail.
        [warn] If you have questions about this decision, reply to this e-mail.
        [uphold] If you have questions about this decision, reply to this e-mail.
        [merge] If you have questions about this decision, reply to this e-mail.
       *[other] There is nothing more you need to do.
    }

    { $link }

    Every moderation decision is listed with its date and public reason in the moderation ledger of { $instance }.

digest_line = { $event ->
    [reply] { $author } replied to your comment on "{ $title }".
    [comment] { $author } commented on "{ $title }".
    [withdrawn] "{ $title }" has been withdrawn.
   *[outcome] "{ $title }": { $outcome }
}
withdrawn_status = Its author has withdrawn it.
# The new state of a proposal merged into another, in the followers' mail and digest.
merged_status = It was merged, as a duplicate, into proposal no. { $id } "{ $title }". Its votes count there, and you now follow that proposal too.
# The new state of a proposal the administration gave its opinion on.
opinion_status = "{ $unit }" has given its opinion: { $verdict }.
# The proposal a merged one now points to, in its author's mail.
merged_into = proposal no. { $id } "{ $title }" ({ $link })

ballot_receipt_subject = Your ballot has been cast: { $budget }
ballot_receipt_body =
    Hello { $name },

    your ballot for “{ $budget }” was received on { $when } and counts. You chose:

    { $projects }

    Until voting ends on { $ends } you can withdraw it and cast it again.

    { $link }

    You receive this confirmation because you voted on { $instance }.

ballot_reopened_subject = Please vote again: { $budget }
ballot_reopened_body =
    Hello { $name },

    the project “{ $project }” has been withdrawn and taken off the ballot for “{ $budget }”. Your cast ballot held it; it therefore no longer counts and is a draft again with your other projects.

    Please check your choice and cast the ballot again.

    { $link }

    You receive this e-mail because you voted on { $instance }.

ballot_reminder_subject = Your ballot does not count yet: { $budget }
ballot_reminder_body =
    Hello { $name },

    you filled in a ballot for “{ $budget }” but have not cast it. A draft does not count. Voting ends on { $ends }.

    Please check your choice and cast the ballot.

    { $link }

    You receive this reminder once, because you started a ballot on { $instance }.
# The new state of a proposal (or of the project made from it) whose implementation moved on.
implementation_sentence_planned = Its implementation is planned.
implementation_sentence_in_progress = Its implementation has begun.
implementation_sentence_done = It has been implemented.
implementation_sentence_dropped = It will not be implemented.
