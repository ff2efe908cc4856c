# Column headers of the CSV files and the Excel workbook, by column.
column_rank = Rang
column_id = Nr.
column_url = Adresse
column_title = Titel
column_body = Text
column_category = Kategorie
column_location = Ort
column_source = Herkunft
column_event = Veranstaltung
column_status = Status
column_author = Verfasst von
column_created_at = Erstellt (UTC)
column_support = Unterstützungen
column_up = Dafür
column_down = Dagegen
column_score = Saldo
column_comments = Kommentare
column_outcome = Ratsbeschluss
column_outcome_justification = Begründung
column_outcome_meeting_date = Sitzung
column_proposal_id = Vorschlag
column_parent_id = Antwort auf
column_edited = Bearbeitet
column_at = Zeit (UTC)
column_target_kind = Art
column_target_id = Inhalt Nr.
column_action = Entscheidung
column_reason = Grund
column_public_reason = Öffentliche Begründung
column_figure = Kennzahl
column_value = Wert

# The Excel workbook's sheets.
sheet_figures = Kennzahlen
sheet_proposals = Vorschläge
sheet_comments = Kommentare
sheet_moderation = Moderation
