# Column headers of the CSV files and the Excel workbook, by column.
column_rank = Rank
column_id = No.
column_url = Address
column_title = Title
column_body = Text
column_category = Category
column_location = Location
column_source = Source
column_event = Event
column_status = Status
column_author = Author
column_created_at = Created (UTC)
column_support = Supports
column_up = Up
column_down = Down
column_score = Score
column_comments = Comments
column_outcome = Council outcome
column_outcome_justification = Justification
column_outcome_meeting_date = Meeting
column_district_key = District key
column_district = District
column_proposal_id = Proposal
column_parent_id = Reply to
column_edited = Edited
column_at = Time (UTC)
column_target_kind = Kind
column_target_id = Target no.
column_action = Action
column_reason = Reason
column_public_reason = Public reason
column_figure = Figure
column_value = Value

# The Excel workbook's sheets.
sheet_figures = Figures
sheet_proposals = Proposals
sheet_comments = Comments
sheet_moderation = Moderation
# The council report's section for each budget of the procedure.
report_opinion = The administration's opinion ({ $unit }): { $verdict }
report_budget_heading = Participatory budget: { $title }
report_budget_interim = Count as of { $date }: voting is still open, this result is not final.
report_budget_project = Cost: { $cost } · { $unit }: { $votes } · { $verdict }
# The council report's maps of the districts (PDF and HTML) and the votes map's title.
report_map_proposals = Proposals by district
report_map_votes = Votes by district
report_map_legend = The darker a district, the higher its figure, which follows its name in brackets.
map_results_votes = Map: votes by district in “{ $title }”
# The council report (PDF and HTML): headings, sentences and notes.
fig_hidden_proposals = Hidden or unreviewed proposals (not published)
fig_hidden_comments = Hidden or unreviewed comments (not published)
report_title = Results report
summary_no_proposals = No proposals were submitted.
summary_no_outcome = The council has not decided on any proposal yet.
summary_first = In first place is proposal #{ $id } “{ $title }” ({ $unit }: { $figure }).
summary_period = Period
report_summary = Summary
report_procedure = The procedure
report_ranking = The proposals, ranked
report_ranking_support = Ranked by number of supports; proposals with equal numbers share a rank and are listed by number.
report_ranking_rating = Ranked by score (for minus against); proposals with equal scores share a rank and are listed by number.
report_moderation = Moderation
report_method = Method
report_files = Files and checksums
report_files_note = The open data behind this report. A file with the same SHA-256 checksum holds exactly the figures of this report.
report_method_note_1 = What is counted is what the database holds: every vote is one row, and a person can vote on a proposal only once. Votes are cast online only; contributions from on-site events were entered by the planning team and are marked as such.
report_method_note_2 = Participants are the accounts that proposed, commented or voted online. Days in the timeline are calendar days in Coordinated Universal Time (UTC).
report_method_note_3 = Hidden, held and not yet reviewed content is counted but not published. Every moderation decision is in the public moderation ledger with its reason.
report_method_note_4 = People appear under a pseudonym that stays the same within this procedure ("Person 12") unless they agreed to show their display name. E-mail addresses are never included.
report_method_note_5 = In the CSV files, a text that begins like a formula (=, +, -, @) starts with an apostrophe so that a spreadsheet does not run it.
