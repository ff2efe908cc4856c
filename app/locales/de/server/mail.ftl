# E-mails: `<mail>_subject` is the subject, `<mail>_body` the text (paragraphs are separated
# by blank lines; a paragraph that is only `{ $link }` becomes a button in the HTML part).

verify_email_subject = Bitte bestätigen Sie Ihre E-Mail-Adresse
verify_email_body =
    Hallo { $name },

    Sie haben sich bei { $instance } registriert. Bitte bestätigen Sie Ihre E-Mail-Adresse mit diesem Link:

    { $link }

    Der Link ist 48 Stunden gültig und funktioniert nur einmal. Erst nach der Bestätigung können Sie Vorschläge einreichen, kommentieren und abstimmen.

    Wenn Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren.

account_exists_subject = Sie haben bereits ein Konto
account_exists_body =
    Hallo,

    jemand hat versucht, mit dieser E-Mail-Adresse ein neues Konto bei { $instance } anzulegen. Für diese Adresse gibt es bereits ein Konto.

    Falls Sie Ihr Passwort vergessen haben, können Sie hier ein neues festlegen:

    { $link }

    Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.

password_reset_subject = Neues Passwort festlegen
password_reset_body =
    Hallo { $name },

    für Ihr Konto bei { $instance } wurde ein neues Passwort angefordert. Mit diesem Link legen Sie es fest:

    { $link }

    Der Link ist 48 Stunden gültig und funktioniert nur einmal. Danach werden Sie auf allen Geräten abgemeldet.

    Wenn Sie kein neues Passwort angefordert haben, können Sie diese E-Mail ignorieren; Ihr Passwort bleibt unverändert.

email_change_subject = Neue E-Mail-Adresse bestätigen
email_change_body =
    Hallo { $name },

    Sie möchten Ihre E-Mail-Adresse bei { $instance } auf diese Adresse ändern. Bitte bestätigen Sie das mit diesem Link:

    { $link }

    Der Link ist 48 Stunden gültig und funktioniert nur einmal. Bis dahin bleibt Ihre bisherige Adresse gültig.

test_mail_subject = Test-E-Mail von { $instance }
test_mail_body =
    Hallo,

    diese E-Mail bestätigt, dass { $instance } E-Mails versenden kann.

    { $link }

new_comment_subject = Neuer Kommentar zu „{ $title }“
new_comment_body =
    Hallo { $name },

    { $author } hat einen Vorschlag kommentiert, dem Sie folgen: „{ $title }“.

    { $excerpt }

    { $link }

    Sie erhalten diese E-Mail, weil Sie dem Vorschlag folgen. Unter „Mein Konto“ können Sie Benachrichtigungen abbestellen oder einmal täglich gesammelt erhalten.

comment_reply_subject = Antwort auf Ihren Kommentar zu „{ $title }“
comment_reply_body =
    Hallo { $name },

    { $author } hat auf Ihren Kommentar zum Vorschlag „{ $title }“ geantwortet.

    { $excerpt }

    { $link }

    Unter „Mein Konto“ können Sie Benachrichtigungen abbestellen oder einmal täglich gesammelt erhalten.

proposal_status_subject = Neuigkeiten zum Vorschlag „{ $title }“
proposal_status_body =
    Hallo { $name },

    der Vorschlag „{ $title }“, dem Sie folgen, hat einen neuen Stand: { $status }

    { $note }

    { $link }

    Sie erhalten diese E-Mail, weil Sie dem Vorschlag folgen. Unter „Mein Konto“ können Sie Benachrichtigungen abbestellen oder einmal täglich gesammelt erhalten.

digest_subject = Ihre tägliche Zusammenfassung: { $count ->
    [one] { $count } Neuigkeit
   *[other] { $count } Neuigkeiten
}
digest_body =
    Hallo { $name },

    seit der letzten Zusammenfassung gab es Neues zu Vorschlägen, denen Sie folgen:

    { $items }

    { $link }

    Unter „Mein Konto“ können Sie wählen, ob Sie Benachrichtigungen sofort, gesammelt oder gar nicht erhalten.

