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
column_district_key = Stadtteil-Schlüssel
column_district = Stadtteil
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
# The council report's section for each budget of the procedure.
report_opinion = Stellungnahme der Fachverwaltung ({ $unit }): { $verdict }
report_budget_heading = Bürgerbudget: { $title }
report_budget_interim = Zwischenstand vom { $date }: Die Abstimmung läuft noch, dieses Ergebnis ist nicht endgültig.
report_budget_project = Kosten: { $cost } · { $unit }: { $votes } · { $verdict }
# The council report's maps of the districts (PDF and HTML) and the votes map's title.
report_map_proposals = Vorschläge je Stadtteil
report_map_votes = Stimmen je Stadtteil
report_map_legend = Je dunkler ein Stadtteil, desto höher seine Zahl; in Klammern steht sie hinter dem Namen.
map_results_votes = Karte: Stimmen je Stadtteil in „{ $title }“
# The council report (PDF and HTML): headings, sentences and notes.
fig_hidden_proposals = Ausgeblendete oder ungeprüfte Vorschläge (nicht veröffentlicht)
fig_hidden_comments = Ausgeblendete oder ungeprüfte Kommentare (nicht veröffentlicht)
report_title = Ergebnisbericht
summary_no_proposals = Es sind keine Vorschläge eingegangen.
summary_no_outcome = Der Rat hat noch über keinen Vorschlag entschieden.
summary_first = An erster Stelle steht Vorschlag #{ $id } „{ $title }“ ({ $unit }: { $figure }).
summary_period = Zeitraum
report_summary = Zusammenfassung
report_procedure = Das Verfahren
report_ranking = Die Vorschläge in der Rangfolge
report_ranking_support = Rangfolge nach der Zahl der Unterstützungen; bei gleicher Zahl teilen sich Vorschläge einen Rang und stehen nach Nummer.
report_ranking_rating = Rangfolge nach dem Saldo (dafür minus dagegen); bei gleichem Saldo teilen sich Vorschläge einen Rang und stehen nach Nummer.
report_moderation = Moderation
report_method = Zur Methode
report_files = Dateien und Prüfsummen
report_files_note = Die offenen Daten zu diesem Bericht. Eine Datei mit derselben SHA-256-Prüfsumme enthält genau die Zahlen dieses Berichts.
report_method_note_1 = Gezählt wird, was in der Datenbank steht: jede Stimme ist eine Zeile, eine Person kann pro Vorschlag nur einmal abstimmen. Stimmen werden nur online abgegeben; Beiträge aus Veranstaltungen vor Ort hat das Planungsteam erfasst und sie sind als solche gekennzeichnet.
report_method_note_2 = Teilnehmende sind die Konten, die online einen Vorschlag, einen Kommentar oder eine Stimme abgegeben haben. Tage im Zeitverlauf sind Kalendertage in koordinierter Weltzeit (UTC).
report_method_note_3 = Ausgeblendete, zurückgehaltene und noch ungeprüfte Inhalte sind gezählt, aber nicht veröffentlicht. Jede Moderationsentscheidung steht mit ihrer Begründung im öffentlichen Moderationsprotokoll.
report_method_note_4 = Personen erscheinen unter einem Pseudonym, das für dieses Verfahren gleich bleibt („Person 12“), außer sie haben der Nennung ihres Anzeigenamens zugestimmt. E-Mail-Adressen sind nie enthalten.
report_method_note_5 = In den CSV-Dateien beginnt ein Text, der wie eine Formel anfängt (=, +, -, @), mit einem Apostroph, damit eine Tabellenkalkulation ihn nicht ausführt.
