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