procedure_started_subject = Es geht los: „{ $title }“
procedure_started_body =
    Hallo { $name },

    das Beteiligungsverfahren „{ $title }“ hat begonnen. Sie wollten Bescheid bekommen, wenn es losgeht: Jetzt können Sie sich informieren und mitmachen.

    { $link }

    Sie erhalten diese E-Mail einmal, weil Sie bei { $instance } darum gebeten haben.

moderation_decision_subject = Moderation: { $action ->
    [approve] Ihr Beitrag ist sichtbar
    [restore] Ihr Beitrag ist sichtbar
    [hide] Ihr Beitrag wurde ausgeblendet
    [redact] Ihr Beitrag wurde bearbeitet
    [lock] Die Diskussion zu Ihrem Vorschlag
    [unlock] Die Diskussion zu Ihrem Vorschlag
    [warn] Eine Verwarnung
    [uphold] Ihr Widerspruch wurde geprüft
    [merge] Ihr Vorschlag wurde zusammengeführt
   *[block] Ihr Konto ist gesperrt
}
# $action: the decision (block_permanent: a block without an end date);
# $kind: proposal or comment; $reason_shape: label, label_note, note or none.
moderation_decision_body =
    Hallo { $name },

    { $action ->
        [approve] die Moderation hat Ihren Beitrag geprüft und freigegeben. Er ist jetzt für alle sichtbar.
        [restore] die Moderation hat Ihren Beitrag wieder eingeblendet. Er ist jetzt wieder für alle sichtbar.
        [hide] die Moderation hat Ihren Beitrag ausgeblendet. An seiner Stelle steht ein Hinweis mit der Begründung und dem Datum.
        [redact] die Moderation hat personenbezogene Daten aus Ihrem Beitrag entfernt. Der Beitrag ist als bearbeitet gekennzeichnet.
        [lock] die Moderation hat die Diskussion zu Ihrem Vorschlag geschlossen; neue Kommentare sind nicht mehr möglich.
        [unlock] die Moderation hat die Diskussion zu Ihrem Vorschlag wieder geöffnet.
        [warn] die Moderation verwarnt Sie wegen eines Ihrer Beiträge. Bitte beachten Sie die Regeln der Beteiligung; bei weiteren Verstößen kann Ihr Konto gesperrt werden.
        [uphold] die Moderation hat Ihren Widerspruch geprüft. Die Entscheidung bleibt bestehen.
        [merge] die Moderation hat Ihren Vorschlag als doppelten Vorschlag zusammengeführt mit { $into }. Ihr Vorschlag bleibt mit seiner Nummer und seiner Diskussion lesbar und verweist dorthin. Seine Stimmen zählen jetzt beim anderen Vorschlag (wer beide unterstützt hatte, zählt einmal); neue Stimmen und Kommentare gehen dorthin.
        [block] die Moderation hat Ihr Konto bis zum { $until } gesperrt. Bis dahin können Sie alles lesen, aber nichts beitragen.
       *[block_permanent] die Moderation hat Ihr Konto dauerhaft gesperrt. Sie können weiterhin alles lesen, aber nichts beitragen.
    }

    Betroffen: { $kind ->
        [proposal] Ihr Vorschlag „{ $title }“
       *[comment] Ihr Kommentar zum Vorschlag „{ $title }“
    }

    Begründung: { $reason_shape ->
        [label] { $reason }
        [label_note] { $reason } – { $note }
        [note] { $note }
       *[none] (keine weitere Begründung)
    }

    { $action ->
        [hide] Wenn Sie die Entscheidung für falsch halten, können Sie auf der Seite des Beitrags (Link unten) widersprechen. Ein anderes Mitglied der Moderation prüft Ihren Widerspruch.
        [block] Bei Fragen zu dieser Entscheidung antworten Sie auf diese E-Mail.
        [block_permanent] Bei Fragen zu dieser Entscheidung antworten Sie auf diese E-Mail.
        [warn] Bei Fragen zu dieser Entscheidung antworten Sie auf diese E-Mail.
        [uphold] Bei Fragen zu dieser Entscheidung antworten Sie auf diese E-Mail.
        [merge] Bei Fragen zu dieser Entscheidung antworten Sie auf diese E-Mail.
       *[other] Sie müssen nichts weiter tun.
    }

    { $link }

    Jede Entscheidung der Moderation steht mit Datum und öffentlicher Begründung im Moderationsprotokoll von { $instance }.

# A line of the daily digest. $event: reply, comment, withdrawn or outcome.
digest_line = { $event ->
    [reply] { $author } hat auf Ihren Kommentar zu „{ $title }“ geantwortet.
    [comment] { $author } hat „{ $title }“ kommentiert.
    [withdrawn] „{ $title }“ wurde zurückgezogen.
   *[outcome] „{ $title }“: { $outcome }
}
# The new state of a withdrawn proposal, in the followers' mail.
withdrawn_status = Die Verfasserin oder der Verfasser hat ihn zurückgezogen.
# The new state of a proposal merged into another, in the followers' mail and digest.
merged_status = Er wurde als doppelter Vorschlag mit Vorschlag Nr. { $id } „{ $title }“ zusammengeführt. Seine Stimmen zählen dort, und Sie folgen jetzt auch jenem Vorschlag.
# The new state of a proposal the administration gave its opinion on.
opinion_status = Die Stelle „{ $unit }“ hat Stellung genommen: { $verdict }.
# The proposal a merged one now points to, in its author's mail.
merged_into = Vorschlag Nr. { $id } „{ $title }“ ({ $link })

ballot_receipt_subject = Ihr Stimmzettel ist abgegeben: { $budget }
ballot_receipt_body =
    Hallo { $name },

    Ihr Stimmzettel für „{ $budget }“ ist am { $when } eingegangen und zählt. Sie haben gewählt:

    { $projects }

    Bis zum Ende der Abstimmung am { $ends } können Sie ihn zurückziehen und neu abgeben.

    { $link }

    Diese Bestätigung erhalten Sie, weil Sie auf { $instance } abgestimmt haben.

ballot_reopened_subject = Bitte stimmen Sie erneut ab: { $budget }
ballot_reopened_body =
    Hallo { $name },

    das Projekt „{ $project }“ wurde zurückgezogen und vom Stimmzettel für „{ $budget }“ genommen. Ihr abgegebener Stimmzettel enthielt es; er zählt deshalb nicht mehr und ist wieder ein Entwurf mit Ihren übrigen Projekten.

    Bitte prüfen Sie Ihre Wahl und geben Sie den Stimmzettel erneut ab.

    { $link }

    Sie erhalten diese E-Mail, weil Sie auf { $instance } abgestimmt haben.

ballot_reminder_subject = Ihr Stimmzettel zählt noch nicht: { $budget }
ballot_reminder_body =
    Hallo { $name },

    Sie haben für „{ $budget }“ einen Stimmzettel ausgefüllt, aber noch nicht abgegeben. Ein Entwurf zählt nicht. Die Abstimmung endet am { $ends }.

    Bitte prüfen Sie Ihre Wahl und geben Sie den Stimmzettel ab.

    { $link }

    Diese Erinnerung erhalten Sie einmal, weil Sie auf { $instance } einen Stimmzettel begonnen haben.
# The new state of a proposal (or of the project made from it) whose implementation moved on.
implementation_sentence_planned = Die Umsetzung ist geplant.
implementation_sentence_in_progress = Die Umsetzung hat begonnen.
implementation_sentence_done = Er ist umgesetzt.
implementation_sentence_dropped = Er wird nicht umgesetzt.
